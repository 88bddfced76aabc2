// Classic BPF programs for SO_ATTACH_FILTER: the kernel drops uninteresting frames before they
// are queued, so a socket bound to all of IPv6 wakes Node only for Neighbor Discovery.

export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

const LDH_ABS = 0x28;
const LDB_ABS = 0x30;
const JEQ_K = 0x15;
const RET_K = 0x06;
const ACCEPT = 0x40000;

const ins = (code: number, jt: number, jf: number, k: number): BpfInstruction => ({ code, jt, jf, k });

/** Ethernet + IPv6 (no extension headers) + ICMPv6 type 135 (NS) or 136 (NA). */
export const NDP_FILTER: readonly BpfInstruction[] = [
  ins(LDH_ABS, 0, 0, 12),
  ins(JEQ_K, 0, 6, 0x86dd),
  ins(LDB_ABS, 0, 0, 20),
  ins(JEQ_K, 0, 4, 58),
  ins(LDB_ABS, 0, 0, 54),
  ins(JEQ_K, 1, 0, 135),
  ins(JEQ_K, 0, 1, 136),
  ins(RET_K, 0, 0, ACCEPT),
  ins(RET_K, 0, 0, 0),
];

/** struct sock_filter layout: u16 code, u8 jt, u8 jf, u32 k, in the host's byte order. */
export function encodeBpf(program: readonly BpfInstruction[], littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(program.length * 8);
  const dv = new DataView(out.buffer);
  program.forEach((p, i) => {
    dv.setUint16(i * 8, p.code, littleEndian);
    out[i * 8 + 2] = p.jt;
    out[i * 8 + 3] = p.jf;
    dv.setUint32(i * 8 + 4, p.k >>> 0, littleEndian);
  });
  return out;
}

/** Runs a program over a frame the way the kernel would (for tests of the programs above). */
export function runBpf(program: readonly BpfInstruction[], frame: Uint8Array): number {
  let a = 0;
  for (let pc = 0; pc < program.length; ) {
    const p = program[pc];
    if (!p) return 0;
    pc++;
    if (p.code === LDH_ABS || p.code === LDB_ABS) {
      const size = p.code === LDH_ABS ? 2 : 1;
      if (p.k + size > frame.length) return 0;
      a = size === 2 ? ((frame[p.k] ?? 0) << 8) | (frame[p.k + 1] ?? 0) : (frame[p.k] ?? 0);
    } else if (p.code === JEQ_K) pc += a === p.k ? p.jt : p.jf;
    else if (p.code === RET_K) return p.k;
    else return 0;
  }
  return 0;
}
