// Standalone mode with real peers: iputils arping and ndisc6 in a client namespace, curl to an
// HTTP server bound to the VIP behind the announcer (kernel silenced with arp_ignore/arp_announce).
import { test } from "node:test";
import assert from "node:assert/strict";
import { NetnsLab, twoHosts } from "../helpers/netns.ts";
import { startAnnouncer } from "../helpers/announcer.ts";

const VIP4 = "198.51.100.50";
const VIP6 = "2001:db8::50";
const MAC_B = "02:00:00:00:00:0b";

test("standalone: arping/ndisc6 get the announcer's MAC, the client learns the VIP, curl reaches it; SIGTERM exits 0 and stops answers", async (t) => {
  const lab = await NetnsLab.start(t, "announce");
  if (!lab) return;
  const { a, b } = await twoHosts(lab);
  // The VIP is bound on b's lo so a local server can accept it; the kernel must not answer for it.
  await lab.sysctl(b, "net.ipv4.conf.all.arp_ignore", "1");
  await lab.addr(b, "lo", `${VIP4}/32`);
  await lab.addr(b, "lo", `${VIP6}/128`, { nodad: true });
  const kernelOnly = await lab.exec(a, ["arping", "-I", "vA", "-c", "1", "-w", "1", VIP4]);
  assert.notEqual(kernelOnly.code, 0, "the kernel must stay silent for the VIP before lbctl runs");

  const ann = startAnnouncer(lab, b, ["-i", "^vB$", "--vip", `${VIP4},${VIP6}`, "--gratuitous-count", "2", "--gratuitous-interval", "200ms"]);
  await ann.waitFor(/msg=answering/);

  const arp = await lab.exec(a, ["arping", "-I", "vA", "-c", "3", "-w", "4", VIP4]);
  assert.equal(arp.code, 0, arp.stdout + arp.stderr);
  assert.match(arp.stdout, new RegExp(`Unicast reply from ${VIP4} \\[${MAC_B}\\]`, "i"));
  assert.match(arp.stdout, /Received 3 response/);
  const probe = await lab.exec(a, ["arping", "-D", "-I", "vA", "-c", "2", "-w", "3", VIP4]);
  assert.equal(probe.code, 1, "RFC 5227 probe (arping -D) must find the address in use: " + probe.stdout);

  const nd = await lab.exec(a, ["ndisc6", "-n", "-r", "2", "-w", "1000", VIP6, "vA"]);
  assert.equal(nd.code, 0, nd.stdout + nd.stderr);
  assert.match(nd.stdout, new RegExp(`Target link-layer address: ${MAC_B}`, "i"));

  const server = lab.spawn(b, [process.execPath, "-e", `
    const http = require("node:http");
    let n = 0;
    for (const h of ["${VIP4}", "${VIP6}"]) http.createServer((q, s) => s.end("hello from " + h + "\\n")).listen(8080, h, () => { if (++n === 2) console.log("ready"); });
  `]);
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("HTTP server did not start")), 10_000);
    server.stdout?.once("data", () => (clearTimeout(t), resolve(undefined)));
  });
  const c4 = await lab.exec(a, ["curl", "-sS", "--max-time", "3", `http://${VIP4}:8080/`]);
  assert.equal(c4.stdout, `hello from ${VIP4}\n`, c4.stderr);
  const c6 = await lab.exec(a, ["curl", "-sS", "--max-time", "3", `http://[${VIP6}]:8080/`]);
  assert.equal(c6.stdout, `hello from ${VIP6}\n`, c6.stderr);
  const neigh = await lab.ip(a, "neigh", "show", "dev", "vA");
  assert.match(neigh, new RegExp(`${VIP4.replace(/\./g, "\\.")} lladdr ${MAC_B}`));
  assert.match(neigh, new RegExp(`${VIP6} lladdr ${MAC_B}`));
  server.kill("SIGKILL");

  const code = await ann.stop("SIGTERM");
  assert.equal(code, 0, ann.log());
  assert.match(ann.log(), /msg=stopped requests=\d+ replies=\d+/);
  const after = await lab.exec(a, ["arping", "-I", "vA", "-c", "1", "-w", "1", VIP4]);
  assert.notEqual(after.code, 0, "no answers after SIGTERM");
});

test("standalone: refuses a VIP another host answers for, unless --force", async (t) => {
  const lab = await NetnsLab.start(t, "announce");
  if (!lab) return;
  const { a, b } = await twoHosts(lab);
  // 198.51.100.1 is a's own address: a's kernel answers probes for it.
  const r = await lab.lbctl(b, ["announce", "-i", "^vB$", "--vip", "198.51.100.1"], { timeoutMs: 10_000 });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /error: refusing to claim addresses another host answers for: 198\.51\.100\.1 on vB \(answered by 02:00:00:00:00:0a\); use --force/);
  const forced = startAnnouncer(lab, b, ["-i", "^vB$", "--vip", "198.51.100.1", "--force"]);
  await forced.waitFor(/msg=answering/);
  assert.match(forced.log(), /level=warn msg="address already in use by another host" ip=198\.51\.100\.1 interface=vB our_mac=02:00:00:00:00:0b their_mac=02:00:00:00:00:0a/);
  assert.equal(await forced.stop("SIGINT"), 0);
  void a;
});
