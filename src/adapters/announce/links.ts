// Candidate interfaces from /sys/class/net, filtered as MetalLB's speaker does: Ethernet-like,
// broadcast-capable, not NOARP, not a bond/bridge member, not loopback; then by the -i regex.
import { readdir, readFile, access } from "node:fs/promises";
import type { LinkState } from "./engine.ts";

const IFF_UP = 0x1;
const IFF_BROADCAST = 0x2;
const IFF_LOOPBACK = 0x8;
const IFF_NOARP = 0x80;
const ARPHRD_ETHER = 1;

export async function scanLinks(match: RegExp | undefined, root = "/sys/class/net"): Promise<LinkState[]> {
  const out: LinkState[] = [];
  for (const name of (await readdir(root)).sort()) {
    if (match && !match.test(name)) continue;
    const dir = `${root}/${name}`;
    try {
      const [flagsS, typeS, ifindexS, mac, operstate] = await Promise.all(
        ["flags", "type", "ifindex", "address", "operstate"].map((f) => readFile(`${dir}/${f}`, "utf8").then((s) => s.trim())),
      );
      const flags = Number.parseInt(flagsS ?? "0", 16);
      if (Number(typeS) !== ARPHRD_ETHER || flags & IFF_LOOPBACK || flags & IFF_NOARP || !(flags & IFF_BROADCAST)) continue;
      if (await exists(`${dir}/master`)) continue;
      // operstate "unknown" is normal for some virtual devices; IFF_UP decides then.
      const up = (flags & IFF_UP) !== 0 && operstate !== "down" && operstate !== "lowerlayerdown";
      out.push({ name, ifindex: Number(ifindexS), mac: (mac ?? "").toLowerCase(), up });
    } catch {
      // vanished while scanning
    }
  }
  return out;
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}
