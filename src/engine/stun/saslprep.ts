/**
 * A practical SASLprep (RFC 4013) / OpaqueString (RFC 8265 §4.2) for STUN passwords and realms.
 *
 * STUN keys are hashes of the prepared strings (RFC 8489 §9.1.1, §9.2.2), so two agents that
 * prepare a password differently simply fail to authenticate. We implement the mapping steps that
 * change real-world strings (RFC 4013 §2.1 and §2.2) and skip the prohibition and bidi checks,
 * which only reject input: a peer's password we cannot prepare identically would fail anyway.
 */

/** RFC 3454 table B.1, "commonly mapped to nothing" (soft hyphen, joiners, variation selectors, BOM). */
function mapsToNothing(cp: number): boolean {
  return (
    cp === 0x00ad ||
    cp === 0x034f ||
    cp === 0x1806 ||
    (cp >= 0x180b && cp <= 0x180d) ||
    (cp >= 0x200b && cp <= 0x200d) ||
    cp === 0x2060 ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0xfeff
  );
}

/** RFC 3454 table C.1.2, non-ASCII space characters, which RFC 4013 §2.1 maps to U+0020. */
function isNonAsciiSpace(cp: number): boolean {
  return (
    cp === 0x00a0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

/** Map (RFC 4013 §2.1), then normalise with NFKC (RFC 4013 §2.2). */
export function saslprep(input: string): string {
  let mapped = '';
  for (const ch of input) {
    const cp = ch.codePointAt(0) ?? 0;
    if (mapsToNothing(cp)) continue;
    mapped += isNonAsciiSpace(cp) ? ' ' : ch;
  }
  return mapped.normalize('NFKC');
}
