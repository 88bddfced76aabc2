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
  const lab = await NetnsLab.start(t, "announce", { tools: ["arping", "ndisc6", "curl"] });
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

  const { code } = await ann.stop("SIGTERM");
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
  const forced = startAnnouncer(lab, b, ["-i", "^vB$", "--vip", "198.51.100.1", "--force", "--log-format", "json"]);
  await forced.waitFor(/"msg":"answering"/);
  const lines = forced.log().trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  const w = lines.find((l) => l["msg"] === "address already in use by another host");
  assert.deepEqual(w && { level: w["level"], ip: w["ip"], interface: w["interface"], our_mac: w["our_mac"], their_mac: w["their_mac"] },
    { level: "warn", ip: "198.51.100.1", interface: "vB", our_mac: "02:00:00:00:00:0b", their_mac: "02:00:00:00:00:0a" });
  assert.ok(lines.every((l) => typeof l["time"] === "string" && typeof l["level"] === "string"), "every line is a JSON object");
  assert.equal((await forced.stop("SIGINT")).code, 0);
  void a;
});

test("standalone: a hostile frame flood (garbage, random targets) never crashes it and gets no replies", async (t) => {
  const lab = await NetnsLab.start(t, "announce", { tools: ["arping", "curl"] });
  if (!lab) return;
  const { a, b } = await twoHosts(lab);
  const ann = startAnnouncer(lab, b, ["-i", "^vB$", "--vip", VIP4, "--no-probe", "--gratuitous-count", "0", "--metrics-addr", "127.0.0.1:9474"]);
  await ann.waitFor(/msg=answering/);
  const dist = new URL("../../", import.meta.url).pathname;
  const flood = `
    const fs = require("node:fs");
    (async () => {
      const { PacketSocket } = await import(${JSON.stringify(dist + "src/adapters/packet/socket.js")});
      const { arpMessageBytes, newRequest } = await import(${JSON.stringify(dist + "src/core/packet/arp.js")});
      const s = PacketSocket.open({ ifname: "vA", ifindex: Number(fs.readFileSync("/sys/class/net/vA/ifindex", "utf8")), ethertype: 0x0806 });
      let seed = 42;
      const rnd = (n) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
      let sent = 0;
      for (let i = 0; i < 20000; i++) {
        let f;
        if (i % 2 === 0) {
          let t = 50; while (t === 50) t = rnd(256);
          f = arpMessageBytes(newRequest({ sha: "02:00:00:00:00:0a", spa: "198.51.100.1", tpa: "198.51.100." + t }));
        } else {
          f = new Uint8Array(14 + rnd(80));
          for (let j = 0; j < f.length; j++) f[j] = rnd(256);
          f.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x0a]);
          const et = [[0x08, 0x06], [0x86, 0xdd]][rnd(2)]; f[12] = et[0]; f[13] = et[1];
        }
        try { s.send(f); sent++; } catch {}
      }
      s.close();
      console.log("sent " + sent);
    })();
  `;
  const r = await lab.exec(a, [process.execPath, "-e", flood], { timeoutMs: 30_000, env: { ...process.env, LBCTL_TEST_NETNS_GUARD: "1" } });
  assert.match(r.stdout, /sent 20000/, r.stderr);
  await new Promise((res) => setTimeout(res, 300));
  const m = await lab.exec(b, ["curl", "-sS", "--max-time", "2", "http://127.0.0.1:9474/metrics"]);
  assert.equal(/^lbctl_announce_replies_total\{/m.test(m.stdout), false, "no replies to a random-target flood:\n" + m.stdout);
  const seen = Number(/^lbctl_announce_requests_total\{family="ipv4",interface="vB"\} (\d+)$/m.exec(m.stdout)?.[1] ?? 0);
  assert.ok(seen >= 9000, `requests seen: ${seen}`);
  assert.equal(ann.child.exitCode, null, "still running");
  const arp = await lab.exec(a, ["arping", "-I", "vA", "-c", "1", "-w", "2", VIP4]);
  assert.equal(arp.code, 0, arp.stdout + ann.log());
  assert.equal((await ann.stop("SIGTERM")).code, 0);
});

test("standalone: interface down → silent; up → answers and re-announces; deleted and re-created → answers again", async (t) => {
  const lab = await NetnsLab.start(t, "announce", { tools: ["arping"] });
  if (!lab) return;
  const { a, b } = await twoHosts(lab);
  const ann = startAnnouncer(lab, b, ["-i", "^vB$", "--vip", VIP4, "--no-probe", "--gratuitous-count", "2", "--gratuitous-interval", "200ms"]);
  await ann.waitFor(/msg=answering/);
  const answers = async (): Promise<boolean> => (await lab.exec(a, ["arping", "-I", "vA", "-c", "1", "-w", "1", VIP4])).code === 0;
  assert.equal(await answers(), true);
  let mark = ann.log().length;
  await lab.ip(b, "link", "set", "vB", "down");
  await ann.waitFor(/msg="interface down" interface=vB/, 3000, mark);
  assert.equal(await answers(), false);
  mark = ann.log().length;
  await lab.up(b, "vB");
  await ann.waitFor(/msg="interface up" interface=vB/, 3000, mark);
  assert.equal(await answers(), true);
  // Delete the link (its peer goes with it) and re-create the pair with the same names.
  mark = ann.log().length;
  await lab.ip(b, "link", "del", "vB");
  await ann.waitFor(/(interface gone or replaced; closing its responder|responder socket failed; will reopen on the next interface scan)" interface=vB/, 3000, mark);
  await lab.veth(a, "vA", "02:00:00:00:00:0a", b, "vB", "02:00:00:00:00:0b");
  await lab.addr(a, "vA", "198.51.100.1/24");
  await lab.addr(b, "vB", "198.51.100.2/24");
  await Promise.all([lab.up(a, "vA"), lab.up(b, "vB")]);
  await ann.waitFor(/msg="responder listening" interface=vB/, 3000, mark);
  let ok = false;
  for (let i = 0; i < 5 && !ok; i++) ok = await answers();
  assert.equal(ok, true, ann.log());
  assert.equal((await ann.stop("SIGTERM")).code, 0);
});
