// Which interface and source address `lbctl arping` uses: iputils' choices and refusals, decided
// from link facts the caller reads (adapters/links.ts) — lazily, because reading every link costs
// start-up that `-i IFACE` does not need.
import { SetupError } from "../../errors.ts";
import { LINK_PROBLEM_CODE, linkProblem, linkProblemText, localAddresses, pickLinkFor, pickSourceFor, type LinkFacts } from "../link-facts.ts";
import type { Mode } from "./protocol.ts";
import type { TargetArg } from "./args.ts";

/** How the plan reads links: one by name, or all of them (only when it must). */
export interface LinkLookup {
  get(name: string): LinkFacts | undefined;
  all(): readonly LinkFacts[];
}

/** -i IFACE when given (it must exist and be ARP-capable), else the link whose subnet holds the target. */
export function chooseInterface(name: string | undefined, target: string, links: LinkLookup): LinkFacts {
  if (name === undefined) {
    const choice = pickLinkFor(target, links.all());
    if (!choice) throw new SetupError(`no interface has a connected subnet holding ${target}: use -i IFACE`, { code: "E_NO_ROUTE" });
    return choice.link;
  }
  const link = links.get(name);
  if (!link) {
    const hint = /^\d+(\.\d+)?$/.test(name) ? " (-i is the interface in lbctl; the interval is --interval)" : "";
    throw new SetupError(`Device "${name}" not available${hint}`, { code: "ENODEV" });
  }
  const problem = linkProblem(link);
  if (problem) throw new SetupError(`Interface "${name}" ${linkProblemText(problem, link)}`, { code: LINK_PROBLEM_CODE[problem] });
  return link;
}

/**
 * The probes' source address: -s when given (it must be an address of this host, or the
 * unspecified one), else the unspecified address for -D, the target itself for -U/-A, and an
 * address of the link for plain probes (same subnet first).
 */
export function chooseSource(o: { mode: Mode; target: TargetArg; given: string | undefined; link: LinkFacts; links: LinkLookup }): string {
  const any = o.target.family === 6 ? "::" : "0.0.0.0";
  if (o.given !== undefined) {
    if (o.given !== any && !localAddresses(o.links.all()).has(o.given)) throw new SetupError(`-s ${o.given}: Cannot assign requested address (not an address of this host)`, { code: "EADDRNOTAVAIL" });
    return o.given;
  }
  if (o.mode === "dad") return any;
  if (o.mode === "unsolicited-request" || o.mode === "unsolicited-reply") return o.target.ip;
  const picked = pickSourceFor(o.target.ip, o.link);
  if (!picked) throw new SetupError(`no IPv${o.target.family} source address on ${o.link.name} in not-DAD mode: use -s`, { code: "E_NO_SOURCE" });
  return picked.address;
}
