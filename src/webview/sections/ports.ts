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
  return section('ports', S.portsHeading, table(S.portsHeading, [S.colProtocol, S.colPort, S.colReachable, S.colBasis], rows, { columns: ['12%', '11%', '25%', '52%'], cls: 'ports-table', breakpoint: 560 }));
}
