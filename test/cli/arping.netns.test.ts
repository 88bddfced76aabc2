// lbctl arping against real peers, side by side with iputils arping and ndisc6. Everything runs
// in namespaces built by the netns lab (documentation addresses only); skipped when not root.
import { test } from "node:test";
import assert from "node:assert/strict";
import { NetnsLab, twoHosts, type ExecResult } from "../helpers/netns.ts";

const B_MAC = "02:00:00:00:00:0B";
const REPLY_FROM_B = new RegExp(`^Unicast reply from 198\\.51\\.100\\.2 \\[${B_MAC}\\]  \\d+\\.\\d{3}ms$`, "m");

/** iputils' and lbctl's stdout with times masked and lbctl's extra rtt line removed. */
function normal(out: string): string[] {
  return out
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("rtt "))
    .map((l) => l.replace(/ \d+\.\d{3}ms$/, " Tms"));
}

function times(out: string): number[] {
  return [...out.matchAll(/ (\d+\.\d{3})ms$/gm)].map((m) => Number(m[1]));
}

test("IPv4 against the kernel responder, beside iputils arping: same lines, MACs and exit codes", async (t) => {
  const lab = await NetnsLab.start(t, "arp4", { tools: ["arping"] });
  if (!lab) return;
  // one pair for lbctl, one for iputils, so that the two never see each other's frames
  const [mine, theirs] = await Promise.all([twoHosts(lab, "l"), twoHosts(lab, "i")]);
  const cases: [string, string[], string[]][] = [
    ["live -c 2", ["-c", "2"], ["198.51.100.2"]],
    ["silent -c 1", ["-c", "1"], ["198.51.100.99"]],
    ["-D, address taken", ["-D", "-c", "2"], ["198.51.100.2"]],
    ["-D, address free", ["-D", "-c", "1"], ["198.51.100.77"]],
    ["-f -c 5", ["-f", "-c", "5"], ["198.51.100.2"]],
    ["-b -c 2", ["-b", "-c", "2"], ["198.51.100.2"]],
    ["-U -c 1 (own address)", ["-U", "-c", "1"], ["198.51.100.1"]],
    ["-A -c 1 (own address)", ["-A", "-c", "1"], ["198.51.100.1"]],
  ];
  const iputils = (async () => {
    const out: ExecResult[] = [];
    for (const [, flags, target] of cases) out.push(await lab.exec(theirs.a, ["arping", "-I", "vA", ...flags, ...target], { timeoutMs: 6000 }));
    return out;
  })();
  const ours: ExecResult[] = [];
  for (const [, flags, target] of cases) ours.push(await lab.lbctl(mine.a, ["arping", "-i", "vA", "--interval", "0.2", ...flags, ...target]));
  const theirsOut = await iputils;
  cases.forEach(([name], i) => {
    const l = ours[i]!;
    const r = theirsOut[i]!;
    assert.equal(l.stderr, "", `${name}: lbctl stderr`);
    assert.equal(l.code, r.code, `${name}: exit codes (lbctl ${l.code}, iputils ${r.code})`);
    assert.deepEqual(normal(l.stdout), normal(r.stdout), `${name}: lines`);
  });
  // live -c 2: two replies from b's MAC, broadcast first then unicast, true RTT under 0.5 ms
  assert.match(ours[0]!.stdout, REPLY_FROM_B);
  assert.match(ours[0]!.stdout, /^Sent 2 probes \(1 broadcast\(s\)\)$/m);
  assert.match(ours[0]!.stdout, /^rtt min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms$/m);
  const lt = times(ours[0]!.stdout);
  const it = times(theirsOut[0]!.stdout).map((x) => x - 0.5); // iputils prints RTT + 0.5 ms
  // minima, loose bounds: a loaded CI host can defer a softirq by milliseconds (bench/ measures precisely)
  assert.ok(Math.min(...lt) < 2, `lbctl RTTs ${lt}: a veth round trip is tens of µs`);
  assert.ok(Math.abs(Math.min(...lt) - Math.min(...it)) < 2, `lbctl ${lt} vs iputils-0.5 ${it}: within noise`);
  assert.match(ours[2]!.stdout, /^ARPING 198\.51\.100\.2 from 0\.0\.0\.0 vA$/m);
  // -c 1 / -f / -U end on the reply or the send, not after the (here 5 s) interval
  for (const flags of [["-c", "1"], ["-f", "-c", "3"], ["-U", "-c", "1"]]) {
    const target = flags[0] === "-U" ? "198.51.100.1" : "198.51.100.2";
    const r = await lab.lbctl(mine.a, ["arping", "-i", "vA", "--interval", "5", ...flags, target]);
    assert.equal(r.code, 0, `${flags.join(" ")}: ${r.stderr}`);
    assert.ok(r.ms < 4000, `${flags.join(" ")} took ${r.ms} ms`);
  }
});

test("IPv6 through NS/NA: same MAC as ndisc6, DAD, JSON, auto interface", async (t) => {
  const lab = await NetnsLab.start(t, "arp6", { tools: ["ndisc6"] });
  if (!lab) return;
  const { a, b } = await twoHosts(lab);
  const [live, nd] = await Promise.all([
    lab.lbctl(a, ["arping", "-c", "2", "--interval", "0.2", "2001:db8::2"]), // no -i: vA holds 2001:db8::/64
    lab.exec(a, ["ndisc6", "-n", "-r", "1", "-w", "1000", "2001:db8::2", "vA"]),
  ]);
  assert.equal(nd.code, 0, nd.stdout + nd.stderr);
  assert.match(nd.stdout, new RegExp(`^Target link-layer address: ${B_MAC}$`, "m"));
  assert.equal(live.code, 0, live.stderr);
  assert.match(live.stdout, /^ARPING 2001:db8::2 from 2001:db8::1 vA$/m);
  assert.equal([...live.stdout.matchAll(new RegExp(`^Unicast reply from 2001:db8::2 \\[${B_MAC}\\]  \\d+\\.\\d{3}ms$`, "gm"))].length, 2);
  assert.match(live.stdout, /^Sent 2 probes \(1 broadcast\(s\)\)$/m);

  const [silent, ndSilent, taken, free, json] = await Promise.all([
    lab.lbctl(a, ["arping", "-i", "vA", "-c", "2", "--interval", "0.2", "2001:db8::99"]),
    lab.exec(a, ["ndisc6", "-n", "-r", "1", "-w", "300", "2001:db8::99", "vA"]),
    lab.lbctl(a, ["arping", "-i", "vA", "-D", "-c", "2", "--interval", "0.2", "2001:db8::2"]),
    lab.lbctl(a, ["arping", "-i", "vA", "-D", "-c", "2", "--interval", "0.2", "2001:db8::77"]),
    lab.lbctl(a, ["arping", "-i", "vA", "-o", "json", "-c", "1", "2001:db8::2"]),
  ]);
  assert.equal(silent.code, 1, "no answer: 1 (ndisc6 says 2 for the same)");
  assert.equal(ndSilent.code, 2);
  assert.equal(taken.code, 1, taken.stdout);
  assert.match(taken.stdout, new RegExp(`reply from 2001:db8::2 \\[${B_MAC}\\]`));
  assert.equal(free.code, 0, free.stdout);
  assert.equal(json.code, 0);
  const lines = json.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 2);
  assert.equal(lines[0]!["type"], "reply");
  assert.equal(lines[0]!["mac"], "02:00:00:00:00:0b");
  assert.ok(typeof lines[0]!["rttMs"] === "number" && (lines[0]!["rttMs"] as number) > 0);
  assert.deepEqual([lines[1]!["type"], lines[1]!["received"], lines[1]!["duplicate"], lines[1]!["exitCode"]], ["summary", 1, false, 0]);

  // link-local destination with a zone: b's fe80:: address answers once its own DAD is over
  const ll = "fe80::ff:fe00:b";
  for (let i = 0; i < 40 && /tentative/.test(await lab.ip(b, "-6", "addr", "show", "dev", "vB", "scope", "link")); i++) await new Promise((r) => setTimeout(r, 100));
  const zoned = await lab.lbctl(a, ["arping", "-c", "1", `${ll}%vA`]);
  assert.equal(zoned.code, 0, zoned.stdout + zoned.stderr);
  assert.match(zoned.stdout, new RegExp(`^ARPING ${ll} from fe80::ff:fe00:a vA$`, "m"));
  assert.match(zoned.stdout, new RegExp(`^Unicast reply from ${ll} \\[${B_MAC}\\]  \\d+\\.\\d{3}ms$`, "m"));
});
