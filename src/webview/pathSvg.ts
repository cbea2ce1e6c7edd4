/**
 * Draws the path model as inline SVG: hops left to right (or top to bottom when the panel is
 * too narrow for that), then the servers fanned out with their round-trip times. Colours come
 * from the theme through CSS classes (media/…: none; see styles.css), so light, dark and high
 * contrast themes all work. The drawing is one role="img" with a title and a description.
 */
import { s } from './dom';
import type { Hop, PathModel, ServerLeaf } from './pathModel';
import { S } from './strings';

const PAD = 10;
const LABEL_CHAR = 7.4; // 12px semibold UI font, generous
const MONO_CHAR = 6.9; // 11.5px monospace
const TEXT_CHAR = 6.5; // 11.5px UI font
const LINE_H = 16;
const HOP_GAP = 34;
const FAN_GAP = 52;
/** The horizontal drawing may shrink to this scale before the vertical one is used instead. */
const MIN_SCALE = 0.8;
const SERVER_H = 42;
const SERVER_GAP = 8;

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

function charWidth(mono: boolean): number {
  return mono ? MONO_CHAR : TEXT_CHAR;
}

function hopWidth(hop: Hop): number {
  const longest = Math.max(0, ...hop.lines.map((l) => l.text.length * charWidth(l.mono)));
  return clamp(Math.max(hop.label.length * LABEL_CHAR, longest) + 24, 112, 240);
}

function serverWidth(servers: readonly ServerLeaf[]): number {
  const longest = Math.max(10, ...servers.map((sv) => sv.label.length));
  return clamp(longest * MONO_CHAR + 28, 160, 280);
}

/** Fits a line into `width` pixels, with an ellipsis; the full text goes into a <title>. */
function fit(text: string, width: number, perChar: number): { text: string; cut: boolean } {
  const max = Math.max(4, Math.floor((width - 20) / perChar));
  return text.length <= max ? { text, cut: false } : { text: `${text.slice(0, max - 1)}…`, cut: true };
}

function hopGroup(hop: Hop, box: Box): SVGElement {
  const g = s('g', { class: `hop hop-${hop.kind}${hop.unknown ? ' unknown' : ''}` });
  g.append(s('rect', { x: box.x, y: box.y, width: box.w, height: box.h, rx: 7 }));
  const cx = box.x + box.w / 2;
  const label = fit(hop.label, box.w, LABEL_CHAR);
  const lineCount = hop.lines.length;
  const top = box.y + box.h / 2 - (lineCount * LINE_H + 14) / 2 + 12;
  g.append(s('text', { class: 'hop-label', x: cx, y: top, 'text-anchor': 'middle' }, label.text));
  let cut = false;
  hop.lines.forEach((line, i) => {
    const f = fit(line.text, box.w, charWidth(line.mono));
    cut ||= f.cut;
    g.append(s('text', { class: `hop-line${line.mono ? ' mono' : ''}`, x: cx, y: top + (i + 1) * LINE_H + 2, 'text-anchor': 'middle' }, f.text));
  });
  if (label.cut || cut) g.prepend(s('title', undefined, [hop.label, ...hop.lines.map((l) => l.text)].join('\n')));
  return g;
}

function serverGroup(sv: ServerLeaf, box: Box): SVGElement {
  const g = s('g', { class: `server${sv.answered ? '' : ' no-answer'}` });
  g.append(s('rect', { x: box.x, y: box.y, width: box.w, height: box.h, rx: 6 }));
  const label = fit(sv.label, box.w, MONO_CHAR);
  if (label.cut) g.append(s('title', undefined, sv.label));
  g.append(s('text', { class: 'server-label mono', x: box.x + 12, y: box.y + 17 }, label.text));
  g.append(s('text', { class: 'server-detail', x: box.x + 12, y: box.y + 33 }, sv.detail));
  return g;
}

/** A line with an arrowhead at its end. */
function arrow(x1: number, y1: number, x2: number, y2: number, cls: string): SVGElement {
  const g = s('g', { class: `link ${cls}` });
  const len = Math.hypot(x2 - x1, y2 - y1) || 1;
  const ux = (x2 - x1) / len;
  const uy = (y2 - y1) / len;
  const bx = x2 - ux * 7;
  const by = y2 - uy * 7;
  g.append(s('line', { x1, y1, x2: bx, y2: by }));
  g.append(s('polygon', { points: `${x2},${y2} ${bx - uy * 4},${by + ux * 4} ${bx + uy * 4},${by - ux * 4}` }));
  return g;
}

function blockMark(x: number, y: number, labelAbove: boolean): SVGElement {
  const g = s('g', { class: 'blocked-mark' });
  g.append(s('circle', { cx: x, cy: y, r: 9 }));
  g.append(s('path', { d: `M${x - 4},${y - 4} L${x + 4},${y + 4} M${x + 4},${y - 4} L${x - 4},${y + 4}` }));
  g.append(s('text', { x, y: labelAbove ? y - 14 : y + 4, 'text-anchor': labelAbove ? 'middle' : 'start', dx: labelAbove ? 0 : 14 }, S.pathBlocked));
  return g;
}

export interface DrawnPath {
  readonly svg: SVGSVGElement;
  /** Width the horizontal drawing needs; narrower containers get the vertical one. */
  readonly horizontalWidth: number;
  readonly orientation: 'horizontal' | 'vertical';
}

let ids = 0;

export function fitsHorizontally(horizontalWidth: number, availableWidth: number): boolean {
  return availableWidth <= 0 || horizontalWidth * MIN_SCALE <= availableWidth;
}

export function horizontalWidth(model: PathModel): number {
  const hopsW = model.hops.reduce((sum, hop) => sum + hopWidth(hop), 0) + HOP_GAP * (model.hops.length - 1);
  return PAD * 2 + hopsW + (model.servers.length ? FAN_GAP + serverWidth(model.servers) : 0);
}

export function drawPath(model: PathModel, availableWidth: number): DrawnPath {
  const wide = horizontalWidth(model);
  const orientation = fitsHorizontally(wide, availableWidth) ? 'horizontal' : 'vertical';
  const id = ++ids;
  const parts: SVGElement[] = [];
  const hopH = Math.max(...model.hops.map((hop) => 30 + hop.lines.length * LINE_H));
  const sw = serverWidth(model.servers);
  const n = model.servers.length;
  const serversH = n ? n * SERVER_H + (n - 1) * SERVER_GAP : 0;
  let width: number;
  let height: number;

  if (orientation === 'horizontal') {
    height = Math.max(hopH, serversH) + PAD * 2;
    const cy = height / 2;
    let x = PAD;
    const boxes: Box[] = model.hops.map((hop) => {
      const box = { x, y: cy - hopH / 2, w: hopWidth(hop), h: hopH };
      x += box.w + HOP_GAP;
      return box;
    });
    boxes.forEach((box, i) => {
      if (i > 0) {
        const prev = boxes[i - 1];
        const cut = model.blocked && i === 1;
        parts.push(arrow(prev.x + prev.w + 2, cy, box.x - 2, cy, cut ? 'cut' : model.hops[i].unknown || model.hops[i - 1].unknown ? 'uncertain' : ''));
        if (cut) parts.push(blockMark(prev.x + prev.w + HOP_GAP / 2, cy, true));
      }
      parts.push(hopGroup(model.hops[i], box));
    });
    const last = boxes[boxes.length - 1];
    const sx = last.x + last.w + FAN_GAP;
    let sy = cy - serversH / 2;
    for (const sv of model.servers) {
      const box = { x: sx, y: sy, w: sw, h: SERVER_H };
      parts.push(arrow(last.x + last.w + 2, cy, sx - 2, sy + SERVER_H / 2, sv.answered && !model.blocked ? '' : 'cut'));
      parts.push(serverGroup(sv, box));
      sy += SERVER_H + SERVER_GAP;
    }
    width = n ? sx + sw + PAD : last.x + last.w + PAD;
  } else {
    const colW = Math.max(...model.hops.map(hopWidth));
    const vGap = 30;
    let y = PAD;
    const boxes: Box[] = model.hops.map(() => {
      const box = { x: PAD, y, w: colW, h: hopH };
      y += hopH + vGap;
      return box;
    });
    const cx = PAD + colW / 2;
    boxes.forEach((box, i) => {
      if (i > 0) {
        const prev = boxes[i - 1];
        const cut = model.blocked && i === 1;
        parts.push(arrow(cx, prev.y + prev.h + 2, cx, box.y - 2, cut ? 'cut' : model.hops[i].unknown || model.hops[i - 1].unknown ? 'uncertain' : ''));
        if (cut) parts.push(blockMark(cx, prev.y + prev.h + vGap / 2, false));
      }
      parts.push(hopGroup(model.hops[i], box));
    });
    const last = boxes[boxes.length - 1];
    const busX = PAD + 24;
    let sy = last.y + last.h + 18;
    const sx = busX + 28;
    for (const sv of model.servers) {
      const midY = sy + SERVER_H / 2;
      const cls = sv.answered && !model.blocked ? '' : 'cut';
      parts.push(s('path', { class: `link-path ${cls}`, d: `M${busX},${last.y + last.h} L${busX},${midY}` }));
      parts.push(arrow(busX, midY, sx - 2, midY, cls));
      parts.push(serverGroup(sv, { x: sx, y: sy, w: sw, h: SERVER_H }));
      sy += SERVER_H + SERVER_GAP;
    }
    width = Math.max(PAD * 2 + colW, n ? sx + sw + PAD : 0);
    height = n ? sy - SERVER_GAP + PAD : last.y + last.h + PAD;
  }

  const titleId = `np-path-title-${id}`;
  const descId = `np-path-desc-${id}`;
  const svg = s(
    'svg',
    {
      class: `np-path ${orientation}`,
      role: 'img',
      'aria-labelledby': titleId,
      'aria-describedby': descId,
      viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`,
      width: Math.ceil(width),
      height: Math.ceil(height),
      'data-orientation': orientation,
    },
    s('title', { id: titleId }, S.pathAria),
    s('desc', { id: descId }, model.description),
    ...parts,
  ) as SVGSVGElement;
  return { svg, horizontalWidth: wide, orientation };
}
