import { splitFilteringHint } from './filteringHint';
import { contactedLine, verdictLine } from './renderText';
import type { Answer, BehaviourVerdict, Evidence, Report } from './report';
import { safeDeep, safeText } from './safeText';

/**
 * The report as Markdown, for issues, chats and tickets: the verdict first, then one table per
 * topic with every reason, then the evidence. Every string goes through safeText (no control
 * or bidi character), then cell(): a reason quoting a server cannot break a table or add a link,
 * an image, HTML or emphasis to the reader's page.
 */
export function renderMarkdown(untrusted: Report): string {
  const report = safeDeep(untrusted);
  const out: string[] = [];
  out.push(`# NAT Probe report`, '', `**${cell(verdictLine(report))}**`, '');
  out.push(`natprobe ${cell(report.tool.version)}, ${cell(report.startedAt)}, ${report.durationMs} ms.`, '');

  out.push('## Results', '', '| Test | Answer | Why |', '| --- | --- | --- |');
  row('UDP', report.udp, report.udpReason);
  for (const p of report.publicEndpoints) row(`Public ${p.family}`, `${p.address}:${p.port}`, `seen by ${p.server}`);
  if (report.publicEndpoints.length === 0) row('Public address', 'unknown', 'no server reported one');
  row('Mapping', report.mapping.value, `${report.mapping.reason}${report.mapping.server ? ` (measured with ${report.mapping.server})` : ''}`);
  row('Filtering', report.filtering.value, `${report.filtering.reason}${report.filtering.server ? ` (measured with ${report.filtering.server})` : ''}`);
  row('Port preservation', answerWord(report.portPreservation), report.portPreservation.reason);
  if (report.sequentialPorts && !report.sequentialPorts.notApplicable) row('Sequential ports', answerWord(report.sequentialPorts), report.sequentialPorts.reason);
  row('NAT type', report.natType.value, report.natType.reason);
  row('Carrier-grade NAT', report.cgnat.value, report.cgnat.reason);
  if (report.doubleNat) row('Double NAT', answerWord(report.doubleNat), report.doubleNat.reason);
  if (report.mappingLifetime) {
    const l = report.mappingLifetime;
    row('Mapping lifetime', l.notApplicable ? 'not applicable' : l.value === null ? 'unknown' : `${l.value} s idle`, l.reason);
    if (!l.notApplicable) row('Refreshed by inbound', l.refreshedByInbound, l.absoluteSeconds ? `absolute limit ${l.absoluteSeconds} s` : '');
  }
  if (report.hairpinning) row('Hairpinning', answerWord(report.hairpinning), report.hairpinning.reason);
  if (report.portMapping) {
    const pm = report.portMapping;
    // A silent router gives the three protocols the same reason: one row says it once.
    const bare = (reason: string) => reason.replace(/^(?:UPnP|NAT-PMP|PCP): /, '');
    const same = bare(pm.reasons.upnp) === bare(pm.reasons.natPmp) && bare(pm.reasons.upnp) === bare(pm.reasons.pcp);
    if (same) row('Port mapping', `UPnP IGD ${pm.upnp}, NAT-PMP ${pm.natPmp}, PCP ${pm.pcp}`, bare(pm.reasons.upnp));
    else {
      row('UPnP IGD', pm.upnp, pm.reasons.upnp);
      row('NAT-PMP', pm.natPmp, pm.reasons.natPmp);
      row('PCP', pm.pcp, pm.reasons.pcp);
    }
  }
  if (report.turn) {
    const t = report.turn;
    row('TURN relay', t.value, [t.relayedAddress ? `relayed address ${t.relayedAddress}` : '', t.rttMs !== null ? `${t.rttMs} ms` : '', t.error ?? ''].filter(Boolean).join('; '));
  }
  if (report.turnServers && report.turnServers.length > 1) {
    report.turnServers.forEach((s, i) => row(`TURN relay ${i + 1} by RTT`, s.value, [s.url, s.rttMs !== null ? `${s.rttMs} ms` : '', s.error ?? ''].filter(Boolean).join('; ')));
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

  const { rest: recommendations, hint } = splitFilteringHint(report.recommendations);
  if (recommendations.length) {
    out.push('## Recommendations', '');
    for (const r of recommendations) out.push(`- **${r.severity}**: ${cell(r.text)}${r.rfc ? ` (${cell(r.rfc)})` : ''}`);
    out.push('');
  }

  out.push('## Evidence', '');
  evidence('Mapping', report.mapping);
  evidence('Filtering', report.filtering);
  evidence('Carrier-grade NAT', report.cgnat);
  // What would settle the one thing left unknown, once, as the last line.
  if (hint) out.push(cell(hint.text), '');
  return out.join('\n');

  function row(test: string, answer: string, why: string): void {
    out.push(`| ${cell(test)} | ${cell(answer)} | ${cell(why)} |`);
  }

  function evidence(title: string, v: Pick<BehaviourVerdict, 'evidence'>): void {
    if (!v.evidence.length) return;
    out.push(`### ${title}`, '', ...v.evidence.map((e: Evidence) => `- ${cell(e.test)}: ${cell(e.observation)}`), '');
  }
}

/** Any text as Markdown inline text: safeText, then cell() escaping (for other Markdown writers). */
export function markdownText(text: string): string {
  return cell(safeText(text));
}

/**
 * Escapes what would end a table cell or start Markdown/HTML markup inside one: `|`, links and
 * images (`[`, `]`), emphasis (`*`, `_`, `~`), HTML and autolinks (`<`, `>`) and character
 * references (`&`, which could spell a bidi override as `&#x202e;`). Backticks stay: a code span
 * cannot hold markup, and the advice uses them for option names.
 */
function answerWord(a: Answer): string {
  return a.notApplicable ? 'not applicable' : a.value;
}

function cell(text: string): string {
  return text.replace(/[\\|[\]*_~]/g, '\\$&').replace(/[&<>]/g, (c) => HTML_ESCAPES[c]);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
