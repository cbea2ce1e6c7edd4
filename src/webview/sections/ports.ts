/** VPN port reachability (report.ports), or how to test it when it was not. */
import type { WebviewCommand } from '../../report/messages';
import type { Report } from '../../report/report';
import { h } from '../dom';
import { S } from '../strings';
import { button, notYet, section, table, tri } from '../widgets';

export function portsSection(report: Report, run: (command: WebviewCommand) => void): HTMLElement {
  const ports = Array.isArray(report.ports) ? report.ports : undefined;
  if (!ports || ports.length === 0) {
    const b = button(S.portsTest, () => run('natProbe.testPorts'), { secondary: true });
    b.dataset.focusKey = 'cmd:ports';
    return section('ports', S.portsHeading, h('p', { class: 'not-tested' }, notYet(S.portsNotTested)), h('p', { class: 'muted' }, S.portsHowTo), h('div', { class: 'actions' }, b));
  }
  const rows = ports.map((p) => [
    h('span', { class: 'mono' }, p.protocol.toUpperCase()),
    h('span', { class: 'mono num' }, String(p.port)),
    tri(p.reachable, 'portReachable', { yes: S.yes, no: S.portBlocked }),
    p.basis,
  ]);
  // Narrow (a side panel beside a config): one line per port and its basis under it, instead of the
  // table's four stacked label/value rows per port. CSS picks one of the two by the section's width.
  const compact = h(
    'ul',
    { class: 'ports-compact', 'aria-label': S.portsHeading },
    ...ports.map((p) =>
      h(
        'li',
        undefined,
        h('span', { class: 'port-name mono' }, `${p.protocol.toUpperCase()} ${p.port}`),
        ' ',
        tri(p.reachable, 'portReachable', { yes: S.yes, no: S.portBlocked }),
        h('span', { class: 'reason' }, p.basis),
      ),
    ),
  );
  return section(
    'ports',
    S.portsHeading,
    h(
      'div',
      { class: 'ports-holder' },
      table(S.portsHeading, [S.colProtocol, S.colPort, S.colReachable, S.colBasis], rows, { columns: ['12%', '11%', '25%', '52%'], cls: 'ports-table', responsive: false }),
      compact,
    ),
  );
}
