// Frame ports over the packet layer (AF_PACKET socket + ARP/NDP codecs). Placeholder until the
// packet layer is merged: it reports clearly that frames cannot be sent.
import type { PortOpener } from "./engine.ts";
import { LbctlError } from "../../cli/errors.ts";

export const openPacketPort: PortOpener = async (link) => {
  throw new LbctlError(`cannot open a packet socket on ${link.name}: the packet layer is not built into this lbctl`);
};
