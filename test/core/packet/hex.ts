// Hex dumps (tcpdump -xx style, whitespace ignored) to bytes, for golden frames in tests.
export function hex(text: string): Uint8Array {
  const clean = text.replace(/0x[0-9a-f]{4}:/g, "").replace(/\s+/g, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}
