// Candidate interfaces, from the shared interface facts, filtered as MetalLB's speaker does
// (core/link-facts.ts announceCandidate), then by the -i regex.
import { announceCandidate } from "../../core/link-facts.ts";
import { listLinks } from "../links.ts";
import type { LinkState } from "./announcer.ts";

export async function scanLinks(match: RegExp | undefined): Promise<LinkState[]> {
  return listLinks()
    .filter((l) => (match ? match.test(l.name) : true) && announceCandidate(l))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((l) => ({ name: l.name, ifindex: l.index, mac: l.mac, up: l.up }));
}
