// Network-namespace test bed for anything that sends packets (arping, announce).
//
// Safety: every namespace is created here with a unique name `lbt-<area>-<pid>-<n>-<role>`,
// links exist only inside them (veth pairs between them, bridges inside one), addresses must be
// documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32; fe80::
// link-local is allowed too) and anything else throws. Teardown kills every process started
// through the lab and whatever still runs in its namespaces, then deletes them; it runs from
// `t.after` and again, synchronously, on process exit.
// Commands launched with `lab.lbctl()` get LBCTL_TEST_NETNS_GUARD=1, so the packet adapter
// itself refuses to open a socket outside an `lbt-*` namespace.
//
// API (all async unless noted):
//   const lab = await NetnsLab.start(t, "arping")   // null (and t.skip(reason)) when not root / no netns
//   NetnsLab.create("bench")  (sync)                 // outside node:test: throws when unavailable; call teardown()
//   const a = await lab.ns("a")                     // namespace with lo up; returns its full name
//   await lab.veth(a, "vA", "02:00:00:00:00:0a", b, "vB", "02:00:00:00:00:0b")
//   await lab.bridge(b, "br0"); await lab.attach(b, "vB", "br0")
//   await lab.addr(a, "vA", "198.51.100.1/24", { nodad: true })
//   await lab.up(a, "vA")                           // link up, waits (bounded) for carrier ({ wait: false }: don't)
//   await lab.ip(a, "neigh", "flush", "dev", "vA")  // any `ip -n NS ...` command; throws on failure
//   await lab.sysctl(b, "net.ipv4.conf.all.arp_ignore", "1")
//   await lab.exec(a, ["arping", "-I", "vA", ...], { timeoutMs })  -> { code, stdout, stderr, ms }
//   const child = lab.spawn(a, ["tcpdump", ...])   // tracked, killed at teardown
//   const bg = lab.startLbctl(b, ["announce", ...])   // background lbctl (guard on): bg.stdout/stderr,
//   await bg.waitFor(/ready/); lab.assertOurs(bg.pid); const { code } = await bg.stop("SIGINT")
//   await lab.lbctl(a, ["arping", ...], { timeoutMs }) -> { code, stdout, stderr, ms }
//   lab.identify(pid)  (sync)                       // `ip netns identify`; lab.assertOurs(pid) throws unless ours
//   await lab.teardown()                            // idempotent
//   const { a, b } = await twoHosts(lab)            // the spec's two-host veth test bed (see below)
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import type { TestContext } from "node:test";
import { LBCTL_BIN } from "./cli.ts";
import { missingTools } from "./tools.ts";

const run = promisify(execFile);
let counter = 0;
const liveLabs = new Set<NetnsLab>();
process.on("exit", () => {
  for (const lab of liveLabs) lab.teardownSync();
});

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

const DOC_V4 = [/^192\.0\.2\./, /^198\.51\.100\./, /^203\.0\.113\./];

/** Only documentation (or link-local IPv6) addresses may be configured by tests. */
export function isDocumentationAddress(cidr: string): boolean {
  const ip = (cidr.split("/")[0] ?? "").toLowerCase();
  if (DOC_V4.some((r) => r.test(ip))) return true;
  return /^2001:(0)?db8:/.test(ip) || /^fe80:/.test(ip);
}

/** Why namespace tests cannot run here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== "linux") return "network namespaces need Linux";
  if (process.getuid?.() !== 0) return "needs root to create network namespaces (CI runs as root)";
  try {
    execFileSync("ip", ["-V"], { stdio: "ignore" });
  } catch {
    return "needs iproute2 (`ip`)";
  }
  return undefined;
}

export class NetnsLab {
  readonly prefix: string;
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private down = false;

  private constructor(area: string) {
    this.prefix = `lbt-${area}-${process.pid}-${++counter}`;
    liveLabs.add(this);
  }

  /**
   * A lab torn down after the test; null after `t.skip(reason)` when namespaces are unavailable
   * or a tool the test drives as a peer (`tools`: arping, ndisc6, curl, …) is not installed.
   */
  static async start(t: TestContext, area: string, o: { tools?: readonly string[] } = {}): Promise<NetnsLab | null> {
    const why = netnsUnavailable() ?? missingTools(o.tools ?? []);
    if (why) {
      t.skip(why);
      return null;
    }
    const lab = new NetnsLab(area);
    t.after(() => lab.teardown());
    return lab;
  }

  /** For scripts outside node:test (bench/): the caller calls teardown() (process exit does too). */
  static create(area: string): NetnsLab {
    const why = netnsUnavailable();
    if (why) throw new Error(`netns lab: ${why}`);
    return new NetnsLab(area);
  }

  async ns(role: string): Promise<string> {
    const name = `${this.prefix}-${role}`;
    await run("ip", ["netns", "add", name]);
    this.namespaces.push(name);
    await this.ip(name, "link", "set", "lo", "up");
    return name;
  }

  private own(ns: string): void {
    if (!this.namespaces.includes(ns)) throw new Error(`netns lab: ${ns} was not created by this lab`);
  }

  /** `ip -n NS args...`; throws with stderr on failure. */
  async ip(ns: string, ...args: string[]): Promise<string> {
    this.own(ns);
    try {
      return (await run("ip", ["-n", ns, ...args])).stdout;
    } catch (err) {
      throw new Error(`ip -n ${ns} ${args.join(" ")}: ${(err as { stderr?: string }).stderr ?? String(err)}`);
    }
  }

  /** A veth pair created inside nsA with its peer moved straight into nsB. */
  async veth(nsA: string, ifA: string, macA: string, nsB: string, ifB: string, macB: string): Promise<void> {
    this.own(nsB);
    await this.ip(nsA, "link", "add", ifA, "address", macA, "type", "veth", "peer", "name", ifB, "netns", nsB, "address", macB);
  }

  async bridge(ns: string, name: string): Promise<void> {
    await this.ip(ns, "link", "add", name, "type", "bridge", "forward_delay", "0");
    await this.ip(ns, "link", "set", name, "up");
  }

  async attach(ns: string, ifname: string, bridge: string): Promise<void> {
    await this.ip(ns, "link", "set", ifname, "master", bridge);
  }

  async addr(ns: string, ifname: string, cidr: string, o: { nodad?: boolean } = {}): Promise<void> {
    if (!isDocumentationAddress(cidr)) throw new Error(`netns lab: ${cidr} is not a documentation address`);
    await this.ip(ns, "addr", "add", cidr, "dev", ifname, ...(o.nodad || cidr.includes(":") ? ["nodad"] : []));
  }

  /** Sets the link up and waits (at most 2 s) until it reports carrier, unless `wait` is false. */
  async up(ns: string, ifname: string, o: { wait?: boolean } = {}): Promise<void> {
    await this.ip(ns, "link", "set", ifname, "up");
    if (o.wait === false) return;
    for (let i = 0; i < 100; i++) {
      const out = await this.ip(ns, "-br", "link", "show", ifname);
      if (/\bUP\b/.test(out.split(/\s+/)[1] ?? "") || / UP /.test(out)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`netns lab: ${ifname} in ${ns} did not come up`);
  }

  async sysctl(ns: string, key: string, value: string): Promise<void> {
    await this.exec(ns, ["sysctl", "-qw", `${key}=${value}`], { check: true });
  }

  /** Runs argv inside ns under `timeout` (default 10 s). Never throws unless `check`. */
  async exec(ns: string, argv: string[], o: { timeoutMs?: number; env?: NodeJS.ProcessEnv; check?: boolean } = {}): Promise<ExecResult> {
    this.own(ns);
    const secs = String(Math.ceil((o.timeoutMs ?? 10_000) / 1000));
    const child = this.spawn(ns, ["timeout", "-k", "1", secs, ...argv], { env: o.env });
    const t0 = performance.now();
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const code = await new Promise<number>((res) => child.on("close", (c, sig) => res(c ?? (sig ? 128 : 1))));
    const r = { code, stdout, stderr, ms: performance.now() - t0 };
    if (o.check && code !== 0) throw new Error(`${argv.join(" ")} in ${ns} exited ${code}: ${stderr}`);
    return r;
  }

  /** Starts argv inside ns (ip netns exec, so its $! is the real process); killed at teardown. */
  spawn(ns: string, argv: string[], o: { env?: NodeJS.ProcessEnv | undefined } = {}): ChildProcess {
    this.own(ns);
    if (this.down) throw new Error("netns lab: already torn down");
    const child = spawn("ip", ["netns", "exec", ns, ...argv], { env: o.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    this.children.add(child);
    child.on("exit", () => this.children.delete(child));
    return child;
  }

  /** bin/lbctl inside ns, with the packet-socket namespace guard switched on. */
  lbctl(ns: string, args: string[], o: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> {
    const env = { ...process.env, NO_COLOR: "1", ...o.env, LBCTL_TEST_NETNS_GUARD: "1" };
    return this.exec(ns, [process.execPath, LBCTL_BIN, ...args], { timeoutMs: o.timeoutMs ?? 15_000, env });
  }

  /**
   * bin/lbctl started in the background inside ns (guard on), for long runs (announce, endless
   * arping): collect its output, wait for a line, stop it with a signal. Killed at teardown;
   * with `maxSeconds`, also by `timeout` (a bound on every sending loop, should teardown not run).
   */
  startLbctl(ns: string, args: string[], o: { env?: NodeJS.ProcessEnv; maxSeconds?: number } = {}): Background {
    const env = { ...process.env, NO_COLOR: "1", ...o.env, LBCTL_TEST_NETNS_GUARD: "1" };
    const bound = o.maxSeconds === undefined ? [] : ["timeout", "-k", "1", String(o.maxSeconds)];
    return new Background(this.spawn(ns, [...bound, process.execPath, LBCTL_BIN, ...args], { env }));
  }

  /** Name of the namespace of pid (`ip netns identify`), "" when unnamed (e.g. the host's). */
  identify(pid: number): string {
    try {
      return execFileSync("ip", ["netns", "identify", String(pid)], { encoding: "utf8" }).trim();
    } catch {
      return "";
    }
  }

  /** Throws unless pid runs in a namespace this lab created. */
  assertOurs(pid: number): string {
    const name = this.identify(pid);
    if (!this.namespaces.includes(name)) throw new Error(`netns lab: pid ${pid} is in namespace "${name}", not in one of ${this.namespaces.join(", ")}`);
    return name;
  }

  async teardown(): Promise<void> {
    this.teardownSync();
  }

  /** Kills our processes and whatever still runs in our namespaces, then deletes them. */
  teardownSync(): void {
    if (this.down) return;
    this.down = true;
    liveLabs.delete(this);
    for (const c of this.children) if (c.pid !== undefined) killQuietly(c.pid);
    for (const ns of this.namespaces) {
      let pids = "";
      try {
        pids = execFileSync("ip", ["netns", "pids", ns], { encoding: "utf8" });
      } catch {
        continue;
      }
      for (const p of pids.split(/\s+/).filter(Boolean)) killQuietly(Number(p));
    }
    for (const ns of this.namespaces) {
      try {
        execFileSync("ip", ["netns", "del", ns], { stdio: "ignore" });
      } catch {
        // already gone
      }
    }
  }
}

/** A running child with its output collected as it comes. */
export class Background {
  stdout = "";
  stderr = "";
  /** stdout and stderr interleaved in arrival order. */
  output = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly child: ChildProcess) {
    const wake = (): void => this.waiters.splice(0).forEach((w) => w());
    child.stdout?.setEncoding("utf8").on("data", (d: string) => ((this.stdout += d), (this.output += d), wake()));
    child.stderr?.setEncoding("utf8").on("data", (d: string) => ((this.stderr += d), (this.output += d), wake()));
    this.exited = new Promise((res) => child.on("close", (code, signal) => (wake(), res({ code, signal }))));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The output so far (both streams); `.length` marks a point to wait from. */
  log(): string {
    return this.output;
  }

  /**
   * Resolves once stdout or stderr matches `re` (with `since`: the output after that offset);
   * rejects after timeoutMs or if the child exits first.
   */
  async waitFor(re: RegExp, timeoutMs = 10_000, since = 0): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let gone = false;
    void this.exited.then(() => (gone = true));
    const matched = (): boolean => (since > 0 ? re.test(this.output.slice(since)) : re.test(this.stdout) || re.test(this.stderr));
    while (!matched()) {
      if (gone) throw new Error(`exited before ${re}: stdout=${this.stdout} stderr=${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${re}: stdout=${this.stdout} stderr=${this.stderr}`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, Math.min(left, 200));
        this.waiters.push(() => (clearTimeout(t), res()));
      });
    }
  }

  /** Sends `signal` (default SIGTERM) to lbctl and waits for the exit; SIGKILL after killAfterMs. */
  async stop(signal: NodeJS.Signals = "SIGTERM", killAfterMs = 5000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    signalTree(this.child.pid, signal);
    const t = setTimeout(() => signalTree(this.child.pid, "SIGKILL"), killAfterMs);
    const done = await this.exited;
    clearTimeout(t);
    return done;
  }
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


function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // exited already
  }
}

/**
 * Two namespaces a/b joined by veth vA (…:0a) <-> vB (…:0b) with 198.51.100.1-2/24 and
 * 2001:db8::1-2/64 (the spec's test bed); `tag` tells several such pairs in one lab apart.
 */
export async function twoHosts(lab: NetnsLab, tag = ""): Promise<{ a: string; b: string }> {
  const [a, b] = await Promise.all([lab.ns(`a${tag}`), lab.ns(`b${tag}`)]);
  await lab.veth(a, "vA", "02:00:00:00:00:0a", b, "vB", "02:00:00:00:00:0b");
  await Promise.all([
    lab.addr(a, "vA", "198.51.100.1/24"),
    lab.addr(b, "vB", "198.51.100.2/24"),
    lab.addr(a, "vA", "2001:db8::1/64", { nodad: true }),
    lab.addr(b, "vB", "2001:db8::2/64", { nodad: true }),
  ]);
  // arp_announce=2: b's own requests never teach a an address behind a responder's back
  await lab.sysctl(b, "net.ipv4.conf.all.arp_announce", "2");
  await Promise.all([lab.up(a, "vA"), lab.up(b, "vB")]);
  return { a, b };
}
