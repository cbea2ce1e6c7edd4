import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Translate, compareReports, english } from '../../src/engine/compare';
import { redactReport } from '../../src/report/redact';
import type { Report } from '../../src/report/report';
import { endpointKey } from '../../src/engine/net/udp';
import { fakeTcp } from '../support/fakeTcp';
import { PRIMARY, makeWorld } from './discovery/world';

type Kind = 'full-cone' | 'restricted' | 'port-restricted' | 'symmetric' | 'symmetric-sequential' | 'open' | 'blocked';

let counter = 10;
/** A real report: a diagnosis on the virtual network behind the NAT of that kind. */
async function reportFor(kind: Kind): Promise<Report> {
  const publicAddresses = [`203.0.113.${counter++}`];
  const nat =
    kind === 'full-cone'
      ? { mapping: 'endpoint-independent', filtering: 'endpoint-independent' }
      : kind === 'restricted'
        ? { mapping: 'endpoint-independent', filtering: 'address-dependent' }
        : kind === 'port-restricted'
          ? { mapping: 'endpoint-independent', filtering: 'address-and-port-dependent' }
          : kind === 'symmetric'
            ? // Random ports: a NAT that keeps the local port and takes the next free one counts up.
              { mapping: 'address-and-port-dependent', filtering: 'address-and-port-dependent', portPreservation: false }
            : kind === 'symmetric-sequential'
              ? { mapping: 'address-and-port-dependent', filtering: 'address-and-port-dependent', portPreservation: false, portAllocation: 'sequential' }
              : { blockUdp: true };
  const world = kind === 'open' ? await makeWorld({ publicClient: `203.0.113.${counter++}` }) : await makeWorld({ nat: { ...nat, publicAddresses } as never });
  // Blocked needs evidence: the server's host answers over TCP while UDP is dropped.
  return world.run({ budgetMs: 1500, ...(kind === 'blocked' ? { tcp: fakeTcp(world.clock, { [endpointKey(PRIMARY)]: 'refused' }) } : {}) });
}

// Hole punching outcomes (RFC 5128 §3.3, RFC 4787 §4-5): rows and columns are the two ends. A
// symmetric NAT that counts its ports up is predictable (port prediction, as natprobe punch does
// and the punch lab proves): yes against any filter, and against its like; never against random ports.
const EXPECTED: Record<Kind, Partial<Record<Kind, 'yes' | 'no'>>> = {
  'full-cone': { 'full-cone': 'yes', restricted: 'yes', 'port-restricted': 'yes', symmetric: 'yes', 'symmetric-sequential': 'yes', open: 'yes', blocked: 'no' },
  restricted: { restricted: 'yes', 'port-restricted': 'yes', symmetric: 'yes', 'symmetric-sequential': 'yes', open: 'yes', blocked: 'no' },
  'port-restricted': { 'port-restricted': 'yes', symmetric: 'no', 'symmetric-sequential': 'yes', open: 'yes', blocked: 'no' },
  symmetric: { symmetric: 'no', 'symmetric-sequential': 'no', open: 'yes', blocked: 'no' },
  'symmetric-sequential': { 'symmetric-sequential': 'yes', open: 'yes', blocked: 'no' },
  open: { open: 'yes', blocked: 'no' },
  blocked: { blocked: 'no' },
};

describe('natprobe compare: direct or relayed, from two reports', () => {
  const reports = new Map<Kind, Report>();
  // A second report of each kind, from another public address, for the diagonal.
  const twins = new Map<Kind, Report>();
  before(async () => {
    for (const k of Object.keys(EXPECTED) as Kind[]) {
      reports.set(k, await reportFor(k));
      twins.set(k, await reportFor(k));
    }
  });
  for (const [a, row] of Object.entries(EXPECTED) as [Kind, Partial<Record<Kind, 'yes' | 'no'>>][]) {
    for (const [b, expected] of Object.entries(row) as [Kind, 'yes' | 'no'][]) {
      it(`${a} ↔ ${b}: ${expected}`, () => {
        const other = a === b ? twins.get(b)! : reports.get(b)!;
        const ab = compareReports(reports.get(a)!, other);
        const ba = compareReports(other, reports.get(a)!);
        assert.equal(ab.direct, expected, ab.reason);
        assert.equal(ba.direct, expected, 'the verdict does not depend on the order');
        assert.ok(ab.reason.length > 20);
      });
    }
  }
  describe('a symmetric NAT that counts its ports up (diagnose: sequentialPorts)', () => {
    it('the diagnosis on the virtual network tells the two symmetric NATs apart', () => {
      const seq = reports.get('symmetric-sequential')!.sequentialPorts!;
      assert.equal(seq.value, 'yes', seq.reason);
      assert.equal(seq.stride, 1);
      assert.equal(reports.get('symmetric')!.sequentialPorts!.value, 'no', reports.get('symmetric')!.sequentialPorts!.reason);
      assert.equal(reports.get('port-restricted')!.sequentialPorts!.notApplicable, true);
    });

    it('port-restricted ↔ counting up: yes, and the reason names port prediction and says ordinary hole punching would not do it', () => {
      const v = compareReports(reports.get('port-restricted')!, reports.get('symmetric-sequential')!);
      assert.equal(v.direct, 'yes');
      assert.match(v.reason, /counts its ports up \(by 1\)/);
      assert.match(v.reason, /port prediction/);
      assert.match(v.reason, /WireGuard endpoints alone/);
    });

    it('counting up ↔ random ports: no, and the reason says why the sequential side cannot help', () => {
      const v = compareReports(reports.get('symmetric-sequential')!, reports.get('symmetric')!);
      assert.equal(v.direct, 'no');
      assert.match(v.reason, /^A counts its ports up, but B changes its port per destination at random/);
      assert.match(v.reason, /admits only the exact port it sent to/);
    });

    it('a report that predates the test (no sequentialPorts) keeps "no", and the reason says what was not known', () => {
      const { sequentialPorts: _gone, ...old } = reports.get('symmetric-sequential')!;
      const v = compareReports(reports.get('port-restricted')!, old as Report);
      assert.equal(v.direct, 'no');
      assert.match(v.reason, /only the many-sockets method/);
      assert.match(v.reason, /whether B’s NAT counts its ports up, which would let port prediction through, is not known: the report predates that test/);
      const both = compareReports(old as Report, twins.get('symmetric-sequential')!);
      assert.equal(both.direct, 'no', 'one end counting up is not enough when the other is not known to');
      assert.match(both.reason, /in a way not known to be predictable/);
    });

    it('a hostile report claiming "yes" with a step punch would not predict with (0, 1000, null) is taken as not known', () => {
      const r = reports.get('symmetric-sequential')!;
      for (const stride of [0, 1000, null, 1.5]) {
        const forged: Report = { ...r, sequentialPorts: { value: 'yes', reason: 'forged', stride } };
        const v = compareReports(reports.get('port-restricted')!, forged);
        assert.equal(v.direct, 'no', `stride ${stride}`);
        assert.match(v.reason, /is not known: forged/);
      }
    });
  });

  it('both ends behind the same public address: it depends on hairpinning', async () => {
    const r = reports.get('port-restricted')!;
    assert.equal(compareReports(r, r).direct, 'unknown');
    assert.match(compareReports(r, r).reason, /hairpin/);
    const withHairpin: Report = { ...r, hairpinning: { value: 'yes', reason: 'measured' } };
    assert.equal(compareReports(withHairpin, withHairpin).direct, 'yes');
    const without: Report = { ...r, hairpinning: { value: 'no', reason: 'measured' } };
    assert.equal(compareReports(without, without).direct, 'no');
  });

  it('exported (redacted) reports: two "<public address 1>" labels are not taken for one shared address, and the reason says what could not be checked', () => {
    const a = redactReport(reports.get('port-restricted')!);
    const b = redactReport(twins.get('port-restricted')!);
    assert.equal(a.publicEndpoints[0].address, b.publicEndpoints[0].address, 'both carry the same label');
    const v = compareReports(a, b);
    assert.equal(v.direct, 'yes', v.reason);
    assert.match(v.reason, /redacted/);
    assert.doesNotMatch(compareReports(reports.get('port-restricted')!, twins.get('port-restricted')!).reason, /redacted/);
  });

  describe('wording goes through the translator the caller passes (vscode.l10n.t in the extension)', () => {
    const bundle = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
    /** A translator that marks what it translated and refuses messages the l10n bundle lacks. */
    const seen: string[] = [];
    const marked: Translate = (message, ...args) => {
      seen.push(message);
      assert.ok(message in bundle, `not in l10n/bundle.l10n.json: ${message}`);
      return `«${english(message, ...args)}»`;
    };

    it('every reason of every pair of kinds is one translated message', () => {
      for (const [a, x] of reports) {
        for (const [b, y] of twins) {
          const plain = compareReports(x, y);
          const translated = compareReports(x, y, marked);
          assert.equal(translated.direct, plain.direct, `${a} ↔ ${b}`);
          assert.match(translated.reason, /^«.*»$/, `${a} ↔ ${b}: ${translated.reason}`);
          assert.equal(translated.reason.replace(/[«»]/g, ''), plain.reason, 'same text once the marks are gone');
        }
      }
      const redacted = compareReports(redactReport(reports.get('symmetric')!), redactReport(twins.get('port-restricted')!), marked);
      assert.match(redacted.reason, /^«.*«.*»/, 'the redaction note wraps the translated reason');
    });

    it('English by default: {0} placeholders filled, a missing argument left as written', () => {
      assert.equal(english("{0}'s port changes, {1} and {0}", 'A', 'B'), "A's port changes, B and A");
      assert.equal(english('{0} and {1}', 'A'), 'A and {1}');
    });
  });
});
