/** Helpers for the text a gateway sends back over UPnP: caps and safe quoting in messages. */

/** The longest SSDP header value, URL or XML element value believed (real ones are well under 200). */
export const MAX_VALUE = 512;

/** `s` as printable ASCII, cut at `max` characters, for a one-line message. */
export function printable(s: string, max: number): string {
  const clean = s.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
