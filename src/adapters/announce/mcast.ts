// Solicited-node group joins through an IPv6 UDP socket (IPV6_JOIN_GROUP), so the kernel sends
// MLD reports and programs the NIC's multicast filter: what Cilium had to add in #44311/#46332.
// Joins are reference-counted per (group, interface), as MetalLB does.
import { createSocket, type Socket } from "node:dgram";
import type { GroupJoiner } from "./announcer.ts";

export async function openGroupJoiner(): Promise<GroupJoiner> {
  const sock: Socket = createSocket({ type: "udp6", reuseAddr: true });
  await new Promise<void>((resolve, reject) => {
    sock.once("error", reject);
    sock.bind(0, "::", () => resolve());
  });
  sock.unref();
  const refs = new Map<string, number>();
  return {
    join(group, ifname) {
      const k = `${group}%${ifname}`;
      const n = refs.get(k) ?? 0;
      if (n === 0) sock.addMembership(group, `::%${ifname}`);
      refs.set(k, n + 1);
    },
    leave(group, ifname) {
      const k = `${group}%${ifname}`;
      const n = refs.get(k) ?? 0;
      if (n <= 1) {
        refs.delete(k);
        if (n === 1) sock.dropMembership(group, `::%${ifname}`);
      } else refs.set(k, n - 1);
    },
    close() {
      sock.close();
    },
  };
}
