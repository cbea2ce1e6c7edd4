// "Compare two reports" in words: the verdict as a headline, each end's NAT in plain words, dates
// a person reads, and a file that is not a report named for what it is.
import assert from 'node:assert/strict';
import { compareReports } from '../../../src/engine/compare';
import { ENGLISH_COMPARISON, guessNotAReport, renderComparison, utcDate } from '../../../src/report/renderComparison';
import type { Report } from '../../../src/report/report';

const BASE: Report = {
  schemaVersion: 1,
  tool: { name: 'natprobe', version: '0.1.0' },
  startedAt: '2026-12-02T15:49:07.123Z',
  durationMs: 1200,
  servers: [],
  udp: 'yes',
  udpReason: 'answered',
  localAddresses: ['192.168.1.2'],
  publicEndpoints: [{ family: 'IPv4', address: '203.0.113.7', port: 40000, server: 'a.example:3478' }],
  mapping: { value: 'endpoint-independent', reason: 'same port', evidence: [] },
  filtering: { value: 'address-and-port-dependent', reason: 'dropped', evidence: [] },
  portPreservation: { value: 'yes', reason: 'kept' },
  natType: { value: 'port-restricted-cone', reason: 'EIM + APDF' },
  cgnat: { value: 'no', reason: 'public address', evidence: [], excludedInterfaces: [] },
  recommendations: [],
  ignoredPackets: { wrongTransaction: 0, unexpectedSource: 0, malformed: 0 },
};

const PEER: Report = {
  ...BASE,
  startedAt: '2026-11-30T08:05:00Z',
  publicEndpoints: [{ family: 'IPv4', address: '198.51.100.9', port: 5000, server: 'a.example:3478' }],
  mapping: { value: 'address-and-port-dependent', reason: 'new port per destination', evidence: [] },
  natType: { value: 'symmetric', reason: 'APDM' },
  cgnat: { value: 'yes', reason: 'in 100.64.0.0/10', evidence: [], excludedInterfaces: [] },
};

describe('Compare two reports, in words', () => {
  const sides = [
    { label: 'this machine (last report)', report: BASE },
    { label: 'phone.json', report: PEER },
  ];

  it('a headline in words, not "Direct connection: yes: they can connect directly"', () => {
    const md = renderComparison(sides, compareReports(BASE, PEER));
    const first = md.split('\n')[0];
    assert.equal(first, '# Traffic between them must be relayed');
    assert.doesNotMatch(md, /Direct connection: (yes|no|unknown)/);
    assert.equal(renderComparison(sides, { direct: 'yes', reason: 'x' }).split('\n')[0], '# They can connect directly');
    assert.equal(renderComparison(sides, { direct: 'unknown', reason: 'x' }).split('\n')[0], '# Whether they can connect directly could not be told');
  });

  it('the best relay for the pair under the reason, translated with the rest, its URL escaped', () => {
    const relay = (url: string, rttMs: number) => [{ url, value: 'yes' as const, relayedAddress: '198.51.100.1:49152', rttMs, error: null, released: true }];
    const a: Report = { ...BASE, turnServers: [...relay('turn:relay.example:3478', 30), ...relay('turn:[evil](http://x.example)', 5)] };
    const b: Report = { ...PEER, turnServers: [...relay('turn:relay.example:3478', 20), ...relay('turn:[evil](http://x.example)', 90)] };
    const md = renderComparison(sides, compareReports(a, b));
    assert.match(md, /\n\*\*Best relay for this pair:\*\* turn:relay\.example:3478: The lowest sum of both ends' RTTs to a relay both could allocate on: 30 ms from A \+ 20 ms from B = 50 ms\.\n/);
    // The same words through a translator (the extension passes vscode.l10n.t).
    const de = (m: string, ...args: (string | number)[]) => (m.startsWith('the lowest sum') ? `Summe ${args[2]} ms` : m.replace(/\{(\d+)\}/g, (_x, i: string) => String(args[Number(i)])));
    const md2 = renderComparison(sides, compareReports(a, b, de), utcDate, { ...ENGLISH_COMPARISON, bestRelay: 'Bestes Relay' });
    assert.match(md2, /\*\*Bestes Relay:\*\* turn:relay\.example:3478: Summe 50 ms\./);
    // A direct verdict names no relay.
    assert.doesNotMatch(renderComparison(sides, { direct: 'yes', reason: 'x' }), /Best relay/);
    // A hostile URL cannot make a link: its brackets are escaped.
    const c: Report = { ...a, turnServers: relay('turn:[evil](http://x.example)', 5) };
    const d: Report = { ...b, turnServers: relay('turn:[evil](http://x.example)', 5) };
    const hostile = renderComparison(sides, compareReports(c, d));
    assert.match(hostile, /turn:\\\[evil\\\]\(http/);
    assert.doesNotMatch(hostile, /[^\\]\]\(http/);
  });

  it('the reason as a sentence; each end in words, no raw enum values', () => {
    const md = renderComparison(sides, compareReports(BASE, PEER));
    assert.match(md, /\n[A-Z][^\n]*relayed[^\n]*\.\n/);
    assert.match(md, /\| NAT \| port-restricted cone NAT \| symmetric NAT \|/);
    assert.match(md, /\| Public port \| the same public port for every peer \| a new public port per peer address and port \|/);
    assert.match(md, /\| Behind carrier-grade NAT \| no \| yes \|/);
    assert.match(md, /\| Hairpinning \| not measured \| not measured \|/);
    const table = md.split('\n').filter((l) => l.startsWith('| '));
    assert.equal(table[0], '| | A: this machine (last report) | B: phone.json |', 'the reason names the ends A and B');
    for (const line of table) assert.doesNotMatch(line, /endpoint-independent|address-and-port-dependent|port-restricted-cone/);
  });

  it('dates a person reads, not ISO timestamps; the caller can give the locale', () => {
    const md = renderComparison(sides, compareReports(BASE, PEER));
    assert.match(md, /\| Measured \| 2 Dec 2026, 15:49 UTC \| 30 Nov 2026, 08:05 UTC \|/);
    assert.doesNotMatch(md, /2026-12-02T/);
    assert.equal(utcDate('not a date'), 'an unreadable date');
    const custom = renderComparison(sides, compareReports(BASE, PEER), (iso) => `on ${iso.slice(0, 4)}`);
    assert.match(custom, /\| Measured \| on 2026 \| on 2026 \|/);
  });

  it('a label from a file cannot add Markdown (attack: a file named like a link)', () => {
    const md = renderComparison([{ label: '[x](http://evil)', report: BASE }, sides[1]], compareReports(BASE, PEER));
    assert.ok(md.includes('\\[x\\](http://evil)'), md);
  });
});

describe('Compare: a file that is not a report says what it is', () => {
  it('a WireGuard config, an OpenVPN config, the Markdown export', () => {
    assert.equal(guessNotAReport('[Interface]\nPrivateKey = abc\n'), 'wireguard');
    assert.equal(guessNotAReport('# laptop\n\n[Peer]\nPublicKey = x\n'), 'wireguard');
    assert.equal(guessNotAReport('client\ndev tun\nremote vpn.example.com 1194\n'), 'openvpn');
    assert.equal(guessNotAReport('# NAT Probe report\n\n**No NAT**\n'), 'markdown-export');
  });

  it('JSON of another kind or unknown text: no guess', () => {
    assert.equal(guessNotAReport('{"schemaVersion": 7}'), undefined);
    assert.equal(guessNotAReport('hello'), undefined);
    assert.equal(guessNotAReport(''), undefined);
  });
});

describe('Compare two reports: the words come from the caller (the display language)', () => {
  it('every word of the document is the caller’s: a translated headline, rows and values', () => {
    const words = { ...ENGLISH_COMPARISON, headline: { yes: 'Direkt verbindbar', no: 'Nur über Relay', unknown: 'Unklar' }, rows: { ...ENGLISH_COMPARISON.rows, nat: 'NAT-Typ' }, yesNo: { yes: 'ja', no: 'nein', unknown: 'unklar' } };
    const md = renderComparison([{ label: 'a.json', report: BASE }, { label: 'b.json', report: PEER }], compareReports(BASE, PEER), utcDate, words);
    assert.equal(md.split('\n')[0], '# Nur über Relay');
    assert.match(md, /\| NAT-Typ \| port-restricted cone NAT \| symmetric NAT \|/);
    assert.match(md, /\| Behind carrier-grade NAT \| nein \| ja \|/);
  });
});
