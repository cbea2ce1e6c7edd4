/**
 * The same result as ../text splitLines (LF, CRLF and lone CR end a line; the BOM stays in
 * line 0), but built with the engine's native split when the text allows it: several times
 * faster on the 60,000-line configs of big servers. Tests check both agree.
 */
import { BOM, type SourceLines, splitLines } from '../text';

export function splitLinesFast(text: string): SourceLines {
  const hasBom = text.startsWith(BOM);
  if (text.indexOf('\r') < 0) {
    const lines = text.split('\n');
    const eols = new Array<string>(lines.length).fill('\n');
    eols[eols.length - 1] = '';
    return { lines, eols, hasBom };
  }
  const parts = text.split('\n');
  const lines: string[] = new Array<string>(parts.length);
  const eols: string[] = new Array<string>(parts.length);
  for (let i = 0; i < parts.length; i++) {
    let p = parts[i];
    const last = i === parts.length - 1;
    const cr = p.indexOf('\r');
    if (cr < 0) eols[i] = last ? '' : '\n';
    else if (cr < p.length - 1 || last) return splitLines(text); // a lone CR: the general path
    else {
      p = p.slice(0, -1);
      eols[i] = '\r\n';
    }
    lines[i] = p;
  }
  return { lines, eols, hasBom };
}
