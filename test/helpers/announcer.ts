// `lbctl announce` as a real process inside a lab namespace: NetnsLab.startLbctl with a time bound.
import type { Background, NetnsLab } from "./netns.ts";

export type Announcer = Background;

export function startAnnouncer(lab: NetnsLab, ns: string, args: string[], env: NodeJS.ProcessEnv = {}): Announcer {
  return lab.startLbctl(ns, ["announce", ...args], { env, maxSeconds: 120 });
}
