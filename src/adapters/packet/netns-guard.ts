// Test safety net: with LBCTL_TEST_NETNS_GUARD=1 a packet socket opens only inside a named
// network namespace whose name starts with "lbt-" (one a test created), never in the machine's
// own namespace. Same check as `ip netns identify`: compare the nsfs inode of our namespace
// with the bind mounts under /run/netns.
import { readdirSync, statSync } from "node:fs";
import { LbctlError } from "../../errors.ts";

export const NETNS_DIR = "/run/netns";
export const TEST_NETNS_PREFIX = "lbt-";

/** Name of the named namespace this process is in (`ip netns identify`), or undefined. */
export function currentNetnsName(pid: number | "self" = "self"): string | undefined {
  let self;
  try {
    self = statSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
  let names: string[];
  try {
    names = readdirSync(NETNS_DIR);
  } catch {
    return undefined;
  }
  for (const name of names) {
    try {
      const st = statSync(`${NETNS_DIR}/${name}`);
      if (st.ino === self.ino && st.dev === self.dev) return name;
    } catch {
      // a namespace being deleted concurrently: skip it
    }
  }
  return undefined;
}

export function assertTestNetns(env: Readonly<Record<string, string | undefined>>): void {
  if (env["LBCTL_TEST_NETNS_GUARD"] !== "1") return;
  const name = currentNetnsName();
  if (name === undefined || !name.startsWith(TEST_NETNS_PREFIX)) {
    throw new LbctlError(
      `refusing to open a packet socket: LBCTL_TEST_NETNS_GUARD=1 and this process is ${name === undefined ? "not in a named network namespace" : `in namespace "${name}"`}, not in a test namespace (${TEST_NETNS_PREFIX}*)`,
      { code: "E_NETNS_GUARD" },
    );
  }
}
