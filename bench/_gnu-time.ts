// GNU time in the bpffs benches: a shell loop that appends "<label> wall KB user sys" per run,
// and the parser of those lines (GNU time's "Command exited with non-zero status" lines skipped).

const timeOne = (label: string, cmd: string): string => `/usr/bin/time -f "${label} %e %M %U %S" -a -o "$D/../times" sh -c ${JSON.stringify(`{ ${cmd}; } >/dev/null`)}`;

/** Shell: run `cmd` `runs` times under /usr/bin/time, appending to $D/../times. */
export function timedLoop(label: string, cmd: string, runs: number): string {
  return `for i in $(seq ${runs}); do ${timeOne(label, cmd)}; done`;
}

/**
 * The same for several commands taken in turn within each round, so that a load that changes
 * during the run (other sessions' tests) weighs on all of them alike: for before/after figures.
 */
export function timedRounds(cmds: readonly [label: string, cmd: string][], runs: number): string {
  return `for i in $(seq ${runs}); do ${cmds.map(([l, c]) => timeOne(l, c)).join("; ")}; done`;
}

export interface Timings {
  s: number[];
  kb: number[];
  /** user + system seconds */
  cpu: number[];
}

export function parseTimes(lines: readonly string[]): Map<string, Timings> {
  const rows = new Map<string, Timings>();
  for (const line of lines) {
    const [label, s, kb, user, sys] = line.split(" ");
    if (!label || sys === undefined || !/^[\d.]+$/.test(s ?? "")) continue;
    const e = rows.get(label) ?? { s: [], kb: [], cpu: [] };
    e.s.push(Number(s));
    e.kb.push(Number(kb));
    e.cpu.push(Number(user) + Number(sys));
    rows.set(label, e);
  }
  return rows;
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
