import { type Check, count, listOf, nullable, number, object, oneOf, port, string } from '../../report/parseReport';

// No vscode import: the check of what `natprobe punch --json` printed, tested in plain node.

/** The one object `natprobe punch --json` prints (src/cli/punchCommand.ts, toJson). */
export interface PunchOutput {
  readonly direct: 'yes' | 'no' | 'unknown';
  readonly reason: string;
  /** family: 6 for a path over IPv6; absent from punch before IPv6 candidates. */
  readonly pair: { readonly kind: string; readonly family?: 4 | 6; readonly local: string; readonly remote: string } | null;
  readonly ms: number | null;
  readonly rttMs: number | null;
  readonly prediction: { readonly direct: 'yes' | 'no' | 'unknown'; readonly reason: string };
  readonly agrees: 'yes' | 'no' | 'unknown';
  readonly packets: { readonly sent: number; readonly received: number; readonly lowTtl: number };
  readonly rendezvous: 'reached' | 'unreachable' | 'refused';
  readonly contacted: readonly { readonly address: string; readonly port: number; readonly role: string; readonly packets: number }[];
}

/** Longer than any sentence punch writes: a reason past this is not ours, and would flood a toast. */
const MAX_TEXT = 2000;
/** punch contacts the rendezvous, the few addresses it names for the peer (the random-port probes are one row) and at most 8 TURN servers. */
const MAX_CONTACTS = 64;
/** punch's own hard cap is 4,000 datagrams; a count far past it is not a punch run. */
const MAX_PACKETS = 100_000;

const TRISTATE = oneOf('yes', 'no', 'unknown');
const text: Check = (v, p) => string(v, p) ?? ((v as string).length > MAX_TEXT ? `${p}: longer than ${MAX_TEXT} characters` : null);
/** host:port as endpointKey writes it ("192.0.2.1:40213", "[2001:db8::1]:3478"). */
const endpoint: Check = (v, p) => string(v, p) ?? (/^(?:[0-9.]{7,15}|\[[0-9a-fA-F:.]{2,45}\]):\d{1,5}$/.test(v as string) ? null : `${p}: expected host:port, got ${JSON.stringify((v as string).slice(0, 40))}`);
const milliseconds: Check = (v, p) => number(v, p) ?? ((v as number) < 0 || (v as number) > 600_000 ? `${p}: ${v as number} ms is out of range` : null);
const packets: Check = (v, p) => count(v, p) ?? ((v as number) > MAX_PACKETS ? `${p}: ${v as number} packets is more than punch ever sends` : null);
const boundedList = (check: Check, max: number): Check => (v, p) => listOf(check)(v, p) ?? ((v as unknown[]).length > max ? `${p}: more than ${max} entries` : null);

const OUTPUT: Check = object({
  direct: TRISTATE,
  reason: text,
  pair: nullable(object({ kind: oneOf('host↔host', 'host↔srflx', 'host↔prflx', 'host↔predicted', 'srflx↔host', 'srflx↔srflx', 'srflx↔prflx', 'srflx↔predicted', 'prflx↔host', 'prflx↔srflx', 'prflx↔prflx', 'prflx↔predicted', 'predicted↔host', 'predicted↔srflx', 'predicted↔prflx', 'predicted↔predicted'), local: endpoint, remote: endpoint })),
  ms: nullable(milliseconds),
  rttMs: nullable(milliseconds),
  prediction: object({ direct: TRISTATE, reason: text }),
  agrees: TRISTATE,
  packets: object({ sent: packets, received: packets, lowTtl: packets }),
  rendezvous: oneOf('reached', 'unreachable', 'refused'),
  contacted: boundedList(object({ address: string, port, role: oneOf('rendezvous', 'peer', 'peer (random ports)', 'TURN server'), packets }), MAX_CONTACTS),
});

export type ParsedPunch = { readonly ok: true; readonly output: PunchOutput } | { readonly ok: false; readonly error: string };

/**
 * Checks the punch child's JSON before a toast or the panel uses it: every field at every depth
 * has its type, its allowed words and a sane size, and the parts agree with each other (a "yes"
 * names the pair it crossed and its time; a "no" names none), so a broken or hostile child
 * cannot make the panel claim a path nobody proved. The first problem is named by its path.
 */
export function parsePunchOutput(value: unknown): ParsedPunch {
  const error = OUTPUT(value, 'output');
  if (error) return { ok: false, error: error.replace(/^output\./, '') };
  const v = value as PunchOutput;
  if (v.direct === 'yes' && (v.pair === null || v.ms === null || v.rttMs === null)) return { ok: false, error: 'direct is yes but the pair, its time or its RTT is missing' };
  if (v.direct !== 'yes' && v.pair !== null) return { ok: false, error: `direct is ${v.direct} but a pair is named` };
  // The family, when given, is the remote address's: a child cannot claim IPv6 over an IPv4 pair.
  if (v.pair && v.pair.family !== undefined) {
    if (v.pair.family !== 4 && v.pair.family !== 6) return { ok: false, error: `pair.family: expected 4 or 6, got ${JSON.stringify(v.pair.family as unknown).slice(0, 20)}` };
    if ((v.pair.family === 6) !== v.pair.remote.startsWith('[')) return { ok: false, error: `pair.family is ${v.pair.family} but the pair's remote address is ${v.pair.remote}` };
  }
  if (v.direct === 'yes' && v.rendezvous !== 'reached') return { ok: false, error: `direct is yes but the rendezvous was ${v.rendezvous}` };
  const agrees = v.direct === 'unknown' || v.prediction.direct === 'unknown' ? 'unknown' : v.direct === v.prediction.direct ? 'yes' : 'no';
  if (v.agrees !== agrees) return { ok: false, error: `agrees is ${v.agrees}, but the proof (${v.direct}) and the prediction (${v.prediction.direct}) make it ${agrees}` };
  // Only the fields named above go on: nothing else the child printed reaches the panel.
  return {
    ok: true,
    output: {
      direct: v.direct,
      reason: v.reason,
      pair: v.pair ? { kind: v.pair.kind, ...(v.pair.family !== undefined ? { family: v.pair.family } : {}), local: v.pair.local, remote: v.pair.remote } : null,
      ms: v.ms,
      rttMs: v.rttMs,
      prediction: { direct: v.prediction.direct, reason: v.prediction.reason },
      agrees: v.agrees,
      packets: { sent: v.packets.sent, received: v.packets.received, lowTtl: v.packets.lowTtl },
      rendezvous: v.rendezvous,
      contacted: v.contacted.map((c) => ({ address: c.address, port: c.port, role: c.role, packets: c.packets })),
    },
  };
}
