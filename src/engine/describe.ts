/** How the engine writes things it did not make (errors, bytes) into one-line messages. */

/**
 * A thrown value as short text. For system errors the errno code alone ("EHOSTUNREACH"): the
 * caller already names the endpoint, and Node's message repeats it along with local addresses
 * a report should not carry by accident. Anything else: its message.
 */
export function errorText(err: unknown): string {
  if (err instanceof Error) return (err as NodeJS.ErrnoException).code ?? err.message;
  return String(err);
}

/** Bytes as lowercase hex; past `max` bytes the rest is cut and the length said. */
export function hex(bytes: Uint8Array, max = Infinity): string {
  const shown = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, max)).toString('hex');
  return bytes.length > max ? `${shown}… (${bytes.length} bytes)` : shown;
}
