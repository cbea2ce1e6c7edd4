// The report panel's pure parts: the drawn path's hops and the verdict in words. Every state is
// yes / no / could-not-tell: a hop the probe could not confirm is drawn as "?", never as certain.
import assert from 'node:assert/strict';
import type { Report } from '../../../src/report/report';
import { pathModel } from '../../../src/webview/pathModel';
import { verdictWords } from '../../../src/webview/verdictWords';

const BASE: Report = {
  schemaVersion: 1,
  tool: { name: 'natprobe', version: '0.1.0' },
  startedAt: '2024-01-01T00:00:00.000Z',
  durationMs: 1200,
  servers: [
    { host: 'a.example', port: 3478, address: '198.51.100.1', rttMs: 12.5, rfc5780: 'yes', otherAddress: '198.51.100.2:3479' },
    { host: 'b.example', port: 3478, address: null, rttMs: null, rfc5780: 'unknown', otherAddress: null, error: 'no such host' },
    { host: 'c.example', port: 19302, address: '192.0.2.9', rttMs: null, rfc5780: 'unknown', otherAddress: null },
  ],
  udp: 'yes',
  udpReason: 'answered',
  localAddresses: ['192.168.1.2', '10.0.0.5', 'fd00::5'],
  publicEndpoints: [
    { family: 'IPv4', address: '203.0.113.7', port: 40000, server: 'a.example:3478' },
    { family: 'IPv6', address: '2001:db8::7', port: 40000, server: 'a.example:3478' },
  ],
  mapping: { value: 'endpoint-independent', reason: 'same port', evidence: [] },
  filtering: { value: 'address-and-port-dependent', reason: 'dropped', evidence: [] },
  portPreservation: { value: 'yes', reason: 'kept' },
  natType: { value: 'port-restricted-cone', reason: 'EIM + APDF' },
  cgnat: { value: 'no', reason: 'public address', evidence: [], excludedInterfaces: [] },
  recommendations: [],
  ignoredPackets: { wrongTransaction: 0, unexpectedSource: 0, malformed: 0 },
};

const kinds = (r: Report) => pathModel(r).hops.map((h) => `${h.kind}${h.unknown ? '?' : ''}`);

describe('report panel: the drawn path', () => {
  it('behind a home NAT: machine → router → internet, with the addresses on it', () => {
    const m = pathModel(BASE);
    assert.deepEqual(kinds(BASE), ['machine', 'nat', 'internet']);
    assert.deepEqual(m.hops[0].lines.map((l) => l.text), ['192.168.1.2', '+2 more']);
    assert.deepEqual(m.hops[2].lines.map((l) => l.text), ['you appear as', '203.0.113.7:40000', '[2001:db8::7]:40000']);
    assert.deepEqual(m.hops[2].lines.map((l) => l.mono), [false, true, true]);
    assert.equal(m.blocked, false);
  });

  it('the carrier NAT hop only when CGNAT is yes; a "?" hop when it could not be told', () => {
    assert.deepEqual(kinds({ ...BASE, cgnat: { ...BASE.cgnat, value: 'yes' } }), ['machine', 'nat', 'cgnat', 'internet']);
    assert.deepEqual(kinds({ ...BASE, cgnat: { ...BASE.cgnat, value: 'unknown' } }), ['machine', 'nat', 'cgnat?', 'internet']);
  });

  it('a double NAT without CGNAT is its own hop; with CGNAT the carrier NAT is that second NAT', () => {
    assert.deepEqual(kinds({ ...BASE, doubleNat: { value: 'yes', reason: 'router has 10.1.1.2' } }), ['machine', 'nat', 'second-nat', 'internet']);
    assert.deepEqual(kinds({ ...BASE, cgnat: { ...BASE.cgnat, value: 'yes' }, doubleNat: { value: 'yes', reason: 'x' } }), ['machine', 'nat', 'cgnat', 'internet']);
  });

  it('no NAT: no router; a filtering firewall is drawn; no "?" carrier hop without a NAT', () => {
    const open: Report = { ...BASE, mapping: { ...BASE.mapping, value: 'none' }, filtering: { ...BASE.filtering, value: 'endpoint-independent' }, natType: { value: 'open-internet', reason: '' }, cgnat: { ...BASE.cgnat, value: 'unknown' } };
    assert.deepEqual(kinds(open), ['machine', 'internet']);
    assert.deepEqual(kinds({ ...open, natType: { value: 'symmetric-udp-firewall', reason: '' } }), ['machine', 'firewall', 'internet']);
  });

  it('UDP blocked: the first link is cut and the NAT is "?"', () => {
    const blocked: Report = { ...BASE, udp: 'no', mapping: { ...BASE.mapping, value: 'unknown' }, natType: { value: 'udp-blocked', reason: '' }, publicEndpoints: [], cgnat: { ...BASE.cgnat, value: 'unknown' } };
    const m = pathModel(blocked);
    assert.equal(m.blocked, true);
    assert.deepEqual(kinds(blocked), ['machine', 'nat?', 'cgnat?', 'internet']);
    assert.deepEqual(m.hops[3].lines.map((l) => l.text), ['public address unknown']);
    assert.match(m.description, /UDP blocked/);
  });

  it('servers with their round-trip time, "no answer" or "not resolved"', () => {
    assert.deepEqual(
      pathModel(BASE).servers.map((s) => [s.label, s.detail, s.answered]),
      [
        ['a.example:3478', '12.5 ms', true],
        ['b.example:3478', 'not resolved', false],
        ['c.example:19302', 'no answer', false],
      ],
    );
  });

  it('describes the whole path in one sentence for screen readers', () => {
    assert.equal(
      pathModel(BASE).description,
      'This machine: 192.168.1.2, +2 more → Your router (NAT): endpoint-independent mapping → Internet: you appear as 203.0.113.7:40000, [2001:db8::7]:40000 → 3 servers: a.example:3478 12.5 ms; b.example:3478 not resolved; c.example:19302 no answer.',
    );
  });
});

describe('report panel: the verdict in words', () => {
  it('per NAT type, with CGNAT and double NAT added', () => {
    assert.equal(verdictWords(BASE).headline, 'Behind a port-restricted cone NAT');
    const cg = verdictWords({ ...BASE, cgnat: { ...BASE.cgnat, value: 'yes' } });
    assert.match(cg.sentences.join(' '), /carrier-grade NAT/);
    assert.match(verdictWords({ ...BASE, doubleNat: { value: 'yes', reason: '' } }).sentences.join(' '), /second NAT/);
  });

  it('says what is known when the NAT type is not, and leaves the reasons to the results below (said once)', () => {
    const w = verdictWords({ ...BASE, natType: { value: 'unknown', reason: 'filtering unknown' }, filtering: { ...BASE.filtering, value: 'unknown', reason: 'no server answers from a second address' } });
    assert.equal(w.headline, 'Behind a NAT');
    assert.deepEqual(w.sentences, ['Its mapping is endpoint-independent (the same public address and port for every destination); its filtering was not measured.']);
    const u = verdictWords({ ...BASE, udp: 'unknown', udpReason: 'no server could be resolved', natType: { value: 'unknown', reason: 'x' } });
    assert.deepEqual(u, { headline: 'UDP could not be tested', sentences: [] });
  });

  it('never prints a raw value for could-not-tell', () => {
    for (const natType of ['open-internet', 'full-cone', 'restricted-cone', 'port-restricted-cone', 'symmetric', 'symmetric-udp-firewall', 'udp-blocked', 'unknown'] as const) {
      for (const udp of ['yes', 'no', 'unknown'] as const) {
        const w = verdictWords({ ...BASE, udp, natType: { value: natType, reason: 'r' } });
        const text = [w.headline, ...w.sentences].join(' ');
        assert.doesNotMatch(text, /\b(false|true|undefined|null|NaN)\b/, text);
        assert.ok(w.headline.length > 0 && w.sentences.every((s) => s.length > 0), `${natType}/${udp}: ${JSON.stringify(w)}`);
      }
    }
  });
});
