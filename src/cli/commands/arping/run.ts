// `lbctl arping` implementation: check the arguments, resolve interface and source, open the
// packet socket (this module is itself imported lazily, and the addon loads only at open),
// let the core session decide and the driver keep time, print iputils' lines.
import type { CliContext } from "../../context.ts";
import { UsageError } from "../../errors.ts";
import { warn, writeLine } from "../../output.ts";
import { traceMark } from "../../../trace.ts";
import type { ArpingFlags } from "./index.ts";
import { parseCount, parseTarget } from "../../../core/arping/args.ts";
import { parseDuration } from "../../flags.ts";
import { protocolFor, type Mode } from "../../../core/arping/protocol.ts";
import { ArpingSession } from "../../../core/arping/session.ts";
import { duplicateWarning, headerLine, replyJson, replyLine, statsLines, summaryJson } from "../../../core/arping/format.ts";
import { formatIp, parseIp } from "../../../core/ip.ts";
import type { LinkFacts } from "../../../core/link-facts.ts";
import { chooseInterface, chooseSource, type LinkLookup } from "../../../core/arping/plan.ts";
import { NDP_FILTER } from "../../../core/packet/bpf.ts";
import { getLink, listLinks } from "../../../adapters/links.ts";
import { PacketSocket } from "../../../adapters/packet/socket.ts";
import { drive } from "../../../adapters/arping/driver.ts";

function num<T>(flag: string, r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new UsageError(`${flag}: ${r.error}`);
  return r.value;
}

function modeOf(f: ArpingFlags): Mode {
  const picked = [f.dad && "-D", f.unsolicited && "-U", f.answer && "-A"].filter(Boolean);
  if (picked.length > 1) throw new UsageError(`${picked.join(" and ")} cannot be combined`);
  return f.dad ? "dad" : f.unsolicited ? "unsolicited-request" : f.answer ? "unsolicited-reply" : "probe";
}

export async function runArping(ctx: CliContext, destination: string, f: ArpingFlags): Promise<number> {
  const target = num("destination", parseTarget(destination));
  const count = f.count === undefined ? undefined : num("-c", parseCount(f.count));
  const deadlineMs = f.deadline === undefined ? undefined : parseDuration("-w", f.deadline);
  const intervalMs = f.interval === undefined ? 1000 : parseDuration("--interval", f.interval);
  if (intervalMs < 1) throw new UsageError(`--interval: "${f.interval}" must be at least 1ms`);
  const mode = modeOf(f);
  const json = f.output === "json";
  const v6 = target.family === 6;
  let source: string | undefined;
  if (f.source !== undefined) {
    const s = parseIp(f.source);
    if (!s) throw new UsageError(`-s: invalid source address "${f.source}"`);
    source = formatIp(s);
    if (s.family !== target.family) throw new UsageError(`-s ${source} is IPv${s.family} but the destination ${target.ip} is IPv${target.family}`);
  }
  const ifname = f.interface ?? f.I ?? target.zone;
  if (target.zone !== undefined && ifname !== target.zone) throw new UsageError(`destination zone %${target.zone} and -i ${ifname} disagree`);
  if (ifname === undefined && v6 && target.ip.startsWith("fe80:")) throw new UsageError(`link-local destination ${target.ip} needs -i IFACE (or ${target.ip}%IFACE)`);
  let all: readonly LinkFacts[] | undefined;
  const links: LinkLookup = { get: getLink, all: () => (all ??= listLinks()) };
  const link = chooseInterface(ifname, target.ip, links);
  source = chooseSource({ mode, target, given: source, link, links });

  const protocol = protocolFor(target.family, { mode, target: target.ip, source, sourceGiven: f.source !== undefined, mac: link.mac });
  const session = new ArpingSession({ protocol, mode, count, deadlineMs, intervalMs, stopAtFirst: Boolean(f.first) || mode === "dad", keepBroadcast: Boolean(f.broadcast) });
  const signal = ctx.trapSignals(); // from here on SIGINT/SIGTERM end the run with statistics
  traceMark("arguments and interface checked");
  const socket = PacketSocket.open({ ifname: link.name, ifindex: link.index, ethertype: protocol.ethertype, env: ctx.env });
  traceMark("socket open");
  const out = (line: string): void => {
    if (!f.quiet) writeLine(ctx, line);
  };
  try {
    if (v6) socket.attachFilter(NDP_FILTER);
    if (!json) out(headerLine(target.ip, source, link.name));
    await drive({
      session,
      socket,
      intervalMs,
      deadlineMs,
      signal,
      onReply: (r) => {
        if (session.received === 1) traceMark("first reply");
        out(json ? JSON.stringify(replyJson(target.ip, r)) : replyLine(r));
      },
    });
    traceMark("probing over (settle window included)");
  } finally {
    socket.close();
  }
  const code = session.exitCode();
  if (json) out(JSON.stringify(summaryJson(session, { target: target.ip, source, interface: link.name, mode, exitCode: code })));
  else for (const line of statsLines(session)) out(line);
  if (session.duplicate && mode === "probe" && !f.quiet) warn(ctx, duplicateWarning(target.ip, session.macs));
  return code;
}
