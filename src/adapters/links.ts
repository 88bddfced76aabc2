// Interface facts from the running system: /sys/class/net/<if>/{ifindex,address,mtu,flags,master}
// for the link, os.networkInterfaces() (getifaddrs) for addresses. Synchronous and cheap (no
// `ip` subprocess) because `lbctl arping -c 1` should cost little more than starting Node.
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { basename } from "node:path";
import { formatIp, parseIp } from "../core/ip.ts";
import { IFF_BROADCAST, IFF_LOOPBACK, IFF_NOARP, IFF_UP, type LinkAddress, type LinkFacts } from "../core/link-facts.ts";

const SYS = "/sys/class/net";

function readSys(name: string, file: string): string | undefined {
  try {
    return readFileSync(`${SYS}/${name}/${file}`, "utf8").trim();
  } catch {
    return undefined;
  }
}

function addressesOf(name: string, all: ReturnType<typeof networkInterfaces>): LinkAddress[] {
  const out: LinkAddress[] = [];
  for (const a of all[name] ?? []) {
    const ip = parseIp(a.address.split("%")[0] ?? "");
    const prefix = Number((a.cidr ?? "").split("/")[1]);
    if (ip && Number.isInteger(prefix)) out.push({ family: ip.family, address: formatIp(ip), prefix });
  }
  return out;
}

/** Facts for one interface, or undefined if it does not exist (in this network namespace). */
export function getLink(name: string, all = networkInterfaces()): LinkFacts | undefined {
  if (name.includes("/") || name === "." || name === ".." || name === "") return undefined;
  const index = Number(readSys(name, "ifindex"));
  if (!Number.isInteger(index) || index <= 0) return undefined;
  const flags = parseInt(readSys(name, "flags") ?? "0", 16);
  let master: string | undefined;
  try {
    master = basename(readlinkSync(`${SYS}/${name}/master`));
  } catch {
    master = undefined;
  }
  return {
    name,
    index,
    mac: (readSys(name, "address") ?? "00:00:00:00:00:00").toLowerCase(),
    mtu: Number(readSys(name, "mtu") ?? 0),
    up: (flags & IFF_UP) !== 0,
    broadcast: (flags & IFF_BROADCAST) !== 0,
    noarp: (flags & IFF_NOARP) !== 0,
    loopback: (flags & IFF_LOOPBACK) !== 0,
    master,
    bondSlave: master !== undefined && existsSync(`${SYS}/${master}/bonding`),
    addresses: addressesOf(name, all),
  };
}

export function listLinks(): LinkFacts[] {
  let names: string[];
  try {
    names = readdirSync(SYS);
  } catch {
    return [];
  }
  const all = networkInterfaces();
  return names.map((n) => getLink(n, all)).filter((l): l is LinkFacts => l !== undefined);
}
