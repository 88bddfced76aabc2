// Chooses the interface for each address (`-i`, else the up interface whose connected subnet
// holds it, as arping does) and runs the prober over real packet sockets.
import { SetupError } from "../../errors.ts";
import { linkProblem, linkProblemText, LINK_PROBLEM_CODE, pickLinkFor, pickSourceFor, type LinkFacts } from "../../core/link-facts.ts";
import type { ProbeResult } from "../../core/l2status/model.ts";
import { getLink, listLinks } from "../links.ts";
import { PacketSocket } from "../packet/socket.ts";
import { probeAddresses, type ProbeTarget } from "./prober.ts";

export interface ProbeRunOptions {
  readonly interface?: string | undefined;
  readonly timeoutMs: number;
  readonly ratePerSecond: number;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export async function probeOnTheWire(addresses: readonly string[], o: ProbeRunOptions): Promise<Map<string, ProbeResult>> {
  const out = new Map<string, ProbeResult>();
  let forced: LinkFacts | undefined;
  if (o.interface !== undefined) {
    forced = getLink(o.interface);
    if (!forced) throw new SetupError(`-i ${o.interface}: no such interface`, { code: "ENODEV" });
    const why = linkProblem(forced);
    if (why) throw new SetupError(`-i ${o.interface}: interface ${linkProblemText(why, forced)}`, { code: LINK_PROBLEM_CODE[why] });
  }
  const links = forced ? [forced] : listLinks();
  const targets: ProbeTarget[] = [];
  for (const ip of addresses) {
    const link = forced ?? pickLinkFor(ip, links)?.link;
    if (!link) {
      out.set(ip, { interface: "", sent: 0, answers: [], skipped: "no interface has a connected subnet holding it (pass -i)" });
      continue;
    }
    targets.push({ ip, link, source: pickSourceFor(ip, link)?.address });
  }
  if (targets.length === 0) return out;
  const results = await probeAddresses(targets, {
    ratePerSecond: o.ratePerSecond,
    timeoutMs: o.timeoutMs,
    attempts: 2,
    open: (link, ethertype) => PacketSocket.open({ ifname: link.name, ifindex: link.index, ethertype, env: o.env }),
  });
  for (const [ip, r] of results) out.set(ip, r);
  return out;
}
