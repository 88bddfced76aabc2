// Standalone mode: probe every VIP on every selected interface (RFC 5227 / DAD), refuse to claim
// an address someone else answers for (unless forced), then hold them all.
import { probeConflict, probeFrame, type ProbeSettings } from "../../core/announce/probe.ts";
import type { DecodedFrame } from "../../core/announce/responder.ts";
import type { Announcer } from "./announcer.ts";

export interface ProbeConflict {
  readonly ip: string;
  readonly ifname: string;
  readonly ourMac: string;
  readonly theirMac: string;
}

export type Tap = (ifname: string, frame: DecodedFrame) => void;

/** Sends `count` probes per (VIP, up interface), spaced `intervalMs`, and waits one more interval. */
export async function probeVips(engine: Announcer, vips: readonly string[], settings: ProbeSettings, listen: (tap: Tap | undefined) => void): Promise<ProbeConflict[]> {
  const links = engine.interfaces().filter((l) => l.up);
  const found = new Map<string, ProbeConflict>();
  listen((ifname, frame) => {
    const ourMac = engine.macOf(ifname);
    if (ourMac === undefined) return;
    for (const ip of vips) {
      const theirMac = probeConflict(frame, ip, ourMac);
      if (theirMac !== undefined && !found.has(`${ip}%${ifname}`)) found.set(`${ip}%${ifname}`, { ip, ifname, ourMac, theirMac });
    }
  });
  try {
    for (let round = 0; round < settings.count; round++) {
      for (const l of links) {
        for (const ip of vips) {
          if (found.has(`${ip}%${l.name}`)) continue;
          engine.send(l.name, probeFrame(ip, l.mac));
        }
      }
      await new Promise((r) => setTimeout(r, settings.intervalMs));
    }
  } finally {
    listen(undefined);
  }
  return [...found.values()];
}

export function heldEverywhere(engine: Announcer, vips: readonly string[]): Map<string, string[]> {
  const names = engine.interfaces().map((l) => l.name);
  return new Map(vips.map((ip) => [ip, names]));
}
