/**
 * NAT-PMP (RFC 6886), read-only: only opcode 0, "what is your external address?". It never
 * asks for a mapping (opcodes 1 and 2 are never sent).
 *
 * Result code 3 (Network Failure) is evidence in itself: the gateway speaks NAT-PMP but has
 * no usable external address. miniupnpd answers it (with 0.0.0.0) whenever its WAN address
 * is private or in 100.64.0.0/10, i.e. when another NAT sits above it; RFC 6886 also uses it
 * for a gateway whose WAN is down, so callers should only read it as "a NAT above" when the
 * Internet is reachable through this gateway (STUN answered).
 */

import type { Evidence, Tristate } from '../../../report/report';
import type { Clock } from '../../clock';
import type { UdpSocketFactory } from '../../net/udp';
import { exchange } from './exchange';

export const NAT_PMP_PORT = 5351;
export const NATPMP_VERSION = 0;
export const OP_EXTERNAL_ADDRESS = 0;

export const NATPMP_RESULT: Readonly<Record<number, string>> = {
  0: 'Success',
  1: 'Unsupported Version',
  2: 'Not Authorized/Refused',
  3: 'Network Failure',
  4: 'Out of resources',
  5: 'Unsupported opcode',
};

/** The 2-byte external-address request: version 0, opcode 0. */
export function encodeExternalAddressRequest(): Uint8Array {
  return Uint8Array.of(NATPMP_VERSION, OP_EXTERNAL_ADDRESS);
}

export type NatPmpAnswer =
  | {
      readonly kind: 'natpmp';
      readonly resultCode: number;
      readonly epochSeconds: number;
      /** Present when the answer carries the address field (0.0.0.0 included). */
      readonly externalAddress?: string;
    }
  /** A PCP server answering our version-0 packet in PCP format (version 2): it does not speak NAT-PMP. */
  | { readonly kind: 'pcp'; readonly version: number; readonly resultCode: number }
  | { readonly kind: 'malformed'; readonly reason: string };

/** Decodes an answer to opcode 0. Never throws. */
export function decodeExternalAddressResponse(data: Uint8Array): NatPmpAnswer {
  if (!(data instanceof Uint8Array)) return { kind: 'malformed', reason: 'not bytes' };
  if (data.length < 2) return { kind: 'malformed', reason: `${data.length}-byte datagram (too short)` };
  const version = data[0];
  if (version === 2 || version === 1) {
    // PCP header: version, R|opcode, reserved, result code.
    if (data.length < 4) return { kind: 'malformed', reason: `PCP-style ${data.length}-byte answer (too short)` };
    if ((data[1] & 0x80) === 0) return { kind: 'malformed', reason: 'PCP-style packet without the response bit' };
    return { kind: 'pcp', version, resultCode: data[3] };
  }
  if (version !== NATPMP_VERSION) return { kind: 'malformed', reason: `unknown version ${version}` };
  const opcode = data[1];
  if (opcode < 128) return { kind: 'malformed', reason: `a request (opcode ${opcode}), not a response` };
  if (opcode !== 128 + OP_EXTERNAL_ADDRESS) return { kind: 'malformed', reason: `response to opcode ${opcode - 128}, not to opcode 0` };
  if (data.length < 8) return { kind: 'malformed', reason: `${data.length}-byte response (at least 8 expected)` };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const resultCode = view.getUint16(2);
  const epochSeconds = view.getUint32(4);
  if (data.length < 12) {
    // RFC 6886 §3.5: an error response may stop after the epoch; a success must carry the address.
    if (resultCode === 0) return { kind: 'malformed', reason: `success in ${data.length} bytes (12 expected)` };
    return { kind: 'natpmp', resultCode, epochSeconds };
  }
  if (data.length > 16) return { kind: 'malformed', reason: `${data.length}-byte response (12 expected)` };
  const externalAddress = `${data[8]}.${data[9]}.${data[10]}.${data[11]}`;
  return { kind: 'natpmp', resultCode, epochSeconds, externalAddress };
}

export interface NatPmpProbeResult {
  readonly present: Tristate;
  readonly reason: string;
  /** Only with result code 0 and a non-zero address. */
  readonly externalAddress?: string;
  readonly resultCode?: number;
  /** The gateway speaks NAT-PMP and says it has no usable external address (result 3, or success with 0.0.0.0). */
  readonly noPublicAddress: boolean;
  /** The gateway answered in PCP format instead: evidence for PCP. */
  readonly pcpAnswered: boolean;
  readonly evidence: Evidence[];
}

export interface NatPmpProbeOptions {
  readonly factory: UdpSocketFactory;
  readonly clock: Clock;
  readonly gateway: string;
  readonly signal?: AbortSignal;
  readonly tries?: number;
  readonly intervalMs?: number;
  readonly port?: number;
  /** Fired when the diagnosis needs no more tries (see exchange.ts). */
  readonly lastTry?: AbortSignal;
}

export async function probeNatPmp(o: NatPmpProbeOptions): Promise<NatPmpProbeResult> {
  const tries = o.tries ?? 2;
  const intervalMs = o.intervalMs ?? 250;
  const to = { address: o.gateway, port: o.port ?? NAT_PMP_PORT };
  const test = `NAT-PMP external-address request (opcode 0) to ${to.address}:${to.port}`;
  const r = await exchange<NatPmpAnswer>({
    factory: o.factory,
    clock: o.clock,
    signal: o.signal,
    targets: [to],
    request: encodeExternalAddressRequest(),
    tries,
    intervalMs,
    lastTry: o.lastTry,
    decode: decodeExternalAddressResponse,
    isFinal: (a) => a.kind !== 'malformed',
  });
  const malformed = r.answers.filter((a) => a.kind === 'malformed');
  const good = r.answers.find((a) => a.kind !== 'malformed');
  const evidence: Evidence[] = [];
  const base = { noPublicAddress: false, pcpAnswered: false };
  evidence.push(...noiseEvidence(test, malformed.map((m) => (m.kind === 'malformed' ? m.reason : '')), r.excess));
  if (r.ignored > 0) evidence.push({ test, observation: `ignored ${r.ignored} datagram(s) from other sources` });

  if (good?.kind === 'pcp') {
    evidence.push({ test, observation: `answered in PCP format (version ${good.version}, result ${good.resultCode}): a PCP server that does not speak NAT-PMP` });
    return { ...base, present: 'no', reason: 'the gateway answers PCP but not NAT-PMP', pcpAnswered: true, evidence };
  }
  if (good?.kind === 'natpmp') {
    const name = NATPMP_RESULT[good.resultCode] ?? 'unknown result code';
    const addr = good.externalAddress !== undefined ? `, external address ${good.externalAddress}` : '';
    evidence.push({ test, observation: `answered: result ${good.resultCode} (${name})${addr}, epoch ${good.epochSeconds} s` });
    switch (good.resultCode) {
      case 0:
        if (good.externalAddress === undefined || good.externalAddress === '0.0.0.0') {
          return { ...base, present: 'yes', resultCode: 0, noPublicAddress: true, reason: 'the gateway speaks NAT-PMP but reports no external address (0.0.0.0)', evidence };
        }
        return { ...base, present: 'yes', resultCode: 0, externalAddress: good.externalAddress, reason: `the gateway speaks NAT-PMP; its external address is ${good.externalAddress}`, evidence };
      case 3:
        return {
          ...base,
          present: 'yes',
          resultCode: 3,
          noPublicAddress: true,
          reason: 'the gateway speaks NAT-PMP but has no public address (result 3, Network Failure): typically its WAN address is private or in 100.64.0.0/10, so another NAT sits above it',
          evidence,
        };
      case 1:
        return { ...base, present: 'no', resultCode: 1, reason: 'the gateway refuses NAT-PMP version 0 (Unsupported Version)', evidence };
      case 2:
        return { ...base, present: 'no', resultCode: 2, reason: 'the gateway refuses NAT-PMP (Not Authorized: switched off by its administrator)', evidence };
      default:
        return { ...base, present: 'yes', resultCode: good.resultCode, reason: `the gateway speaks NAT-PMP (result ${good.resultCode}, ${name})`, evidence };
    }
  }
  return { ...base, ...silence('NAT-PMP', r, malformed.length > 0 || r.excess > 0), evidence: [...evidence, ...silenceEvidence(test, r, intervalMs)] };
}

/** What silence, a local send failure or an abort means; shared by the UDP probes. */
export function silence(protocol: string, r: { end: string; sent: number; error?: string }, sawMalformed: boolean): { present: Tristate; reason: string } {
  if (r.end === 'aborted') return { present: 'unknown', reason: `${protocol}: stopped before an answer (aborted)` };
  if (r.end === 'bind-error') return { present: 'unknown', reason: `${protocol}: no local UDP socket (${r.error ?? 'bind failed'})` };
  if (r.end === 'send-error') return { present: 'unknown', reason: `${protocol}: the local stack refused to send (${r.error ?? 'send failed'})` };
  if (sawMalformed) return { present: 'unknown', reason: `${protocol}: something answered from the gateway, but not in ${protocol} format` };
  return { present: 'no', reason: `${protocol}: no answer from the gateway in ${r.sent} ${r.sent === 1 ? 'try' : 'tries'} (silence is read as "not offered"; a lost packet would look the same)` };
}

export function silenceEvidence(test: string, r: { end: string; sent: number; elapsedMs: number; error?: string }, intervalMs: number): Evidence[] {
  // The time actually waited: the last try is cut short when the rest of the diagnosis is done.
  if (r.end === 'timeout') return [{ test, observation: `no answer in ${r.sent} ${r.sent === 1 ? 'try' : 'tries'} over ${Math.round(Math.min(r.elapsedMs, r.sent * intervalMs))} ms` }];
  if (r.end === 'aborted') return [{ test, observation: `aborted after ${Math.round(r.elapsedMs)} ms` }];
  return [{ test, observation: `${r.end}: ${r.error ?? ''}`.trim() }];
}

/** Malformed answers from the gateway, a few named and the rest counted: a flood costs one line. */
export function noiseEvidence(test: string, reasons: readonly string[], excess: number): Evidence[] {
  const shown = reasons.slice(0, 3).map((reason) => ({ test, observation: `ignored a malformed answer: ${reason}` }));
  const more = reasons.length - shown.length + excess;
  return more > 0 ? [...shown, { test, observation: `ignored ${more} more datagram(s) from the gateway` }] : shown;
}
