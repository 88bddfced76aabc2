// The ARP codec of the announcer's reply hot path (one decode and one encode per request). It
// gives the same bytes and fields as the generic codec (arp.ts), which formats and parses every
// MAC and IPv4 text anew; here the texts come from bounded caches keyed by their bytes (decode)
// and the bytes from caches keyed by their texts (encode): a flood of requests comes from a few
// senders for a few hundred targets. The caches belong to a codec instance, not to the module.
import { ARP_LEN, ARPHRD_ETHER, ipv4Bytes } from "./arp.ts";
import { ETH_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4, macToBytes } from "./ethernet.ts";

/** An Ethernet + ARP (IPv4 over Ethernet) frame, flat. MACs lower-case colon form, IPs canonical. */
export interface ArpFields {
  readonly kind: "arp";
  readonly ethSrc: string;
  readonly ethDst: string;
  readonly op: number;
  readonly senderMac: string;
  readonly senderIp: string;
  readonly targetMac: string;
  readonly targetIp: string;
}

const CACHE_MAX = 4096;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function bounded<K, V>(cache: Map<K, V>, key: K, make: () => V): V {
  let v = cache.get(key);
  if (v === undefined) {
    if (cache.size >= CACHE_MAX) cache.clear();
    v = make();
    cache.set(key, v);
  }
  return v;
}

export class ArpFastCodec {
  private readonly macTexts = new Map<number, string>();
  private readonly ipTexts = new Map<number, string>();
  private readonly macBytes = new Map<string, Uint8Array>();
  private readonly ipBytes = new Map<string, Uint8Array>();

  /**
   * An Ethernet frame carrying ARP for Ethernet/IPv4 (htype 1, ptype 0x0800, hlen 6, plen 4);
   * undefined for any other or truncated frame. Trailing padding is ignored.
   */
  decode(b: Uint8Array): ArpFields | undefined {
    if (b.length < ETH_HEADER_LEN + ARP_LEN) return undefined;
    if (b[12] !== ETHERTYPE_ARP >> 8 || b[13] !== (ETHERTYPE_ARP & 0xff)) return undefined;
    if (b[14] !== 0 || b[15] !== ARPHRD_ETHER || b[16] !== ETHERTYPE_IPV4 >> 8 || b[17] !== 0 || b[18] !== 6 || b[19] !== 4) return undefined;
    return {
      kind: "arp",
      ethSrc: this.mac(b, 6),
      ethDst: this.mac(b, 0),
      op: ((b[20] ?? 0) << 8) | (b[21] ?? 0),
      senderMac: this.mac(b, 22),
      senderIp: this.ipv4(b, 28),
      targetMac: this.mac(b, 32),
      targetIp: this.ipv4(b, 38),
    };
  }

  /** The 42-byte frame for `f`; throws RangeError on a MAC or IPv4 text that is not one. */
  encode(f: ArpFields): Uint8Array {
    const out = new Uint8Array(ETH_HEADER_LEN + ARP_LEN);
    out.set(this.macOf(f.ethDst), 0);
    out.set(this.macOf(f.ethSrc), 6);
    out[12] = ETHERTYPE_ARP >> 8;
    out[13] = ETHERTYPE_ARP & 0xff;
    out[15] = ARPHRD_ETHER;
    out[16] = ETHERTYPE_IPV4 >> 8;
    out[18] = 6;
    out[19] = 4;
    out[20] = (f.op >> 8) & 0xff;
    out[21] = f.op & 0xff;
    out.set(this.macOf(f.senderMac), 22);
    out.set(this.ipOf(f.senderIp), 28);
    out.set(this.macOf(f.targetMac), 32);
    out.set(this.ipOf(f.targetIp), 38);
    return out;
  }

  private mac(b: Uint8Array, o: number): string {
    // 48 bits fit a double exactly.
    const key = ((b[o] ?? 0) * 0x10000 + (((b[o + 1] ?? 0) << 8) | (b[o + 2] ?? 0))) * 0x1000000 + (((b[o + 3] ?? 0) << 16) | ((b[o + 4] ?? 0) << 8) | (b[o + 5] ?? 0));
    return bounded(this.macTexts, key, () => `${HEX[b[o] ?? 0]}:${HEX[b[o + 1] ?? 0]}:${HEX[b[o + 2] ?? 0]}:${HEX[b[o + 3] ?? 0]}:${HEX[b[o + 4] ?? 0]}:${HEX[b[o + 5] ?? 0]}`);
  }

  private ipv4(b: Uint8Array, o: number): string {
    const key = (((b[o] ?? 0) << 24) | ((b[o + 1] ?? 0) << 16) | ((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0)) >>> 0;
    return bounded(this.ipTexts, key, () => `${b[o] ?? 0}.${b[o + 1] ?? 0}.${b[o + 2] ?? 0}.${b[o + 3] ?? 0}`);
  }

  private macOf(text: string): Uint8Array {
    return bounded(this.macBytes, text, () => macToBytes(text));
  }

  private ipOf(text: string): Uint8Array {
    return bounded(this.ipBytes, text, () => ipv4Bytes(text));
  }
}
