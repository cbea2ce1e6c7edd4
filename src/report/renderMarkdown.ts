import { contactedLine, verdictLine } from './renderText';
import type { BehaviourVerdict, Evidence, Report } from './report';

/**
 * The report as Markdown, for issues, chats and tickets: the verdict first, then one table per
 * topic with every reason, then the evidence. Cells are escaped so a reason with a `|` cannot
 * break a table.
 */
export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  out.push(`# NAT Probe report`, '', `**${cell(verdictLine(report))}**`, '');
  out.push(`natprobe ${cell(report.tool.version)}, ${cell(report.startedAt)}, ${report.durationMs} ms.`, '');

  out.push('## Results', '', '| Test | Answer | Why |', '| --- | --- | --- |');
  row('UDP', report.udp, report.udpReason);
  for (const p of report.publicEndpoints) row(`Public ${p.family}`, `${p.address}:${p.port}`, `seen by ${p.server}`);
  if (report.publicEndpoints.length === 0) row('Public address', 'unknown', 'no server reported one');
  row('Mapping', report.mapping.value, report.mapping.reason);
  row('Filtering', report.filtering.value, report.filtering.reason);
  row('Port preservation', report.portPreservation.value, report.portPreservation.reason);
  row('NAT type', report.natType.value, report.natType.reason);
  row('Carrier-grade NAT', report.cgnat.value, report.cgnat.reason);
  if (report.doubleNat) row('Double NAT', report.doubleNat.value, report.doubleNat.reason);
  if (report.mappingLifetime) {
    const l = report.mappingLifetime;
    row('Mapping lifetime', l.value === null ? 'unknown' : `${l.value} s idle`, l.reason);
    row('Refreshed by inbound', l.refreshedByInbound, l.absoluteSeconds ? `absolute limit ${l.absoluteSeconds} s` : '');
  }
  if (report.hairpinning) row('Hairpinning', report.hairpinning.value, report.hairpinning.reason);
  if (report.portMapping) {
    const pm = report.portMapping;
    row('UPnP IGD', pm.upnp, pm.reasons.upnp);
    row('NAT-PMP', pm.natPmp, pm.reasons.natPmp);
    row('PCP', pm.pcp, pm.reasons.pcp);
  }
  if (report.turn) {
    const t = report.turn;
    row('TURN relay', t.value, [t.relayedAddress ? `relayed address ${t.relayedAddress}` : '', t.rttMs !== null ? `${t.rttMs} ms` : '', t.error ?? ''].filter(Boolean).join('; '));
  }
  out.push('');

  out.push('## Servers', '', '| Server | Address | RTT | RFC 5780 | Note |', '| --- | --- | --- | --- | --- |');
  for (const s of report.servers) {
    out.push(`| ${cell(`${s.host}:${s.port}`)} | ${cell(s.address ?? 'unresolved')} | ${s.rttMs === null ? 'no answer' : `${s.rttMs} ms`} | ${s.rfc5780} | ${cell(s.error ?? s.software ?? '')} |`);
  }
  out.push('');

  if (report.ports?.length) {
    out.push('## VPN ports', '', '| Port | Reachable | Basis |', '| --- | --- | --- |');
    for (const p of report.ports) out.push(`| ${p.protocol}/${p.port} | ${p.reachable} | ${cell(p.basis)} |`);
    out.push('');
  }

  if (report.contacted?.length) {
    out.push('## Contacted', '', 'Every address this run sent packets to, and why.', '');
    for (const c of report.contacted) out.push(`- ${cell(contactedLine(c))}`);
    out.push('');
  }

  if (report.recommendations.length) {
    out.push('## Recommendations', '');
    for (const r of report.recommendations) out.push(`- **${r.severity}**: ${cell(r.text)}${r.rfc ? ` (${cell(r.rfc)})` : ''}`);
    out.push('');
  }

  out.push('## Evidence', '');
  evidence('Mapping', report.mapping);
  evidence('Filtering', report.filtering);
  evidence('Carrier-grade NAT', report.cgnat);
  return out.join('\n');

  function row(test: string, answer: string, why: string): void {
    out.push(`| ${cell(test)} | ${cell(answer)} | ${cell(why)} |`);
  }

  function evidence(title: string, v: Pick<BehaviourVerdict, 'evidence'>): void {
    if (!v.evidence.length) return;
    out.push(`### ${title}`, '', ...v.evidence.map((e: Evidence) => `- ${cell(e.test)}: ${cell(e.observation)}`), '');
  }
}

/** Escapes what would end a table cell or start Markdown/HTML markup inside one. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;')).replace(/\r?\n/g, ' ');
}
