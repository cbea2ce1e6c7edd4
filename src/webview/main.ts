import type { HostToWebview } from '../report/messages';
import type { Report } from '../report/report';

/** The report panel's front end. Everything it shows comes from the host's typed messages. */
const app = document.getElementById('app')!;

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = event.data as HostToWebview;
  if (typeof msg !== 'object' || msg === null || msg.type !== 'report' || typeof msg.report !== 'object') return;
  render(msg.report);
});

function render(report: Report): void {
  app.replaceChildren(
    heading(`NAT type: ${report.natType.value}`),
    para(report.natType.reason),
    table([
      ['UDP', `${report.udp} — ${report.udpReason}`],
      ['Public address', report.publicEndpoints.map((p) => `${p.address}:${p.port}`).join(', ') || 'unknown'],
      ['Mapping', `${report.mapping.value} — ${report.mapping.reason}`],
      ['Filtering', `${report.filtering.value} — ${report.filtering.reason}`],
      ['Port preservation', `${report.portPreservation.value} — ${report.portPreservation.reason}`],
      ['Carrier-grade NAT', `${report.cgnat.value} — ${report.cgnat.reason}`],
    ]),
    heading('Servers'),
    table(report.servers.map((s) => [`${s.host}:${s.port}`, `${s.rttMs === null ? 'no answer' : `${s.rttMs} ms`}, RFC 5780 ${s.rfc5780}${s.error ? ` — ${s.error}` : ''}`])),
    heading('Recommendations'),
    ...report.recommendations.map((r) => para(`[${r.severity}] ${r.text}`)),
  );
}

function heading(text: string): HTMLElement {
  const h = document.createElement('h2');
  h.textContent = text;
  return h;
}

function para(text: string): HTMLElement {
  const p = document.createElement('p');
  p.textContent = text;
  return p;
}

function table(rows: string[][]): HTMLElement {
  const t = document.createElement('table');
  for (const row of rows) {
    const tr = t.insertRow();
    row.forEach((cell, i) => {
      const el = document.createElement(i === 0 ? 'th' : 'td');
      el.textContent = cell;
      tr.appendChild(el);
    });
  }
  return t;
}
