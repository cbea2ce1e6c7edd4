import { DEFAULT_BUDGET_MS } from '../../../src/engine/defaults';
import { diagnose } from '../../../src/engine/discovery/discover';
import type { Endpoint } from '../../../src/engine/net/udp';
import { startReflector } from '../../../src/engine/server/reflector';
import { Attr, Method, type StunAttribute, decodeMessage, encodeAddress, encodeMessage, encodeXorAddress } from '../../../src/engine/stun';
import type { Report } from '../../../src/report/report';
import { VirtualClock, VirtualNetwork, type NatModel, type VirtualHost } from '../../support/vnet';

/**
 * A world like the default server list, on the virtual network: public servers without RFC 5780
 * (like Google's and Cloudflare's, 10 ms away) next to ones that announce RFC 5780, of which one
 * is down, two lie, and one is real but far away. Used by defaultServers.test.ts and the bench.
 */

export const PLAIN = [
  { address: '198.51.100.10', port: 19302 },
  { address: '198.51.100.11', port: 19302 },
  { address: '198.51.100.12', port: 3478 },
];
/** Announces RFC 5780 in the list, but nothing is there (the server is down). */
export const DEAD = { address: '198.51.100.20', port: 3478 };
/** A real RFC 5780 server, 300 ms away (by default) while the plain ones are 10 ms away. */
export const SLOW = { address: '198.51.100.30', port: 3478 };
export const SLOW_ALT = { address: '198.51.100.31', port: 3479 };
/** OTHER-ADDRESS names a third party that never asked for our packets. */
export const LIAR_THIRD_PARTY = { address: '198.51.100.40', port: 3478 };
export const VICTIM = { address: '192.0.2.99', port: 3479 };
/** Answers on all four addresses, but each answer's RESPONSE-ORIGIN names the primary. */
export const LIAR_ORIGIN = { address: '198.51.100.50', port: 3478 };
export const LIAR_ORIGIN_ALT = { address: '198.51.100.51', port: 3479 };

export const name = (e: Endpoint) => `${e.address}:${e.port}`;

/**
 * A hand-made server: answers Binding requests on `bindings` from where they came in, claims
 * OTHER-ADDRESS `other` and the RESPONSE-ORIGIN `origin` gives, and never honours CHANGE-REQUEST
 * (it stays silent to a request that carries one).
 */
export async function handMadeServer(host: VirtualHost, bindings: readonly Endpoint[], claims: { other: Endpoint; origin?: (on: Endpoint) => Endpoint }): Promise<void> {
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

export interface MixOptions {
  readonly filtering: NatModel['filtering'];
  /** Which of the servers exist (all by default). */
  readonly slowGood?: boolean;
  readonly extra?: (net: VirtualNetwork) => Promise<Endpoint[]>;
  readonly seed?: number;
  /** The round trip to the good RFC 5780 server (default 300 ms; the plain ones are at 10 ms). */
  readonly goodRttMs?: number;
}

/** The client's uplink: 5 ms each way, so the plain servers (no delay of their own) are 10 ms away. */
const CLIENT_LINK_MS = 5;
/** The good server's own link delay, each way, for a round trip of `rtt` from the client. */
const goodLink = (rtt: number) => ({ delayMs: Math.max(0, rtt / 2 - CLIENT_LINK_MS) });

export async function defaultsLikeMix(options: MixOptions): Promise<{ report: Report; sentTo: Map<string, number> }> {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: options.seed ?? 11 });
  const nat = net.addNat({ publicAddresses: ['203.0.113.5'], mapping: 'endpoint-independent', filtering: options.filtering }, { link: { delayMs: CLIENT_LINK_MS } });
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
    const slow = net.addHost({ addresses: [SLOW.address, SLOW_ALT.address], link: goodLink(options.goodRttMs ?? 300) });
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
export async function goodOnly(filtering: NatModel['filtering'], goodRttMs = 300): Promise<Report> {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 11 });
  const nat = net.addNat({ publicAddresses: ['203.0.113.5'], mapping: 'endpoint-independent', filtering }, { link: { delayMs: CLIENT_LINK_MS } });
  const client = net.addHost({ addresses: ['192.168.1.2'], behind: nat });
  for (const [i, p] of PLAIN.entries()) await startReflector({ factory: net.addHost({ addresses: [p.address] }), primary: p, software: `plain-${i}`, clock });
  const slow = net.addHost({ addresses: [SLOW.address, SLOW_ALT.address], link: goodLink(goodRttMs) });
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
