// Truth first: every verdict and recommendation sentence is checked against the evidence of the
// report it comes from. One row per verdict path (UDP × NAT × mapping × filtering × CGNAT, as far
// as they change a sentence): which sentence must appear, and which claims no sentence may make
// when the evidence does not show them ("could not tell" must never read as a fact).
import assert from 'node:assert/strict';
import { deriveNatType } from '../../../src/engine/discovery/classify';
import { recommend } from '../../../src/engine/discovery/recommend';
import { verdictLine } from '../../../src/report/renderText';
import type { Behaviour, BehaviourVerdict, Report, Tristate } from '../../../src/report/report';
import { verdictWords } from '../../../src/webview/verdictWords';
import { makeWorld } from './world';

type Filtering = Behaviour | 'unknown';
interface Path {
  readonly udp: Tristate;
  /** 'none' = no NAT; 'unknown-varies' = unknown, but the mapping was seen to change. */
  readonly mapping: Behaviour | 'none' | 'unknown' | 'unknown-varies';
  readonly filtering: Filtering;
  readonly cgnat: Tristate;
  /** A sentence (regex) that must appear in the report's sentences. */
  readonly must: RegExp;
}

const verdict = (value: BehaviourVerdict['value'], reason: string): BehaviourVerdict => ({ value, reason, evidence: [] });

function reportFor(base: Report, p: Path): Report {
  const mapping =
    p.mapping === 'unknown-varies'
      ? verdict('unknown', 'the mapping changes with the destination (not endpoint-independent, so symmetric NAT), but telling the kinds apart needs more')
      : verdict(p.mapping, p.mapping === 'unknown' ? 'only one server address answered, and comparing mappings needs two' : `measured ${p.mapping}`);
  const filtering = verdict(p.filtering, p.filtering === 'unknown' ? 'no RFC 5780 server was available' : `measured ${p.filtering}`);
  const udpReason = p.udp === 'yes' ? 'servers answered' : p.udp === 'no' ? 'no server answered' : 'no server address could be resolved';
  const r: Report = {
    ...base,
    udp: p.udp,
    udpReason,
    mapping,
    filtering,
    natType: deriveNatType(p.udp, mapping, filtering),
    cgnat: { ...base.cgnat, value: p.cgnat, reason: `cgnat ${p.cgnat}`, evidence: [] },
    doubleNat: undefined,
    publicEndpoints: p.udp === 'yes' ? base.publicEndpoints : [],
    ports: undefined,
    mappingLifetime: undefined,
    hairpinning: undefined,
    turn: undefined,
  };
  return { ...r, recommendations: recommend(r) };
}

/** Everything the report says in words: the CLI's verdict line, the panel's verdict, every recommendation. */
function sentences(r: Report): string[] {
  const w = verdictWords(r);
  return [verdictLine(r), w.headline, ...w.sentences, ...r.recommendations.map((x) => x.text)];
}

/** Claims and the evidence each needs. */
const CLAIMS: { readonly claim: RegExp; readonly needs: (p: Path) => boolean; readonly what: string }[] = [
  { claim: /(?<!whether )a firewall (filters|drops)/i, needs: (p) => p.filtering === 'address-dependent' || p.filtering === 'address-and-port-dependent', what: 'a firewall filters' },
  { claim: /no inbound filter|nothing filters|inbound UDP reaches it/i, needs: (p) => p.filtering === 'endpoint-independent', what: 'nothing filters' },
  { claim: /lenient filtering/i, needs: (p) => p.filtering === 'endpoint-independent' || p.filtering === 'address-dependent', what: 'lenient filtering' },
  { claim: /\bNo NAT\b|has a public address/, needs: (p) => p.mapping === 'none', what: 'no NAT' },
  { claim: /behind (?:this|a) NAT|through this NAT|this NAT (?:gives|forgets|drops|does not)/i, needs: (p) => p.mapping !== 'none', what: 'behind a NAT' },
  { claim: /carrier-grade NAT/i, needs: (p) => p.cgnat === 'yes', what: 'carrier-grade NAT' },
  { claim: /UDP is blocked|will not connect from here/i, needs: (p) => p.udp === 'no', what: 'UDP blocked' },
  { claim: /Endpoint-independent mapping/, needs: (p) => p.mapping === 'endpoint-independent', what: 'endpoint-independent mapping' },
  { claim: /its own public port|destination-dependent mapping|Symmetric NAT:|Behind a symmetric NAT/, needs: (p) => p.mapping === 'address-dependent' || p.mapping === 'address-and-port-dependent' || p.mapping === 'unknown-varies', what: 'a mapping per destination' },
];

const PATHS: Path[] = [];
const row = (udp: Tristate, mapping: Path['mapping'], filtering: Filtering, cgnat: Tristate, must: RegExp) => PATHS.push({ udp, mapping, filtering, cgnat, must });
row('no', 'unknown', 'unknown', 'unknown', /no server answered/);
row('unknown', 'unknown', 'unknown', 'unknown', /Could not test UDP|could not be tested/);
// No NAT: the filtering decides the sentence; unknown filtering must stay unknown.
row('yes', 'none', 'endpoint-independent', 'no', /No NAT and no inbound filter/);
row('yes', 'none', 'address-dependent', 'no', /No NAT here, but a firewall filters inbound UDP/);
row('yes', 'none', 'address-and-port-dependent', 'no', /No NAT here, but a firewall filters inbound UDP/);
row('yes', 'none', 'unknown', 'no', /whether a firewall filters inbound UDP (?:could not be told|is unknown|was not measured)/);
row('yes', 'none', 'unknown', 'unknown', /whether a firewall filters inbound UDP (?:could not be told|is unknown|was not measured)/);
// Behind a NAT: mapping × filtering.
for (const filtering of ['endpoint-independent', 'address-dependent', 'address-and-port-dependent', 'unknown'] as const) {
  row('yes', 'endpoint-independent', filtering, 'no', /PersistentKeepalive = 25 on peers behind this NAT/);
  row('yes', 'address-and-port-dependent', filtering, 'no', /its own public port/);
  row('yes', 'address-dependent', filtering, 'no', /its own public port/);
}
row('yes', 'unknown', 'unknown', 'no', /NAT type unknown|not fully known/);
row('yes', 'unknown-varies', 'unknown', 'no', /its own public port/);
// CGNAT: said only when shown.
for (const cgnat of ['yes', 'no', 'unknown'] as const) row('yes', 'endpoint-independent', 'address-and-port-dependent', cgnat, cgnat === 'yes' ? /carrier-grade NAT/ : /Port-restricted/);

describe('truth first: every verdict path says what its evidence shows, and nothing more', () => {
  let behind: Report;
  let direct: Report;
  before(async () => {
    behind = await (await makeWorld({})).run();
    direct = await (await makeWorld({ publicClient: '203.0.113.9' })).run();
  });

  for (const p of PATHS) {
    it(`udp ${p.udp}, mapping ${p.mapping}, filtering ${p.filtering}, CGNAT ${p.cgnat}`, () => {
      const r = reportFor(p.mapping === 'none' ? direct : behind, p);
      const said = sentences(r);
      assert.ok(said.some((s) => p.must.test(s)), `expected ${p.must} in:\n${said.join('\n')}`);
      for (const c of CLAIMS) {
        if (c.needs(p)) continue;
        const wrong = said.filter((s) => c.claim.test(s));
        assert.deepEqual(wrong, [], `claims "${c.what}" without evidence`);
      }
    });
  }

  it('a TURN refusal points at the credentials only when the server said they are wrong (401, 441)', () => {
    const turn = (error: string): Report => {
      const r: Report = { ...behind, turn: { ...(behind.turn ?? {}), value: 'no', error } as Report['turn'] };
      return { ...r, recommendations: recommend(r) };
    };
    const advice = (r: Report) => r.recommendations.find((x) => x.id === 'turn-failed')?.text ?? '';
    assert.match(advice(turn('401 Unauthorized from the TURN server')), /user name and password/);
    assert.match(advice(turn('441 Wrong Credentials from the TURN server')), /user name and password/);
    for (const e of ['508 Insufficient Capacity from the TURN server: it has no relay port left', '486 Allocation Quota Reached from the TURN server', '437 Allocation Mismatch from the TURN server']) {
      assert.match(advice(turn(e)), new RegExp(e.slice(0, 3)));
      assert.doesNotMatch(advice(turn(e)), /password/, e);
    }
  });
});
