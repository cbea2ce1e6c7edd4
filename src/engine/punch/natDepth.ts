/**
 * How many hops out our outermost filtering NAT is: the smallest TTL with which a packet of ours
 * opens it. That is the TTL of punch's first checks (docs/punch.md, "The small-TTL start"): big
 * enough to open our own NAT, too small to reach the peer's router.
 *
 * Why it works. A router forwards a packet only after taking one off its TTL, and drops it when
 * nothing is left (RFC 791 §3.2, RFC 1812 §5.3.1). A Linux NAT tracks the packet (conntrack) on
 * the way in, but the entry is only confirmed when the packet leaves (nf_conntrack_confirm, in
 * POSTROUTING, after ip_forward took the TTL off): a packet that expires on the NAT router, or
 * before it, leaves no mapping and no permission behind. So for t = 1..MAX_TTL, in parallel, a
 * fresh socket sends
 *   1. a Binding request with TTL t to the rendezvous's other address and port (RFC 5780
 *      OTHER-ADDRESS), which opens our NAT towards that address and port only if t is big
 *      enough to get through it (and, when t also reaches the server, is answered: the hop
 *      count to the rendezvous, an upper bound), then
 *   2. a Binding request with the normal TTL to the primary address carrying CHANGE-REQUEST with
 *      both flags (RFC 5780 §7.2): the server answers from its other address and port.
 * That answer comes back to the same mapping (an endpoint-independent one, RFC 4787 §4.1) from
 * an address and port our NAT has only seen traffic to if packet 1 got through it; a filter that
 * admits only what was contacted (RFC 4787 §5, address- or address-and-port-dependent) lets it in
 * for those t and drops it for the smaller ones. The smallest t answered is the depth. A control
 * socket sends only packet 2: if it is answered too, nothing on our side filters (no NAT, or a
 * full-cone one) and no small TTL is needed for our own sake. Under a symmetric NAT packet 2 gets
 * another mapping than packet 1, so no answer ever comes through: the method is blind there.
 *
 * Bounded: MAX_TTL + 1 sockets, at most 2 * MAX_TTL + 1 datagrams, one wait sized from the RTT
 * of phase 0's first Binding, every datagram through the punch's send budget and contact ledger.
 * Only answers with a transaction id we sent, from the address and port that id expects, on the
 * socket it left from, count: a forged or flooded answer changes nothing it does not prove.
 */
import type { Clock } from '../clock';
import { type Endpoint, type UdpSocket, type UdpSocketFactory, sameEndpoint } from '../net/udp';
import { Attr, Method, decodeMessage, encodeChangeRequest, encodeMessage, newTransactionId } from '../stun';
import type { OwnMapping } from './result';
import { NORMAL_TTL, type SendBudget, Sender } from './sender';

/** TTLs tried, 1..MAX_TTL: a home NAT is 2 hops out, a carrier-grade NAT behind it a few more. */
export const MAX_TTL = 8;
/** Used when the depth cannot be measured: one NAT router, then one more hop to expire at. */
export const DEFAULT_LOW_TTL = 2;
/**
 * The one wait for answers: twice the RTT plus a margin, within these bounds. The second joiner
 * waits for what is left of it before its first checks, so it adds to the skew between the two
 * ends, which the small-TTL phase must outlast (LOW_TTL_PHASE_MS, 750 ms): hence at most 500.
 */
export const MIN_WAIT_MS = 100;
export const MAX_WAIT_MS = 500;

export interface DepthProbe {
  /** Smallest TTL whose CHANGE-REQUEST answer came back through our NAT. */
  readonly depth?: number;
  /** The control socket (nothing sent to the other address first) was answered: nothing on our side filters. */
  readonly open: boolean;
  /** Smallest TTL whose Binding reached the other address (and was answered): the hops to the rendezvous. */
  readonly hops?: number;
  /** The server answered a CHANGE-REQUEST, but not from its other address and port: it does not honour it. */
  readonly ignoresChange: boolean;
  /** Sockets that could not be opened (then nothing was measured). */
  readonly failed?: string;
}

export interface DepthProbeOptions {
  readonly factory: UdpSocketFactory;
  readonly clock: Clock;
  readonly budget: SendBudget;
  readonly primary: Endpoint;
  /** The rendezvous's OTHER-ADDRESS (RFC 5780 §7.4): another IP and another port. */
  readonly alternate: Endpoint;
  /** The RTT of a Binding to the rendezvous, measured before. */
  readonly rttMs: number;
  readonly signal?: AbortSignal;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

interface Slot {
  readonly ttl: number;
  readonly socket: UdpSocket;
  /** The TTL-limited Binding to the other address (none on the control socket, ttl 0). */
  readonly reachId?: string;
  readonly changeId: string;
}

/** Sends the probes of every TTL at once, waits once, and reads what came back (see above). */
export async function probeNatDepth(options: DepthProbeOptions): Promise<DepthProbe> {
  const { factory, clock, budget, primary, alternate } = options;
  const slots: Slot[] = [];
  const opened = new Set<number>();
  const reached = new Set<number>();
  let open = false;
  let ignoresChange = false;
  try {
    for (let ttl = 0; ttl <= MAX_TTL; ttl++) {
      const socket = await factory.bind({ family: 4 });
      const sender = new Sender(socket, budget);
      const slot: Slot = { ttl, socket, ...(ttl > 0 ? { reachId: hex(newTransactionId()) } : {}), changeId: hex(newTransactionId()) };
      slots.push(slot);
      socket.onMessage((data, from) => {
        budget.received++;
        const m = decodeMessage(data);
        if (!m.ok || m.value.method !== Method.Binding || m.value.cls !== 'success') return;
        const id = hex(m.value.transactionId);
        if (id === slot.reachId && sameEndpoint(from, alternate)) reached.add(ttl);
        if (id !== slot.changeId) return;
        if (!sameEndpoint(from, alternate)) ignoresChange = true;
        else if (ttl === 0) open = true;
        else opened.add(ttl);
      });
      if (slot.reachId) {
        const id = Buffer.from(slot.reachId, 'hex');
        if (!sender.send(encodeMessage({ cls: 'request', method: Method.Binding, transactionId: id, attributes: [] }, { fingerprint: true }), alternate, 'rendezvous', ttl)) break;
      }
      const change = { type: Attr.ChangeRequest, value: encodeChangeRequest({ changeIp: true, changePort: true }) };
      if (!sender.send(encodeMessage({ cls: 'request', method: Method.Binding, transactionId: Buffer.from(slot.changeId, 'hex'), attributes: [change] }, { fingerprint: true }), primary, 'rendezvous', NORMAL_TTL)) break;
    }
  } catch (err) {
    for (const s of slots) s.socket.close();
    return { open: false, ignoresChange: false, failed: `no socket for the test (${err instanceof Error ? err.message : String(err)})` };
  }
  const waitMs = Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, 2 * options.rttMs + 50));
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clock.clearTimeout(timer);
      options.signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, waitMs);
    options.signal?.addEventListener('abort', done);
  });
  for (const s of slots) s.socket.close();
  const smallest = (set: Set<number>): number | undefined => (set.size > 0 ? Math.min(...set) : undefined);
  const depth = smallest(opened);
  const hops = smallest(reached);
  return { open, ignoresChange, ...(depth !== undefined ? { depth } : {}), ...(hops !== undefined ? { hops } : {}) };
}

/** Where the TTL of the first checks came from. */
export interface LowTtlChoice {
  /** The TTL of the first checks; 0: none, every check goes with the normal TTL. */
  readonly value: number;
  /** measured: from the depth test; flag: --ttl; default: the test could not tell (the reason says why). */
  readonly source: 'measured' | 'flag' | 'default';
  /** The smallest TTL that opened our outermost filtering NAT. */
  readonly natDepth?: number;
  /** The smallest TTL that reached the rendezvous's other address. */
  readonly hops?: number;
  readonly reason: string;
}

export function flagTtl(ttl: number): LowTtlChoice {
  return { value: ttl, source: 'flag', reason: ttl === 0 ? 'none, from --ttl 0: every check with the normal TTL' : `${ttl}, from --ttl` };
}

export function defaultTtl(why: string): LowTtlChoice {
  return { value: DEFAULT_LOW_TTL, source: 'default', reason: `${DEFAULT_LOW_TTL}, the default: ${why}` };
}

/** The TTL for the first checks from the depth test and our mapping (phase 0), with the reason. */
export function chooseLowTtl(probe: DepthProbe, ownMapping: OwnMapping): LowTtlChoice {
  const hops = probe.hops !== undefined ? { hops: probe.hops } : {};
  const away = probe.hops !== undefined ? `; the rendezvous is ${probe.hops} hops away` : '';
  if (probe.failed) return defaultTtl(`the depth of our NAT could not be measured: ${probe.failed}`);
  if (probe.open) {
    // Nothing of ours needs opening; the first checks must still not reach the peer's router
    // before the peer has sent (the clash), and TTL 1 cannot leave our own link.
    return { value: 1, source: 'measured', ...hops, reason: `1, measured: nothing on our side filters (an answer from the rendezvous's other address came in though we had sent nothing there: no NAT, or a full-cone NAT), so no small-TTL packet is needed to open it, and with TTL 1 the first checks cannot reach the peer's router before the peer has sent${away}` };
  }
  if (probe.depth !== undefined) {
    if (probe.hops !== undefined && probe.depth > probe.hops) {
      return defaultTtl(`the depth test does not add up (our NAT opened at TTL ${probe.depth}, but TTL ${probe.hops} already reached the rendezvous), so it is not believed`);
    }
    const next = probe.hops === probe.depth ? '; the rendezvous is right behind our NAT, so a peer as near as it may be reached too' : '';
    return { value: probe.depth, source: 'measured', natDepth: probe.depth, ...hops, reason: `${probe.depth}, measured: a packet with TTL ${probe.depth} opened our outermost NAT${probe.depth > 1 ? `, one with TTL ${probe.depth - 1} did not` : ''}${away}${next}` };
  }
  if (ownMapping === 'endpoint-dependent') {
    return defaultTtl(`our mapping changes per destination (symmetric NAT), so the answer from the rendezvous's other address would never meet the mapping a small-TTL packet made: the depth test is blind here and is not run${away}`);
  }
  if (probe.ignoresChange) return defaultTtl(`the rendezvous answered CHANGE-REQUEST from the address it was sent to, not from its other one (RFC 5780 §7.2), so the depth of our NAT could not be measured${away}`);
  return defaultTtl(`no answer from the rendezvous's other address came through at any TTL up to ${MAX_TTL} (our NAT is further out than that, or the answers were lost)${away}`);
}
