import type { Position, Range } from '../types';

/**
 * Maps string offsets to the line/column an editor shows. Editors break lines at \r\n, \n and a
 * lone \r (as splitLines in ../text does); OpenVPN breaks only at \n, so the parser works on
 * offsets and converts at the end.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  /** `loneCr`: offsets of \r not followed by \n, ascending (computed when not given). */
  constructor(
    private readonly text: string,
    loneCr?: readonly number[],
  ) {
    let crs = loneCr;
    if (!crs) {
      const found: number[] = [];
      for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) found.push(i);
      crs = found;
    }
    let k = 0;
    for (let nl = text.indexOf('\n'); ; nl = text.indexOf('\n', nl + 1)) {
      const next = nl < 0 ? text.length : nl;
      while (k < crs.length && crs[k] < next) this.starts.push(crs[k++] + 1);
      if (nl < 0) break;
      this.starts.push(nl + 1);
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): Position {
    let o = Math.max(0, Math.min(offset, this.text.length));
    // Between the \r and \n of a CRLF is not a place an editor knows: use the line end.
    if (o > 0 && this.text.charCodeAt(o) === 10 && this.text.charCodeAt(o - 1) === 13) o--;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: o - this.starts[lo] };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** Offset where the editor line holding `offset` starts. */
  lineStartOf(offset: number): number {
    return this.starts[this.position(offset).line];
  }
}
