import type { Answer, BehaviourVerdict, ContactedAddress, Report, Tristate } from './report';
import { type Fact, toneOf } from './meaning';
import { splitFilteringHint } from './filteringHint';
import { safeDeep } from './safeText';

/**
 * The readable report the CLI prints: plain words first, evidence under each verdict. Every
 * string of the report goes through safeText first: reasons and evidence quote what servers sent.
 */
export function renderText(untrusted: Report, options: { color?: boolean } = {}): string {
  const report = safeDeep(untrusted);
  const c = options.color ? colors : plain;
  const lines: string[] = [];
  const h = (s: string): void => {
    lines.push('', c.bold(s));
  };
  lines.push(c.bold(`NAT Probe ${report.tool.version} — ${report.startedAt} (${report.durationMs} ms)`));
  lines.push('');
  lines.push(`${c.bold('Verdict:')} ${verdictLine(report)}`);

  h('Servers');
  for (const s of report.servers) {
    const rtt = s.rttMs === null ? 'no answer' : `${s.rttMs} ms`;
    const addr = s.address ? ` (${s.address})` : '';
    const rfc = s.rfc5780 === 'yes' ? `RFC 5780 yes, other ${s.otherAddress}` : `RFC 5780 ${s.rfc5780}`;
    lines.push(`  ${s.host}:${s.port}${addr}  ${rtt}  ${rfc}${s.software ? `  [${s.software}]` : ''}`);
    if (s.error) lines.push(c.dim(`      ${s.error}`));
  }

  h('Results');
  lines.push(`  UDP:               ${tri(report.udp, c, 'udp')}  ${c.dim(report.udpReason)}`);
  for (const p of report.publicEndpoints) lines.push(`  Public ${p.family}:       ${p.address}:${p.port}  ${c.dim(`(seen by ${p.server})`)}`);
  if (report.publicEndpoints.length === 0) lines.push(`  Public address:    ${c.yellow('unknown')}`);
  behaviour('Mapping', report.mapping);
  behaviour('Filtering', report.filtering);
  lines.push(`  Port preservation: ${answer(report.portPreservation, c, 'portPreservation')}  ${c.dim(report.portPreservation.reason)}`);
  // Only where the mapping changes per destination: elsewhere the question does not arise.
  const seq = report.sequentialPorts;
  if (seq && !seq.notApplicable) lines.push(`  Sequential ports:  ${answer(seq, c, 'sequentialPorts')}  ${c.dim(seq.reason)}`);
  lines.push(`  NAT type:          ${report.natType.value}  ${c.dim(report.natType.reason)}`);
  lines.push(`  Carrier-grade NAT: ${tri(report.cgnat.value, c, 'cgnat')}  ${c.dim(report.cgnat.reason)}`);
  for (const e of report.cgnat.evidence) lines.push(c.dim(`      ${e.test}: ${e.observation}`));
  if (report.cgnat.excludedInterfaces.length) lines.push(c.dim(`      VPN tunnels left out: ${report.cgnat.excludedInterfaces.join(', ')}`));

  if (report.mappingLifetime) {
    const l = report.mappingLifetime;
    if (l.notApplicable) lines.push(`  Mapping lifetime:  not applicable  ${c.dim(l.reason)}`);
    else lines.push(`  Mapping lifetime:  ${l.value !== null ? `${l.value} s idle` : c.yellow('unknown')}${l.absoluteSeconds ? `, ${l.absoluteSeconds} s absolute` : ''}, refreshed by inbound: ${tri(l.refreshedByInbound, c, 'lifetimeRefreshedByInbound')}  ${c.dim(l.reason)}`);
  }
  if (report.hairpinning) lines.push(`  Hairpinning:       ${answer(report.hairpinning, c, 'hairpinning')}  ${c.dim(report.hairpinning.reason)}`);
  if (report.doubleNat) lines.push(`  Double NAT:        ${answer(report.doubleNat, c, 'doubleNat')}  ${c.dim(report.doubleNat.reason)}`);
  if (report.portMapping) {
    const pm = report.portMapping;
    lines.push(`  Port mapping:      UPnP ${tri(pm.upnp, c, 'portMappingProtocol')}, NAT-PMP ${tri(pm.natPmp, c, 'portMappingProtocol')}, PCP ${tri(pm.pcp, c, 'portMappingProtocol')}  ${c.dim(`(gateway ${pm.gateway ?? 'unknown'}; read-only, no mapping created)`)}`);
  }
  if (report.ports?.length) {
    h('VPN ports (towards the first server)');
    for (const p of report.ports) lines.push(`  ${`${p.protocol}/${p.port}`.padEnd(10)} ${tri(p.reachable, c, 'portReachable').padEnd(options.color ? 16 : 7)}  ${c.dim(p.basis)}`);
  }
  if (report.turn) {
    const t = report.turn;
    lines.push('', `${c.bold('TURN relay:')} ${tri(t.value, c, 'turnAllocated')}${t.relayedAddress ? `  relayed address ${t.relayedAddress}` : ''}${t.rttMs !== null ? `  ${t.rttMs} ms` : ''}${t.error ? `  ${c.dim(t.error)}` : ''}`);
  }
  if (report.turnServers && report.turnServers.length > 1) {
    // The line above is the first of these; the ranking says why it was chosen.
    lines.push(`  ${c.dim('Relays ranked by RTT:')}`);
    report.turnServers.forEach((s, i) => lines.push(`  ${i + 1}. ${s.url}  ${tri(s.value, c, 'turnAllocated')}${s.rttMs !== null ? `  ${s.rttMs} ms` : ''}${s.error ? `  ${c.dim(s.error)}` : ''}`));
  }

  const { rest: recommendations, hint } = splitFilteringHint(report.recommendations);
  if (recommendations.length) {
    h('Recommendations');
    for (const r of recommendations) {
      const tag = r.severity === 'error' ? c.red('error') : r.severity === 'warning' ? c.yellow('warning') : c.cyan('info');
      lines.push(`  [${tag}] ${r.text} ${c.dim(`(${r.id})`)}`);
    }
  }
  if (report.contacted?.length) {
    h('Contacted (every address this run sent packets to)');
    for (const x of report.contacted) lines.push(`  ${contactedLine(x)}`);
  }
  const ig = report.ignoredPackets;
  if (ig.wrongTransaction + ig.unexpectedSource + ig.malformed > 0) {
    lines.push('', c.dim(`Ignored packets: ${ig.wrongTransaction} with a wrong transaction ID, ${ig.unexpectedSource} from an unexpected source, ${ig.malformed} malformed.`));
  }
  // What would settle the one thing left unknown, once, as the last line.
  if (hint) lines.push('', hint.text);
  return lines.join('\n') + '\n';

  function behaviour(label: string, v: BehaviourVerdict): void {
    const value = v.value === 'unknown' ? c.yellow('unknown') : v.value;
    lines.push(`  ${(label + ':').padEnd(19)}${value}  ${c.dim(v.reason)}${v.server ? c.dim(` (measured with ${v.server})`) : ''}`);
    for (const e of v.evidence) lines.push(c.dim(`      ${e.test}: ${e.observation}`));
  }
}

/**
 * The verdict: one short sentence a person can read aloud (about 120 characters at most). The
 * reasons are not repeated here: each stands once, next to its own result.
 */
export function verdictLine(untrusted: Report): string {
  const report = safeDeep(untrusted);
  if (report.udp === 'no') return 'UDP is blocked: no server answered. UDP VPNs will not work from here.';
  if (report.udp === 'unknown') return 'UDP could not be tested.';
  if (report.publicEndpoints.length === 0) return 'UDP gets through, but no server gave a usable answer.';
  const cg = report.cgnat.value === 'yes' ? ' Behind carrier-grade NAT.' : '';
  const words: Record<string, string> = {
    'open-internet': 'No NAT: this machine is directly on the internet.',
    'full-cone': 'Full-cone NAT: easy for VPNs and peer-to-peer.',
    'restricted-cone': 'Restricted-cone NAT: peer-to-peer works once both sides send first.',
    'port-restricted-cone': 'Port-restricted-cone NAT: peer-to-peer works with hole punching; keepalives needed.',
    symmetric: 'Symmetric NAT: peer-to-peer usually fails; use a relay or a server with a public address.',
    'symmetric-udp-firewall': 'No NAT, but a firewall filters inbound UDP.',
    'udp-blocked': 'UDP is blocked.',
    unknown: unknownType(report),
  };
  return `${words[report.natType.value]}${cg}`;
}

/** What is known when the NAT type is not: the mapping's half of it. */
function unknownType(report: Report): string {
  if (report.mapping.value === 'endpoint-independent') return 'Cone NAT (endpoint-independent mapping); its filtering was not measured.';
  if (report.mapping.value === 'none') return 'No NAT; whether a firewall filters inbound UDP was not measured.';
  return 'NAT type unknown: the mapping could not be measured.';
}

/** "198.51.100.2:3479 udp, 2 packets: announced alternate (OTHER-ADDRESS of 198.51.100.1:3478), unconfirmed" */
export function contactedLine(c: ContactedAddress): string {
  const where = c.address.includes(':') ? `[${c.address}]:${c.port}` : `${c.address}:${c.port}`;
  const why = c.announcedBy ? `${c.role} (OTHER-ADDRESS of ${c.announcedBy})` : c.role;
  return `${where} ${c.transport}, ${c.packets} ${c.packets === 1 ? 'packet' : 'packets'}: ${why}${c.confirmed ? '' : ', unconfirmed'}`;
}

/** "not applicable" is not "could not tell": it is printed as itself, uncoloured. */
function answer(a: Answer, c: Colors, fact: Fact): string {
  return a.notApplicable ? 'not applicable' : tri(a.value, c, fact);
}

/** The word coloured by what it means for `fact` (meaning.ts, as the panel): "Carrier-grade NAT: no" is good news, green. */
function tri(v: Tristate, c: Colors, fact: Fact): string {
  const tone = toneOf(fact, v);
  const word = v === 'unknown' ? 'unknown' : v;
  return tone === 'good' ? c.green(word) : tone === 'bad' ? c.red(word) : tone === 'unknown' ? c.yellow(word) : word;
}

type Colors = Record<'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan', (s: string) => string>;
const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const colors: Colors = { bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
const id = (s: string): string => s;
const plain: Colors = { bold: id, dim: id, red: id, green: id, yellow: id, cyan: id };
