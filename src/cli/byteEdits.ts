/**
 * Edits made on decoded text, applied to the file's own bytes, so that what no fix touched stays
 * byte for byte (a Latin-1 comment in a UTF-8 file decodes to U+FFFD and must not be written back
 * as one).
 */

export interface OffsetEdit {
  /** UTF-16 offsets in `bytes.toString('utf8')`. */
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

/**
 * One step of the WHATWG UTF-8 decoder (what Buffer#toString does): how many bytes from `i` make
 * the next decoded unit and how many UTF-16 code units it becomes. An invalid sequence becomes one
 * U+FFFD per maximal subpart; the byte that broke it starts the next step.
 */
function step(b: Uint8Array, i: number): { bytes: number; units: number } {
  const c = b[i];
  if (c < 0x80) return { bytes: 1, units: 1 };
  let need: number;
  let lower = 0x80;
  let upper = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) need = 1;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    if (c === 0xe0) lower = 0xa0;
    if (c === 0xed) upper = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    if (c === 0xf0) lower = 0x90;
    if (c === 0xf4) upper = 0x8f;
  } else return { bytes: 1, units: 1 };
  for (let j = 1; j <= need; j++) {
    const d = b[i + j];
    if (d === undefined || d < lower || d > upper) return { bytes: j, units: 1 };
    lower = 0x80;
    upper = 0xbf;
  }
  return { bytes: need + 1, units: need === 3 ? 2 : 1 };
}

/** The byte offset of each UTF-16 offset of the decoded text (an offset inside a pair maps to the pair's start). */
export function byteOffsetsOf(bytes: Uint8Array, offsets: readonly number[]): number[] {
  const order = offsets.map((o, i) => ({ o, i })).sort((a, b) => a.o - b.o);
  const out = new Array<number>(offsets.length);
  let at = 0;
  let units = 0;
  let k = 0;
  while (k < order.length) {
    if (at >= bytes.length) {
      out[order[k++].i] = bytes.length;
      continue;
    }
    const s = step(bytes, at);
    // Targets before the end of this step land at its start.
    while (k < order.length && order[k].o < units + s.units) out[order[k++].i] = at;
    at += s.bytes;
    units += s.units;
  }
  return out;
}

/**
 * Applies non-overlapping edits to the bytes. Returns undefined when the result would not decode
 * to the edited text (an edit that joins the halves of a broken sequence): such a fix is unsafe.
 */
export function applyEditsToBytes(bytes: Buffer, text: string, edits: readonly OffsetEdit[]): Buffer | undefined {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const offsets = byteOffsetsOf(bytes, sorted.flatMap((e) => [e.start, e.end]));
  const parts: Buffer[] = [];
  let textOut = '';
  let at = 0;
  let textAt = 0;
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    const s = offsets[2 * i];
    const end = offsets[2 * i + 1];
    if (s < at || e.start < textAt) return undefined;
    parts.push(bytes.subarray(at, s), Buffer.from(e.newText, 'utf8'));
    textOut += text.slice(textAt, e.start) + e.newText;
    at = end;
    textAt = e.end;
  }
  parts.push(bytes.subarray(at));
  textOut += text.slice(textAt);
  const out = Buffer.concat(parts);
  return out.toString('utf8') === textOut ? out : undefined;
}
