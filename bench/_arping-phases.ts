// Where `lbctl arping -c 1` spends its time, measured inside one process: performance.now()
// counts from process start, so the first mark is Node's own bootstrap. Run by bench/arping.ts
// inside a namespace; prints one JSON object on stderr (stdout carries arping's own lines).
const marks: [string, number][] = [["node bootstrap (process start → script)", performance.now()]];
const mark = (name: string): void => void marks.push([name, performance.now()]);

const { run } = await import("../src/cli/program.ts");
const { processContext } = await import("../src/cli/context.ts");
mark("CLI modules (commander, program, command table)");
await import("../src/cli/commands/arping-run.ts");
mark("arping modules (core session/codecs, links adapter)");
const { loadBinding } = await import("../src/adapters/packet/binding.ts");
loadBinding();
mark("packet addon load (dlopen)");
const code = await run(processContext(), process.argv.slice(2));
mark("arping run (interface facts, socket open, probe, first reply, output)");
process.stderr.write(JSON.stringify({ code, marks }) + "\n");
process.exitCode = code;
