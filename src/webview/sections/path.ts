/** The drawn path: this machine → router(s) → carrier NAT? → internet → servers. */
import type { Report } from '../../report/report';
import { h } from '../dom';
import { pathModel } from '../pathModel';
import { drawPath, fitsHorizontally } from '../pathSvg';
import { S } from '../strings';
import { section } from '../widgets';

let observer: ResizeObserver | undefined;

export function pathSection(report: Report): HTMLElement {
  const model = pathModel(report);
  const holder = h('div', { class: 'path-holder' });
  let drawn = drawPath(model, 0);
  holder.append(drawn.svg);
  // Redraw top-to-bottom when the panel is too narrow for the left-to-right drawing (and back).
  observer?.disconnect();
  observer = new ResizeObserver((entries) => {
    const width = entries[0]?.contentRect.width ?? 0;
    if (width <= 0) return;
    const want = fitsHorizontally(drawn.horizontalWidth, width) ? 'horizontal' : 'vertical';
    if (want !== drawn.orientation) {
      drawn = drawPath(model, width);
      holder.replaceChildren(drawn.svg);
    }
  });
  observer.observe(holder);
  const unknown = model.hops.some((hop) => hop.unknown);
  return section('path', S.pathHeading, holder, unknown ? h('p', { class: 'muted small' }, S.pathLegendUnknown) : null);
}
