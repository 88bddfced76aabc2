// Candidate interfaces, from the shared interface facts, filtered as MetalLB's speaker does:
// broadcast-capable, not NOARP, not loopback, not a bond or bridge member; then by the -i regex.
import { listLinks } from "../links.ts";
import type { LinkState } from "./engine.ts";

export async function scanLinks(match: RegExp | undefined): Promise<LinkState[]> {
  return listLinks()
    .filter((l) => (match ? match.test(l.name) : true) && !l.loopback && l.broadcast && !l.noarp && l.master === undefined && l.mac !== "00:00:00:00:00:00")
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((l) => ({ name: l.name, ifindex: l.index, mac: l.mac, up: l.up }));
}
