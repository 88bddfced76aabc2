// lbctl arping with real peers in namespaces: gratuitous updates of a neighbour table, two hosts
// claiming one address behind a bridge, setup errors, signals and missing privilege.
import { test } from "node:test";
import assert from "node:assert/strict";
import { NetnsLab, twoHosts, type ExecResult } from "../helpers/netns.ts";
import { LBCTL_BIN } from "../helpers/cli.ts";

const FAKE = "02:00:00:00:00:ee";

test("-U and -A move the peer's existing neighbour entry to our MAC (IPv4 and IPv6)", async (t) => {
  const lab = await NetnsLab.start(t, "garp");
  if (!lab) return;
  const { a, b } = await twoHosts(lab);
  const cases: [string, string, string[]][] = [
    ["-U", "198.51.100.1", []],
    ["-A", "198.51.100.1", []],
    ["-U", "2001:db8::1", ["-6"]],
    ["-A", "2001:db8::1", ["-6"]],
  ];
  for (const [flag, ip, fam] of cases) {
    await lab.ip(b, ...fam, "neigh", "replace", ip, "dev", "vB", "lladdr", FAKE, "nud", "stale");
    assert.match(await lab.ip(b, ...fam, "neigh", "show", ip, "dev", "vB"), new RegExp(`lladdr ${FAKE}`));
    const r = await lab.lbctl(a, ["arping", "-i", "vA", flag, "-c", "1", ip]);
    assert.equal(r.code, 0, `${flag} ${ip}: ${r.stderr}`);
    assert.match(r.stdout, /^Sent 1 probes \(1 broadcast\(s\)\)$/m);
    const after = await lab.ip(b, ...fam, "neigh", "show", ip, "dev", "vB");
    assert.match(after, /lladdr 02:00:00:00:00:0a/, `${flag} ${ip}: b's entry is now ${after.trim()}`);
  }
});

test("two hosts answering for one address behind a bridge: both MACs, warning, exit 3", async (t) => {
  const lab = await NetnsLab.start(t, "dup");
  if (!lab) return;
  const [sw, a, b, c] = await Promise.all([lab.ns("sw"), lab.ns("a"), lab.ns("b"), lab.ns("c")]);
  await lab.bridge(sw, "br0");
  for (const [ns, ifn, x] of [[a, "vA", "0a"], [b, "vB", "0b"], [c, "vC", "0c"]] as const) {
    await lab.veth(sw, `p${x}`, `02:00:00:00:01:${x}`, ns, ifn, `02:00:00:00:00:${x}`);
    await lab.attach(sw, `p${x}`, "br0");
    await lab.up(sw, `p${x}`, { wait: false });
  }
  await Promise.all([
    lab.addr(a, "vA", "198.51.100.1/24"),
    lab.addr(b, "vB", "198.51.100.2/24"),
    lab.addr(c, "vC", "198.51.100.2/24"),
    lab.addr(a, "vA", "2001:db8::1/64"),
    lab.addr(b, "vB", "2001:db8::2/64"),
    lab.addr(c, "vC", "2001:db8::2/64"),
  ]);
  await Promise.all([lab.up(a, "vA"), lab.up(b, "vB"), lab.up(c, "vC")]);
  const [v4, v6, json, dad, one] = await Promise.all([
    lab.lbctl(a, ["arping", "-i", "vA", "-c", "2", "--interval", "0.2", "198.51.100.2"]),
    lab.lbctl(a, ["arping", "-i", "vA", "-c", "2", "--interval", "0.2", "2001:db8::2"]),
    lab.lbctl(a, ["arping", "-i", "vA", "-o", "json", "-q", "-c", "2", "--interval", "0.2", "198.51.100.2"]),
    lab.lbctl(a, ["arping", "-i", "vA", "-D", "-c", "2", "--interval", "0.2", "198.51.100.2"]),
    lab.lbctl(a, ["arping", "-i", "vA", "-c", "1", "198.51.100.2"]),
  ]);
  assert.equal(one.code, 3, `-c 1 still sees the second host within its settle window: ${one.stdout}`);
  for (const [name, r, ip] of [["IPv4", v4, "198.51.100.2"], ["IPv6", v6, "2001:db8::2"]] as const) {
    assert.equal(r.code, 3, `${name}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /\[02:00:00:00:00:0B\]/, name);
    assert.match(r.stdout, /\[02:00:00:00:00:0C\]/, name);
    assert.equal(r.stderr.trim(), `warning: ${ip} is claimed by 2 different MACs: ${r.stdout.indexOf("0B]") < r.stdout.indexOf("0C]") ? "02:00:00:00:00:0B, 02:00:00:00:00:0C" : "02:00:00:00:00:0C, 02:00:00:00:00:0B"} (two hosts answer for one address)`);
  }
  assert.equal(json.code, 3);
  assert.equal(json.stdout, "", "-q prints nothing");
  assert.equal(dad.code, 1, "DAD: taken");
});

test("setup errors inside a namespace: down, NOARP, no subnet, foreign -s, no privilege, addon missing", async (t) => {
  const lab = await NetnsLab.start(t, "err");
  if (!lab) return;
  const { a } = await twoHosts(lab);
  await lab.ip(a, "link", "add", "vX", "type", "veth", "peer", "name", "vY");
  await lab.ip(a, "link", "add", "vZ", "type", "veth", "peer", "name", "vW");
  await lab.ip(a, "link", "set", "vZ", "arp", "off");
  await lab.up(a, "vW", { wait: false });
  await lab.up(a, "vZ", { wait: false });
  const cases: [string[], RegExp, string[]?][] = [
    [["-i", "vX", "-c", "1", "198.51.100.2"], /^error: Interface "vX" is down$/],
    [["-i", "vZ", "-c", "1", "198.51.100.2"], /^error: Interface "vZ" is not ARPable/],
    [["-c", "1", "203.0.113.5"], /^error: no interface has a connected subnet holding 203\.0\.113\.5: use -i IFACE$/],
    [["-i", "vA", "-s", "198.51.100.9", "-c", "1", "198.51.100.2"], /^error: -s 198\.51\.100\.9: Cannot assign requested address/],
    [["-i", "vA", "-c", "1", "198.51.100.2"], /^error: opening a packet socket on vA: socket\(AF_PACKET\): Operation not permitted: CAP_NET_RAW is needed/, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"]],
  ];
  cases.push([["-i", "vA", "-c", "1", "198.51.100.2"], /^error: the packet addon is not built \(looked for \/nonexistent\/lbctl_packet\.node\): run `npm run build:addon`/, ["env", "LBCTL_PACKET_ADDON=/nonexistent/lbctl_packet.node"]]);
  for (const [args, want, prefix] of cases) {
    const r: ExecResult = prefix
      ? await lab.exec(a, [...prefix, process.execPath, LBCTL_BIN, "arping", ...args], { env: { ...process.env, LBCTL_TEST_NETNS_GUARD: "1", NO_COLOR: "1" } })
      : await lab.lbctl(a, ["arping", ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout, "", args.join(" "));
    assert.match(r.stderr.trim(), want, args.join(" "));
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  }
});

test("SIGINT ends an endless run with the statistics and iputils' exit status", async (t) => {
  const lab = await NetnsLab.start(t, "sig");
  if (!lab) return;
  const { a } = await twoHosts(lab);
  for (const [target, want] of [["198.51.100.2", 0], ["198.51.100.99", 1]] as const) {
    const bg = lab.startLbctl(a, ["arping", "-i", "vA", "--interval", "0.1", target]);
    // signal only once the run is under way (the trap is set before the header is printed)
    await bg.waitFor(/^ARPING /m);
    await new Promise((r) => setTimeout(r, 300));
    lab.assertOurs(bg.pid);
    const { code } = await bg.stop("SIGINT");
    assert.equal(code, want, `${target}: ${bg.stdout}${bg.stderr}`);
    assert.match(bg.stdout, /^Sent \d+ probes/m);
    assert.match(bg.stdout, /^Received \d+ response\(s\)/m);
  }
});

test("the interface going down mid-run: one-line error, exit 2 (iputils upstream: ENETDOWN → 2)", async (t) => {
  const lab = await NetnsLab.start(t, "down");
  if (!lab) return;
  const { a } = await twoHosts(lab);
  const bg = lab.startLbctl(a, ["arping", "-i", "vA", "--interval", "0.1", "-w", "20", "198.51.100.2"]);
  await bg.waitFor(/^Unicast reply from/m);
  await lab.ip(a, "link", "set", "vA", "down");
  const { code } = await bg.exited;
  assert.equal(code, 2, bg.stdout + bg.stderr);
  assert.equal(bg.stderr.trim(), "error: sending on vA: the interface is down (sendto: Network is down)");
});
