/** Line splitting shared by both parsers: positions must match what an editor shows. */

export const BOM = '\uFEFF';

export interface SourceLines {
  /** Lines without their terminators. */
  readonly lines: readonly string[];
  /** The terminator after each line ('' for the last). */
  readonly eols: readonly string[];
  readonly hasBom: boolean;
}

/** Splits at \r\n, \n or a lone \r, as editors do. A leading BOM stays in line 0 (column 0). */
export function splitLines(text: string): SourceLines {
  const lines: string[] = [];
  const eols: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      lines.push(text.slice(start, i));
      if (c === 13 && text.charCodeAt(i + 1) === 10) {
        eols.push('\r\n');
        i++;
      } else eols.push(c === 13 ? '\r' : '\n');
      start = i + 1;
    }
  }
  lines.push(text.slice(start));
  eols.push('');
  return { lines, eols, hasBom: text.startsWith(BOM) };
}

/** Text that cannot be a config: NUL bytes or mostly control characters. */
export function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const sample = text.slice(0, 4096);
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13) control++;
  }
  return sample.length > 0 && control / sample.length > 0.1;
}
