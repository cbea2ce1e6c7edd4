/** The servers that were asked, ranked by round-trip time as the report lists them. */
import type { Report } from '../../report/report';
import { h } from '../dom';
import { S } from '../strings';
import { section, table, tri } from '../widgets';

export function serversSection(report: Report): HTMLElement {
  const servers = Array.isArray(report.servers) ? report.servers : [];
  if (servers.length === 0) return section('servers', S.serversHeading, h('p', undefined, S.noServers));
  const rows = servers.map((sv) => [
    h('span', { class: 'mono' }, `${sv.host}:${sv.port}`),
    h('span', { class: 'mono' }, sv.address ?? S.unresolved),
    sv.rttMs !== null && sv.rttMs !== undefined ? h('span', { class: 'num' }, S.ms(sv.rttMs)) : tri('no', 'serverAnswered', { no: S.noAnswer }),
    tri(sv.rfc5780, 'serverRfc5780'),
    [sv.error, sv.software].filter(Boolean).join(' · ') || S.none,
  ]);
  return section('servers', S.serversHeading, table(S.serversHeading, [S.colServer, S.colAddress, S.colRtt, S.colRfc5780, S.colNote], rows, { columns: ['28%', '17%', '13%', '15%', '27%'], cls: 'servers-table', breakpoint: 760 }));
}
