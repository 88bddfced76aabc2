// Cilium's pinned LB / L2 maps: pin names, kernel types and key/value sizes (spec
// cilium-bpf-maps.md §2, §4), and the check that a map found on a node has the layout lbctl decodes.
// Identified by pin file name plus (type, key size, value size), never by the kernel name, which
// is truncated to 15 bytes and shared by several maps.

export const BPF_MAP_TYPE = { HASH: 1, ARRAY: 2, LRU_HASH: 9, LPM_TRIE: 11, HASH_OF_MAPS: 13 } as const;

export type MapKind = "services" | "backends" | "revnat" | "affinityMatch" | "sourceRange" | "maglev" | "l2responder" | "runtimeConfig";

export interface MapLayout {
  /** Pin file name under <bpffs>/tc/globals/. */
  readonly pin: string;
  readonly kind: MapKind;
  /** Address family of the entries; undefined for family-less maps. */
  readonly family?: 4 | 6;
  readonly type: number;
  readonly keySize: number;
  readonly valueSize: number;
}

const L = (pin: string, kind: MapKind, family: 4 | 6 | undefined, type: number, keySize: number, valueSize: number): MapLayout => ({ pin, kind, family, type, keySize, valueSize });
const { HASH, ARRAY, LPM_TRIE, HASH_OF_MAPS } = BPF_MAP_TYPE;

export const LAYOUTS = {
  services4: L("cilium_lb4_services_v2", "services", 4, HASH, 12, 12),
  services6: L("cilium_lb6_services_v2", "services", 6, HASH, 24, 12),
  backends4: L("cilium_lb4_backends_v3", "backends", 4, HASH, 4, 12),
  backends6: L("cilium_lb6_backends_v3", "backends", 6, HASH, 4, 24),
  revnat4: L("cilium_lb4_reverse_nat", "revnat", 4, HASH, 2, 6),
  revnat6: L("cilium_lb6_reverse_nat", "revnat", 6, HASH, 2, 18),
  affinityMatch: L("cilium_lb_affinity_match", "affinityMatch", undefined, HASH, 8, 1),
  sourceRange4: L("cilium_lb4_source_range", "sourceRange", 4, LPM_TRIE, 12, 1),
  sourceRange6: L("cilium_lb6_source_range", "sourceRange", 6, LPM_TRIE, 24, 1),
  // Outer key: the rev-NAT ID (be16); value: the inner map's ID when read from userspace (spec §3.6).
  maglev4: L("cilium_lb4_maglev", "maglev", 4, HASH_OF_MAPS, 2, 4),
  maglev6: L("cilium_lb6_maglev", "maglev", 6, HASH_OF_MAPS, 2, 4),
  l2responder4: L("cilium_l2_responder_v4", "l2responder", 4, HASH, 8, 8),
  l2responder6: L("cilium_l2_responder_v6", "l2responder", 6, HASH, 24, 8),
  runtimeConfig: L("cilium_runtime_config", "runtimeConfig", undefined, ARRAY, 4, 8),
} as const satisfies Record<string, MapLayout>;

export type LayoutName = keyof typeof LAYOUTS;

/** Older pins that lbctl recognises only to name them in the error (spec §4). */
export const LEGACY_PINS: Readonly<Record<string, string>> = {
  cilium_lb4_services: "Cilium < 1.5 (services v1)",
  cilium_lb6_services: "Cilium < 1.5 (services v1)",
  cilium_lb4_backends_v2: "Cilium 1.11-1.12 (backends v2)",
  cilium_lb6_backends_v2: "Cilium 1.11-1.12 (backends v2)",
  cilium_lb4_backends: "Cilium <= 1.10 (backends v1)",
  cilium_lb6_backends: "Cilium <= 1.10 (backends v1)",
};

const TYPE_NAMES: Readonly<Record<number, string>> = { 1: "hash", 2: "array", 9: "lru_hash", 11: "lpm_trie", 13: "hash_of_maps" };

export function mapTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `type ${type}`;
}

export interface MapShape {
  readonly type: number;
  readonly keySize: number;
  readonly valueSize: number;
}

/** undefined when `shape` is the layout lbctl decodes; else the one-line reason, naming sizes found and expected. */
export function layoutMismatch(layout: MapLayout, shape: MapShape): string | undefined {
  if (shape.type === layout.type && shape.keySize === layout.keySize && shape.valueSize === layout.valueSize) return undefined;
  return (
    `map ${layout.pin} has an unknown layout: ${mapTypeName(shape.type)} key ${shape.keySize} B value ${shape.valueSize} B, ` +
    `expected ${mapTypeName(layout.type)} key ${layout.keySize} B value ${layout.valueSize} B (Cilium 1.17-1.20)`
  );
}
