// ARP request generator for bench/announce.ts; runs inside the client namespace.
//   node dist/bench/announce-gen.js IFNAME RATE DURATION_MS FIRST_VIP COUNT MODE
// MODE "flood": send RATE req/s for DURATION_MS round-robin over COUNT targets (random targets
//   outside the held set with "random"); prints {sent}.
// MODE "latency": same, and matches each reply (by VIP) to the send of that VIP using kernel
//   TX/RX timestamps; prints {sent, replies, p50Us, p99Us}.
// Bounded: at most RATE × DURATION_MS / 1000 frames, and DURATION_MS + 1 s of wall time.
import { readFileSync } from "node:fs";
import { PacketSocket } from "../src/adapters/packet/socket.ts";
import { arpMessageBytes, decodeArpFrame, newRequest, ARP_REPLY } from "../src/core/packet/arp.ts";

const [ifname = "vA", rateS = "1000", durS = "1000", first = "198.51.100.0", countS = "1", mode = "flood"] = process.argv.slice(2);
const rate = Number(rateS);
const dur = Math.min(Number(durS), 10_000);
const count = Number(countS);
const mac = readFileSync(`/sys/class/net/${ifname}/address`, "utf8").trim();
const ifindex = Number(readFileSync(`/sys/class/net/${ifname}/ifindex`, "utf8"));
const base = first.split(".").map(Number);
const ipAt = (i: number): string => {
  const n = ((base[0]! << 24) | (base[1]! << 16) | (base[2]! << 8) | base[3]!) + i;
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
};
const targets = Array.from({ length: count }, (_, i) => ipAt(i));
const frames = targets.map((tpa) => arpMessageBytes(newRequest({ sha: mac, spa: "198.51.100.1", tpa, tha: "00:00:00:00:00:00" })));
// Flood mode needs no TX stamps (saves two kernel calls per request); latency mode does.
const sock = PacketSocket.open({ ifname, ifindex, ethertype: 0x0806, txTimestamps: mode === "latency" });
const sentAt = new Map<string, bigint>();
const lat: number[] = [];
if (mode === "latency") {
  sock.on("frame", (f) => {
    const r = decodeArpFrame(f.data);
    if (!r.ok || r.value.arp.op !== ARP_REPLY) return;
    const t0 = sentAt.get(r.value.arp.spa);
    if (t0 === undefined) return;
    sentAt.delete(r.value.arp.spa);
    lat.push(Number(f.timestampNs - t0) / 1000);
  });
}
const total = Math.floor((rate * dur) / 1000);
let sent = 0;
const start = process.hrtime.bigint();
const deadline = start + BigInt(dur + 1000) * 1_000_000n;
while (sent < total && process.hrtime.bigint() < deadline) {
  const due = Math.min(total, Math.floor((Number(process.hrtime.bigint() - start) / 1e9) * rate));
  while (sent < due) {
    const i = sent % count;
    try {
      const st = sock.send(frames[i]!);
      if (mode === "latency") sentAt.set(targets[i]!, st.ns);
    } catch {
      // ENOBUFS under overload: counted as not sent
    }
    sent++;
  }
  if (mode === "latency") await new Promise((r) => setImmediate(r));
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
await new Promise((r) => setTimeout(r, 200));
sock.close();
lat.sort((a, b) => a - b);
const pct = (p: number): number => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? NaN;
process.stdout.write(JSON.stringify({ sent, seconds, replies: lat.length, p50Us: pct(50), p99Us: pct(99) }) + "\n");
