// Starts `lbctl announce` as a real process inside a lab namespace and follows its log.
import { execFileSync, type ChildProcess } from "node:child_process";
import { LBCTL_BIN } from "./cli.ts";
import type { NetnsLab } from "./netns.ts";

export interface Announcer {
  readonly child: ChildProcess;
  log(): string;
  /** Resolves when the log (from offset `since`) matches `re`, rejects after `ms`. */
  waitFor(re: RegExp, ms?: number, since?: number): Promise<void>;
  /** Sends `sig` and resolves with the exit code (or 128+n for a signal). */
  stop(sig?: NodeJS.Signals, ms?: number): Promise<number>;
}

export function startAnnouncer(lab: NetnsLab, ns: string, args: string[], env: NodeJS.ProcessEnv = {}): Announcer {
  const child = lab.spawn(ns, ["timeout", "-k", "1", "120", process.execPath, LBCTL_BIN, "announce", ...args], {
    env: { ...process.env, NO_COLOR: "1", ...env, LBCTL_TEST_NETNS_GUARD: "1" },
  });
  return followProcess(child, "announcer");
}

/** Follows a started lbctl process's log (stdout and stderr) and stops it through its process tree. */
export function followProcess(child: ChildProcess, what = "lbctl"): Announcer {
  let log = "";
  const waiters = new Set<() => void>();
  const onData = (d: string): void => {
    log += d;
    for (const w of [...waiters]) w();
  };
  child.stderr?.setEncoding("utf8").on("data", onData);
  child.stdout?.setEncoding("utf8").on("data", onData);
  const exited = new Promise<number>((res) => child.on("close", (c, sig) => res(c ?? (sig === "SIGKILL" ? 137 : sig === "SIGTERM" ? 143 : 128))));
  child.on("close", () => {
    for (const w of [...waiters]) w();
  });
  return {
    child,
    log: () => log,
    waitFor(re, ms = 10_000, since = 0) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${what} log did not match ${re} within ${ms} ms:\n${log}`));
        }, ms);
        const check = (): void => {
          if (re.test(log.slice(since))) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          } else if (child.exitCode !== null) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`${what} exited ${child.exitCode} before its log matched ${re}:\n${log}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
    async stop(sig = "SIGTERM", ms = 5000) {
      // `ip netns exec` and `timeout` exec/forward: signal the real lbctl process via the tree.
      signalTree(child.pid, sig);
      const t = setTimeout(() => signalTree(child.pid, "SIGKILL"), ms);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/** Signals pid and all its descendants (ip netns exec → timeout → node). */
export function signalTree(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  const kids = (p: number): number[] => {
    try {
      return execFileSync("pgrep", ["-P", String(p)], { encoding: "utf8" }).split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const all: number[] = [];
  const leaves: number[] = [];
  const walk = (p: number): void => {
    all.push(p);
    const k = kids(p);
    if (k.length === 0) leaves.push(p);
    for (const c of k) walk(c);
  };
  walk(pid);
  // SIGTERM/SIGINT go to the node process only: `timeout` would forward a second one, and a
  // second signal makes lbctl give up cleaning up. SIGKILL goes to the whole tree.
  for (const p of sig === "SIGKILL" ? all.reverse() : leaves) {
    try {
      process.kill(p, sig);
    } catch {
      // gone
    }
  }
}
