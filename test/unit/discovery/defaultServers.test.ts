import assert from 'node:assert/strict';
import { DEFAULT_BUDGET_MS } from '../../../src/engine/defaults';
import { diagnose } from '../../../src/engine/discovery/discover';
import type { Endpoint } from '../../../src/engine/net/udp';
import { startReflector } from '../../../src/engine/server/reflector';
import { Attr, Method, type StunAttribute, decodeMessage, encodeAddress, encodeMessage, encodeXorAddress } from '../../../src/engine/stun';
import type { Behaviour, Report } from '../../../src/report/report';
import { VirtualClock, VirtualNetwork, type NatModel, type VirtualHost } from '../../support/vnet';

/**
 * The default server list on the virtual network: public servers without RFC 5780 (like
 * Google's and Cloudflare's) next to ones that announce RFC 5780, of which some are down,
 * slow, or lying. The filtering verdict must come from the one that passes the RFC 5780 checks,
 * within the budget, and the report must name it.
 */

const PLAIN = [
  { address: '198.51.100.10', port: 19302 },
  { address: '198.51.100.11', port: 19302 },
  { address: '198.51.100.12', port: 3478 },
];
/** Announces RFC 5780 in the list, but nothing is there (the server is down). */
const DEAD = { address: '198.51.100.20', port: 3478 };
/** A real RFC 5780 server, 300 ms away while the plain ones are 10 ms away. */
const SLOW = { address: '198.51.100.30', port: 3478 };
const SLOW_ALT = { address: '198.51.100.31', port: 3479 };
/** OTHER-ADDRESS names a third party that never asked for our packets. */
const LIAR_THIRD_PARTY = { address: '198.51.100.40', port: 3478 };
const VICTIM = { address: '192.0.2.99', port: 3479 };
/** Answers on all four addresses, but each answer's RESPONSE-ORIGIN names the primary. */
const LIAR_ORIGIN = { address: '198.51.100.50', port: 3478 };
const LIAR_ORIGIN_ALT = { address: '198.51.100.51', port: 3479 };

const name = (e: Endpoint) => `${e.address}:${e.port}`;

/**
 * A hand-made server: answers Binding requests on `bindings` from where they came in, claims
 * OTHER-ADDRESS `other` and the RESPONSE-ORIGIN `origin` gives, and never honours CHANGE-REQUEST
 * (it stays silent to a request that carries one).
 */
async function handMadeServer(host: VirtualHost, bindings: readonly Endpoint[], claims: { other: Endpoint; origin?: (on: Endpoint) => Endpoint }): Promise<void> {
  for (const at of bindings) {
    const s = await host.bind({ family: 4, address: at.address, port: at.port });
    s.onMessage((data, from) => {
      const d = decodeMessage(data);
      if (!d.ok || d.value.cls !== 'request') return;
      if (d.value.attributes.some((a) => a.type === Attr.ChangeRequest)) return;
      const attributes: StunAttribute[] = [
        { type: Attr.XorMappedAddress, value: encodeXorAddress(from, d.value.transactionId) },
        { type: Attr.OtherAddress, value: encodeAddress(claims.other) },
        { type: Attr.ResponseOrigin, value: encodeAddress(claims.origin ? claims.origin(at) : at) },
      ];
      void s.send(encodeMessage({ cls: 'success', method: Method.Binding, transactionId: d.value.transactionId, attributes }), from);
    });
  }
}

const allFour = (primary: Endpoint, alternate: Endpoint): Endpoint[] => [
  primary,
  { address: primary.address, port: alternate.port },
  { address: alternate.address, port: primary.port },
  alternate,
];

interface MixOptions {
  readonly filtering: NatModel['filtering'];
  /** Which of the servers exist (all by default). */
  readonly slowGood?: boolean;
  readonly extra?: (net: VirtualNetwork) => Promise<Endpoint[]>;
  readonly seed?: number;
}

async function defaultsLikeMix(options: MixOptions): Promise<{ report: Report; sentTo: Map<string, number> }> {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: options.seed ?? 11 });
  const nat = net.addNat({ publicAddresses: ['203.0.113.5'], mapping: 'endpoint-independent', filtering: options.filtering }, { link: { delayMs: 5 } });
  const client = net.addHost({ addresses: ['192.168.1.2'], behind: nat });
  for (const [i, p] of PLAIN.entries()) {
    const host = net.addHost({ addresses: [p.address] });
    await startReflector({ factory: host, primary: p, software: `plain-${i}`, clock });
  }
  net.addHost({ addresses: [VICTIM.address] });
  const liar1 = net.addHost({ addresses: [LIAR_THIRD_PARTY.address] });
  await handMadeServer(liar1, [LIAR_THIRD_PARTY, { address: LIAR_THIRD_PARTY.address, port: VICTIM.port }], { other: VICTIM });
  const liar2 = net.addHost({ addresses: [LIAR_ORIGIN.address, LIAR_ORIGIN_ALT.address] });
  await handMadeServer(liar2, allFour(LIAR_ORIGIN, LIAR_ORIGIN_ALT), { other: LIAR_ORIGIN_ALT, origin: () => LIAR_ORIGIN });
  const servers: Endpoint[] = [...PLAIN, DEAD, LIAR_THIRD_PARTY, LIAR_ORIGIN];
  // Extra servers go before the good one, so they are asked (and would be believed) first.
  if (options.extra) servers.push(...(await options.extra(net)));
  if (options.slowGood !== false) {
    const slow = net.addHost({ addresses: [SLOW.address, SLOW_ALT.address], link: { delayMs: 145 } });
    await startReflector({ factory: slow, primary: SLOW, alternate: SLOW_ALT, software: 'slow-rfc5780', clock });
    servers.push(SLOW);
  }
  const sentTo = new Map<string, number>();
  net.onPacket((e) => {
    if (e.kind === 'send' && e.from.address === '192.168.1.2') sentTo.set(name(e.to), (sentTo.get(name(e.to)) ?? 0) + 1);
  });
  const report = await clock.run(
    diagnose({
      servers: servers.map((s) => ({ host: s.address, port: s.port })),
      factory: client,
      clock,
      resolve: async (host) => [{ address: host, family: 4 }],
      interfaces: () => [{ name: 'eth0', address: '192.168.1.2', family: 4, internal: false }],
      budgetMs: DEFAULT_BUDGET_MS,
      version: 'test',
      now: () => new Date(0),
    }),
  );
  return { report, sentTo };
}

/** The same NAT with only the plain servers and the good RFC 5780 one: what the others must not cost. */
async function goodOnly(filtering: NatModel['filtering']): Promise<Report> {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 11 });
  const nat = net.addNat({ publicAddresses: ['203.0.113.5'], mapping: 'endpoint-independent', filtering }, { link: { delayMs: 5 } });
  const client = net.addHost({ addresses: ['192.168.1.2'], behind: nat });
  for (const [i, p] of PLAIN.entries()) await startReflector({ factory: net.addHost({ addresses: [p.address] }), primary: p, software: `plain-${i}`, clock });
  const slow = net.addHost({ addresses: [SLOW.address, SLOW_ALT.address], link: { delayMs: 145 } });
  await startReflector({ factory: slow, primary: SLOW, alternate: SLOW_ALT, software: 'slow-rfc5780', clock });
  return clock.run(
    diagnose({
      servers: [...PLAIN, SLOW].map((s) => ({ host: s.address, port: s.port })),
      factory: client,
      clock,
      resolve: async (host) => [{ address: host, family: 4 }],
      interfaces: () => [{ name: 'eth0', address: '192.168.1.2', family: 4, internal: false }],
      budgetMs: DEFAULT_BUDGET_MS,
      version: 'test',
      now: () => new Date(0),
    }),
  );
}

const server = (report: Report, e: Endpoint) => report.servers.find((s) => s.host === e.address && s.port === e.port)!;

describe('default servers: plain ones, RFC 5780 ones, and some down, slow or lying', () => {
  const cases: [NatModel['filtering'], Behaviour, string][] = [
    ['endpoint-independent', 'endpoint-independent', 'full-cone'],
    ['address-dependent', 'address-dependent', 'restricted-cone'],
    ['address-and-port-dependent', 'address-and-port-dependent', 'port-restricted-cone'],
  ];
  for (const [nat, filtering, natType] of cases) {
    it(`${nat} filtering: the verdict comes from the one server that passes the RFC 5780 checks (300 ms away, last in the list), within the budget, and the report names it`, async () => {
      const { report } = await defaultsLikeMix({ filtering: nat });
      assert.equal(report.filtering.value, filtering, report.filtering.reason);
      assert.equal(report.filtering.server, name(SLOW));
      assert.equal(report.natType.value, natType);
      assert.ok(report.durationMs <= DEFAULT_BUDGET_MS, `${report.durationMs} ms`);
      assert.equal(server(report, SLOW).rfc5780, 'yes');
      for (const p of PLAIN) assert.equal(server(report, p).rfc5780, 'no');
    });
  }

  it('the servers that are down or lying cost no time: the run takes as long as with the good server alone', async () => {
    for (const [nat] of cases) {
      const mix = (await defaultsLikeMix({ filtering: nat })).report;
      const alone = await goodOnly(nat);
      assert.equal(mix.filtering.value, alone.filtering.value);
      assert.ok(mix.durationMs <= alone.durationMs + 20, `${nat}: ${mix.durationMs} ms with them, ${alone.durationMs} ms without`);
    }
  });

  it('each bad server is named with what was wrong with it', async () => {
    const { report } = await defaultsLikeMix({ filtering: 'address-and-port-dependent' });
    assert.equal(server(report, DEAD).rttMs, null);
    assert.equal(server(report, LIAR_THIRD_PARTY).rfc5780 === 'yes', false);
    assert.match(server(report, LIAR_THIRD_PARTY).error ?? '', /does not answer/);
    assert.equal(server(report, LIAR_ORIGIN).rfc5780, 'no');
    assert.match(server(report, LIAR_ORIGIN).error ?? '', /RESPONSE-ORIGIN/);
  });

  // Attack: a server names a third party as its OTHER-ADDRESS, to make every client of the
  // default list send to that party. The third party gets at most the bounded datagrams an
  // unconfirmed address gets (2 per test, 3 tests), listed as an unconfirmed announced alternate.
  it('a third party named as OTHER-ADDRESS gets at most 2 datagrams per test, each listed; nothing undeclared is contacted', async () => {
    const { report, sentTo } = await defaultsLikeMix({ filtering: 'address-and-port-dependent' });
    const toVictim = [...sentTo].filter(([to]) => to.startsWith(`${VICTIM.address}:`));
    assert.ok(toVictim.length > 0, 'the announced alternate was tried');
    for (const [to, n] of toVictim) assert.ok(n <= 2, `${to} got ${n} datagrams`);
    const contacted = report.contacted ?? [];
    assert.ok(!contacted.some((c) => c.role === 'undeclared'), JSON.stringify(contacted));
    for (const [to, n] of sentTo) {
      const c = contacted.find((x) => name(x) === to);
      assert.ok(c, `${to} was sent ${n} datagrams but is not in report.contacted`);
      assert.equal(c.packets, n, to);
    }
    for (const c of contacted.filter((x) => x.address === VICTIM.address)) {
      assert.equal(c.role, 'announced alternate');
      assert.equal(c.confirmed, false);
      assert.equal(c.announcedBy, name(LIAR_THIRD_PARTY));
    }
  });

  // Attack: a server that claims the good server's alternate as its own OTHER-ADDRESS passes the
  // alternate checks (that address really answers, from where we sent), then stays silent to
  // CHANGE-REQUEST so the NAT looks like it filters everything. Its silence is not proof; the
  // good server's changed-source reply that got through is.
  it('a server that borrows another server’s alternate and stays silent to CHANGE-REQUEST cannot make an open NAT look filtered', async () => {
    const HIJACKER = { address: '198.51.100.70', port: SLOW.port };
    for (const [nat, filtering] of cases) {
      const { report } = await defaultsLikeMix({
        filtering: nat,
        extra: async (net) => {
          const h = net.addHost({ addresses: [HIJACKER.address] });
          await handMadeServer(h, [HIJACKER, { address: HIJACKER.address, port: SLOW_ALT.port }], { other: SLOW_ALT });
          return [HIJACKER];
        },
      });
      assert.equal(report.filtering.value, filtering, `${nat}: ${report.filtering.reason}`);
      if (filtering !== 'address-and-port-dependent') assert.equal(report.filtering.server, name(SLOW), nat);
    }
  });

  it('when every RFC 5780 server is down or lying, filtering is unknown with a short reason, and the hint to run natprobe serve is given once', async () => {
    const { report } = await defaultsLikeMix({ filtering: 'address-and-port-dependent', slowGood: false });
    assert.equal(report.filtering.value, 'unknown');
    assert.equal(report.filtering.server, undefined);
    assert.match(report.filtering.reason, /RFC 5780/);
    assert.ok(report.filtering.reason.length <= 160, report.filtering.reason);
    assert.equal(report.mapping.value, 'endpoint-independent', 'the plain servers still give the mapping');
    assert.equal(report.recommendations.filter((r) => r.id === 'filtering-needs-rfc5780-server').length, 1);
    assert.ok(report.durationMs <= DEFAULT_BUDGET_MS, `${report.durationMs} ms`);
  });
});
