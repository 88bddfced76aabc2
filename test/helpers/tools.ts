// Which external tools a test needs and whether this machine has them. Tests that drive a real
// peer (iputils arping, ndisc6, curl, kubectl, bpftool) skip with a message naming what is missing
// and the Debian package that brings it, so `npm test` passes on a fresh machine without them.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** The Debian package for each tool the suite uses (what `.ci/run` installs). */
export const TOOL_PACKAGES: Readonly<Record<string, string>> = {
  arping: "iputils-arping",
  ndisc6: "ndisc6",
  tcpdump: "tcpdump",
  curl: "curl",
  kubectl: "kubectl",
  bpftool: "bpftool",
  ip: "iproute2",
  unshare: "util-linux",
  bash: "bash",
  zsh: "zsh",
  fish: "fish",
};

/** Whether `name` is an executable file on `path` (default: this process's PATH). */
export function onPath(name: string, path = process.env["PATH"] ?? ""): boolean {
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/** A skip message naming every missing tool and its package, or undefined when all are there. */
export function missingTools(tools: readonly string[], path?: string): string | undefined {
  const missing = tools.filter((t) => !onPath(t, path));
  if (missing.length === 0) return undefined;
  return `needs ${missing.map((t) => `${t} (apt-get install ${TOOL_PACKAGES[t] ?? t})`).join(", ")}`;
}
