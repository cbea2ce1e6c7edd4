/**
 * Hairpinning (RFC 4787 REQ-9, RFC 5780 §4.5): does the NAT loop a packet sent from inside to
 * one of its own public mappings back inside? Opt-in: it sends packets to our own public
 * address, which nothing else in a diagnosis does.
 *
 * Method. Sockets A and B each learn their public mapping A', B' from the server. Then both
 * send STUN Binding requests to the *other's* public mapping, several times over an RTT-sized
 * window. Any one of them arriving (matched by its transaction ID) means the NAT hairpins.
 *
 * Filtering must not be mistaken for "no hairpin": a hairpinned packet reaches A' from B's
 * public endpoint (B', when the NAT translates the source as REQ-9 asks), which an
 * address(-and-port)-dependent filter on A' drops unless A has sent to B' first. Sending both
 * ways does exactly that: A's packet to B' leaves through A' (for an endpoint-independent
 * mapping) and opens A' for B', and B's for A'. So with endpoint-independent mapping (or
 * endpoint-independent filtering) silence means "no hairpin". With endpoint-dependent mapping
 * and filtering, A's packet to B' leaves through another mapping A'' and opens nothing on A';
 * silence then says nothing: 'unknown'. The mapping behaviour is checked here when the server
 * announces an OTHER-ADDRESS (A asks it too and compares its public port), or taken from the
 * caller (the diagnosis already knows it).
 *
 * Where the packets go. A' and B' are only the server's word, and a server that lies can make
 * "our own public address" anyone's. So hairpin packets go only to the public address that two
 * independent witnesses agree on (two configured servers, or a server and the router's
 * NAT-PMP/UPnP external address), which the caller passes in as `agreed`; and never when the
 * server's answers contradict themselves (two sockets "mapped" to one public endpoint, which
 * no NAT can do: a mapping belongs to one internal endpoint, RFC 4787 §4.1).
 */
import type { Answer, Behaviour } from '../../report/report';
import { type Clock, sleep } from '../clock';
import { RttEstimator } from '../client/rtt';
import { type InboundRequest, type Member, StunRouter } from '../client/stunRouter';
import { errorText, hex } from '../describe';
import type { ContactLedger } from '../net/contactLedger';
import { type Endpoint, type Family, type UdpSocketFactory, endpointKey, normaliseAddress, sameEndpoint } from '../net/udp';
import { Method, encodeMessage, newTransactionId, readBindingAnswer } from '../stun';
import { isOwnAddress } from './ownAddress';

export interface HairpinOptions {
  readonly factory: UdpSocketFactory;
  readonly clock: Clock;
  readonly server: Endpoint;
  readonly family: Family;
  readonly signal?: AbortSignal;
  /** Mapping / filtering behaviour from the diagnosis, if known (saves the OTHER-ADDRESS test). */
  readonly mapping?: Behaviour;
  readonly filtering?: Behaviour;
  /**
   * Our public address as two independent witnesses agree on it, or why none could be agreed
   * on. Hairpin packets go nowhere else.
   */
  readonly agreed: { readonly address: string; readonly basis: string } | { readonly problem: string };
  /** Records an announced address the probe asks (the diagnosis's list of contacted addresses). */
  readonly contacts?: ContactLedger;
  readonly log?: (line: string) => void;
}

/** Datagrams to an OTHER-ADDRESS nobody has confirmed (see ARCHITECTURE, invariants). */
const UNCONFIRMED_ATTEMPTS = 2;

export type HairpinResult = Answer;

/** Rounds of hairpin packets (each both ways), spread over the window. */
const ROUNDS = 6;

export async function probeHairpin(opts: HairpinOptions): Promise<HairpinResult> {
  const { clock, server, family } = opts;
  const log = opts.log ?? (() => undefined);
  if (opts.signal?.aborted) return { value: 'unknown', reason: 'cancelled' };
  if ('problem' in opts.agreed) return { value: 'unknown', reason: `no hairpin packet was sent: ${opts.agreed.problem}` };
  const agreed = opts.agreed;
  const router = new StunRouter(clock);
  const est = new RttEstimator();
  const signal = opts.signal;
  try {
    let a: Member;
    let b: Member;
    try {
      a = await router.open(opts.factory, family, 'A');
      b = await router.open(opts.factory, family, 'B');
    } catch (err) {
      return { value: 'unknown', reason: `cannot open a UDP socket: ${errorText(err)}` };
    }
    const firstContact = (start: number) => (): number => (est.measured ? start + Math.max(2000, 2 * est.silenceWindow()) : start + 5000);
    const ask = async (m: Member, to: Endpoint, maxAttempts?: number) => {
      const start = clock.now();
      const r = await router.transact({ from: m, to, giveUpAt: firstContact(start), interval: () => est.probeInterval(), signal, maxAttempts });
      if (!r.ok) return r.reason === 'aborted' ? 'cancelled' : r.detail;
      est.sample(r.delivery.at - r.delivery.sentAt);
      const { mapped, other } = readBindingAnswer(r.delivery.message, r.delivery.from);
      if (!mapped) return `no mapped address in the answer from ${endpointKey(to)}`;
      return { mapped, other };
    };
    const [ra, rb] = await Promise.all([ask(a, server), ask(b, server)]);
    if (ra === 'cancelled' || rb === 'cancelled' || signal?.aborted) return { value: 'unknown', reason: 'cancelled' };
    if (typeof ra === 'string') return { value: 'unknown', reason: `the server did not help: ${ra}` };
    if (typeof rb === 'string') return { value: 'unknown', reason: `the server did not help: ${rb}` };
    const aPublic = ra.mapped;
    const bPublic = rb.mapped;
    log(`hairpin: A ${endpointKey(a.local)} → ${endpointKey(aPublic)}, B ${endpointKey(b.local)} → ${endpointKey(bPublic)}`);
    if (sameEndpoint(aPublic, bPublic)) {
      return {
        value: 'unknown',
        reason:
          `no hairpin packet was sent: the server says two sockets (${endpointKey(a.local)} and ${endpointKey(b.local)}) are both mapped to ${endpointKey(aPublic)}, ` +
          'which no NAT does (a mapping belongs to one socket, RFC 4787 §4.1): its mapped addresses cannot be trusted',
      };
    }

    if (await isOwnAddress(opts.factory, family, aPublic.address)) {
      return {
        value: 'unknown',
        notApplicable: true,
        reason: `the public address ${aPublic.address} is this host's own (no NAT), so there is nothing to hairpin; peers reach it at that address`,
      };
    }

    const contradicted = [aPublic, bPublic].find((p) => normaliseAddress(p.address) !== normaliseAddress(agreed.address));
    if (contradicted) {
      return {
        value: 'unknown',
        reason: `no hairpin packet was sent: the server now says our public address is ${contradicted.address}, but ${agreed.basis}`,
      };
    }

    const learned = await mappingBehaviour(opts, (to, maxAttempts) => ask(a, to, maxAttempts), aPublic, ra.other);
    if (learned === 'cancelled') return { value: 'unknown', reason: 'cancelled' };
    const { mapping, mappingBasis } = learned;
    const filteringOpen = opts.filtering === 'endpoint-independent';

    const exchanged = await exchangeBothWays(router, clock, est, signal, { a, aPublic }, { b, bPublic });
    if (exchanged === 'cancelled') return { value: 'unknown', reason: 'cancelled' };
    const { seen, window } = exchanged;
    return hairpinVerdict({ a, aPublic, bPublic, agreed, window, seen, mapping, mappingBasis, filteringOpen });
  } finally {
    router.closeAll();
  }
}

type MappingKind = 'independent' | 'dependent' | 'unknown';

/** Mapping behaviour: from the caller, else A asks the alternate address the server announced. */
async function mappingBehaviour(
  opts: HairpinOptions,
  askFromA: (to: Endpoint, maxAttempts?: number) => Promise<string | { mapped: Endpoint; other?: Endpoint }>,
  aPublic: Endpoint,
  other: Endpoint | undefined,
): Promise<{ mapping: MappingKind; mappingBasis: string } | 'cancelled'> {
  if (opts.mapping === 'endpoint-independent') return { mapping: 'independent', mappingBasis: 'endpoint-independent per the diagnosis' };
  if (opts.mapping === 'address-dependent' || opts.mapping === 'address-and-port-dependent') {
    return { mapping: 'dependent', mappingBasis: `${opts.mapping} per the diagnosis` };
  }
  if (!other) return { mapping: 'unknown', mappingBasis: 'not known' };
  // Only the server's word: a probe, not the full schedule (ARCHITECTURE, invariants).
  opts.contacts?.declare(other, 'udp', 'announced alternate', false, endpointKey(opts.server));
  const alt = await askFromA(other, UNCONFIRMED_ATTEMPTS);
  if (alt === 'cancelled') return 'cancelled';
  if (typeof alt === 'string') return { mapping: 'unknown', mappingBasis: 'not known' };
  const same = alt.mapped.port === aPublic.port && normaliseAddress(alt.mapped.address) === normaliseAddress(aPublic.address);
  opts.contacts?.confirm(other, 'udp');
  return {
    mapping: same ? 'independent' : 'dependent',
    mappingBasis: same
      ? `A kept ${endpointKey(aPublic)} towards ${endpointKey(other)} too`
      : `A got ${endpointKey(alt.mapped)} towards ${endpointKey(other)}, ${endpointKey(aPublic)} towards the server`,
  };
}

interface Seen {
  readonly req: InboundRequest;
  readonly from: Member;
  readonly to: Member;
}

/** Both ways, several rounds over an RTT-sized window: A → B', B → A'; the first of ours to arrive. */
async function exchangeBothWays(
  router: StunRouter,
  clock: Clock,
  est: RttEstimator,
  signal: AbortSignal | undefined,
  { a, aPublic }: { a: Member; aPublic: Endpoint },
  { b, bPublic }: { b: Member; bPublic: Endpoint },
): Promise<{ seen: Seen | undefined; window: number } | 'cancelled'> {
  const sent = new Map<string, { from: Member; to: Member }>();
  let seen: Seen | undefined;
  router.onRequest((req) => {
    const origin = sent.get(hex(req.message.transactionId));
    // Only our own requests, arriving at the socket they were meant for, count.
    if (!origin || req.by !== origin.to) return;
    seen ??= { req, from: origin.from, to: origin.to };
  });
  const send = async (from: Member, to: Member, toPublic: Endpoint): Promise<void> => {
    const id = newTransactionId();
    sent.set(hex(id), { from, to });
    await router.sendRaw(from, toPublic, encodeMessage({ cls: 'request', method: Method.Binding, transactionId: id, attributes: [] }));
  };
  const window = Math.max(est.silenceWindow(), 500);
  const step = window / ROUNDS;
  const started = clock.now();
  for (let i = 0; i < ROUNDS && !seen; i++) {
    await send(a, b, bPublic);
    await send(b, a, aPublic);
    await sleep(clock, step, signal).catch(() => undefined);
    if (signal?.aborted) return 'cancelled';
  }
  // Leave the last packets a full window to come back.
  while (!seen && clock.now() < started + 2 * window) {
    await sleep(clock, Math.min(step, started + 2 * window - clock.now()), signal).catch(() => undefined);
    if (signal?.aborted) return 'cancelled';
  }
  return { seen, window };
}

/** What arrived, or what silence means given the mapping and filtering behaviour. */
function hairpinVerdict(o: {
  a: Member;
  aPublic: Endpoint;
  bPublic: Endpoint;
  agreed: { readonly address: string; readonly basis: string };
  window: number;
  seen: Seen | undefined;
  mapping: MappingKind;
  mappingBasis: string;
  filteringOpen: boolean;
}): HairpinResult {
  const { a, aPublic, bPublic, agreed, window, seen, mapping, mappingBasis, filteringOpen } = o;
  const method =
    `A (${endpointKey(aPublic)}) and B (${endpointKey(bPublic)}) each sent ${ROUNDS} Binding requests to the other's public mapping ` +
    `over ${Math.round(window)} ms, to ${agreed.address} only because ${agreed.basis}`;
  if (seen) {
    const src = seen.req.from;
    const fromPublic = seen.from === a ? aPublic : bPublic;
    const how = sameEndpoint(src, fromPublic)
      ? `with its source translated to ${seen.from.name}'s public mapping ${endpointKey(src)} (RFC 4787 REQ-9)`
      : `from ${endpointKey(src)}, not from ${seen.from.name}'s public mapping ${endpointKey(fromPublic)} (the NAT does not translate hairpinned sources as RFC 4787 REQ-9 asks; replies to it may fail)`;
    return { value: 'yes', reason: `the NAT hairpins: ${seen.from.name}'s request to ${seen.to.name}'s public mapping arrived at ${seen.to.name} ${how}; ${method}` };
  }
  if (mapping === 'independent' || filteringOpen) {
    return {
      value: 'no',
      reason:
        `the NAT does not hairpin: none arrived; ${method}, so each mapping had sent to the other first and no ` +
        `filter could drop them (mapping ${mappingBasis}${filteringOpen ? '; filtering endpoint-independent' : ''})`,
    };
  }
  return {
    value: 'unknown',
    reason:
      `none arrived, but that may be filtering rather than no hairpinning: ` +
      (mapping === 'dependent'
        ? `the NAT maps each destination separately (${mappingBasis}), so A's packet to B' left through another mapping and did not open A's mapping to the server for B' (and the same for B)`
        : 'the mapping behaviour is unknown (no OTHER-ADDRESS from the server and none given), so a filter may have dropped them') +
      `; ${method}`,
  };
}
