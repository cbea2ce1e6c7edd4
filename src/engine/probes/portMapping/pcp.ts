/**
 * PCP (RFC 6887), read-only.
 *
 * Presence: one ANNOUNCE request (opcode 0, version 2, requested lifetime 0). ANNOUNCE
 * creates no state on the server (RFC 6887 §14.1); a version-2 answer with the response bit
 * and opcode 0 proves a PCP server, whatever its result code (except NOT_AUTHORIZED, read as
 * "switched off"). A NAT-PMP-only gateway answers the version-2 packet in NAT-PMP format
 * (version 0, usually UNSUPP_VERSION): that is "no PCP" and, at the same time, evidence of
 * NAT-PMP.
 *
 * External address: PCP has no read-only way to ask for it. Only MAP and PEER responses
 * carry an external address, and both create (or, with lifetime 0, delete) a mapping: not
 * allowed here. So this probe never reports an address; the same server's NAT-PMP opcode 0
 * (RFC 6887 Appendix A: PCP servers usually keep NAT-PMP on the same port) is the read-only
 * source of it.
 */

import type { Evidence, Tristate } from '../../../report/report';
import type { Clock } from '../../clock';
import { parseIPv4 } from '../../net/ip';
import type { UdpSocketFactory } from '../../net/udp';
import { exchange } from './exchange';
import { NAT_PMP_PORT, noiseEvidence, silence, silenceEvidence } from './natPmp';

export const PCP_PORT = NAT_PMP_PORT;
export const PCP_VERSION = 2;
export const OP_ANNOUNCE = 0;
/** RFC 6887 §7: a PCP message is at most 1100 bytes, a multiple of 4, at least 24. */
export const PCP_MIN_LENGTH = 24;
export const PCP_MAX_LENGTH = 1100;

export const PCP_RESULT: Readonly<Record<number, string>> = {
  0: 'SUCCESS',
  1: 'UNSUPP_VERSION',
  2: 'NOT_AUTHORIZED',
  3: 'MALFORMED_REQUEST',
  4: 'UNSUPP_OPCODE',
  5: 'UNSUPP_OPTION',
  6: 'MALFORMED_OPTION',
  7: 'NETWORK_FAILURE',
  8: 'NO_RESOURCES',
  9: 'UNSUPP_PROTOCOL',
  10: 'USER_EX_QUOTA',
  11: 'CANNOT_PROVIDE_EXTERNAL',
  12: 'ADDRESS_MISMATCH',
  13: 'EXCESSIVE_REMOTE_PEERS',
};

/**
 * The 24-byte ANNOUNCE request. The client address field is our source address as an
 * IPv4-mapped IPv6 address (::ffff:a.b.c.d), or ::ffff:0.0.0.0 when unknown (a strict
 * server then answers ADDRESS_MISMATCH, which still proves it is there).
 */
export function encodeAnnounceRequest(clientAddress?: string): Uint8Array {
  const out = new Uint8Array(PCP_MIN_LENGTH);
  out[0] = PCP_VERSION;
  out[1] = OP_ANNOUNCE; // R = 0: a request
  // bytes 2-3 reserved, 4-7 requested lifetime = 0 (ANNOUNCE requires 0)
  out[18] = 0xff;
  out[19] = 0xff;
  const b = clientAddress ? parseIPv4(clientAddress) : undefined;
  if (b) out.set(b, 20);
  return out;
}

export type PcpAnswer =
  | { readonly kind: 'pcp'; readonly resultCode: number; readonly lifetime: number; readonly epochSeconds: number }
  /** A NAT-PMP server answering our version-2 packet in its own format (version 0). */
  | { readonly kind: 'natpmp'; readonly opcode: number; readonly resultCode: number }
  | { readonly kind: 'malformed'; readonly reason: string };

/** Decodes an answer to ANNOUNCE. Never throws. */
export function decodeAnnounceResponse(data: Uint8Array): PcpAnswer {
  if (!(data instanceof Uint8Array)) return { kind: 'malformed', reason: 'not bytes' };
  if (data.length < 2) return { kind: 'malformed', reason: `${data.length}-byte datagram (too short)` };
  const version = data[0];
  if (version === 0) {
    if (data.length < 4) return { kind: 'malformed', reason: `NAT-PMP-style ${data.length}-byte answer (too short)` };
    if (data[1] < 128) return { kind: 'malformed', reason: 'NAT-PMP-style packet that is a request' };
    return { kind: 'natpmp', opcode: data[1] - 128, resultCode: (data[2] << 8) | data[3] };
  }
  if (version !== PCP_VERSION) return { kind: 'malformed', reason: `unknown version ${version}` };
  if (data.length < PCP_MIN_LENGTH) return { kind: 'malformed', reason: `${data.length}-byte PCP answer (at least 24 expected)` };
  if (data.length > PCP_MAX_LENGTH) return { kind: 'malformed', reason: `${data.length}-byte PCP answer (at most 1100 allowed)` };
  if (data.length % 4 !== 0) return { kind: 'malformed', reason: `${data.length}-byte PCP answer (not a multiple of 4)` };
  if ((data[1] & 0x80) === 0) return { kind: 'malformed', reason: 'a PCP request, not a response' };
  const opcode = data[1] & 0x7f;
  if (opcode !== OP_ANNOUNCE) return { kind: 'malformed', reason: `response to opcode ${opcode}, not to ANNOUNCE` };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { kind: 'pcp', resultCode: data[3], lifetime: view.getUint32(4), epochSeconds: view.getUint32(8) };
}

export interface PcpProbeResult {
  readonly present: Tristate;
  readonly reason: string;
  readonly resultCode?: number;
  /** The gateway answered in NAT-PMP format: evidence for NAT-PMP. */
  readonly natPmpAnswered: boolean;
  readonly evidence: Evidence[];
}

export interface PcpProbeOptions {
  readonly factory: UdpSocketFactory;
  readonly clock: Clock;
  readonly gateway: string;
  /** Our source address towards the gateway, for the client-address field. */
  readonly clientAddress?: string;
  readonly signal?: AbortSignal;
  readonly tries?: number;
  readonly intervalMs?: number;
  readonly port?: number;
  /** Fired when the diagnosis needs no more tries (see exchange.ts). */
  readonly lastTry?: AbortSignal;
}

export async function probePcp(o: PcpProbeOptions): Promise<PcpProbeResult> {
  const intervalMs = o.intervalMs ?? 250;
  const to = { address: o.gateway, port: o.port ?? PCP_PORT };
  const test = `PCP ANNOUNCE (version 2, opcode 0, lifetime 0) to ${to.address}:${to.port}`;
  const r = await exchange<PcpAnswer>({
    factory: o.factory,
    clock: o.clock,
    signal: o.signal,
    targets: [to],
    request: encodeAnnounceRequest(o.clientAddress),
    tries: o.tries ?? 2,
    intervalMs,
    lastTry: o.lastTry,
    decode: decodeAnnounceResponse,
    isFinal: (a) => a.kind !== 'malformed',
  });
  const evidence: Evidence[] = [];
  const malformed = r.answers.filter((a) => a.kind === 'malformed');
  evidence.push(...noiseEvidence(test, malformed.map((m) => (m.kind === 'malformed' ? m.reason : '')), r.excess));
  if (r.ignored > 0) evidence.push({ test, observation: `ignored ${r.ignored} datagram(s) from other sources` });
  const good = r.answers.find((a) => a.kind !== 'malformed');
  if (good?.kind === 'natpmp') {
    evidence.push({ test, observation: `answered in NAT-PMP format (version 0, opcode ${good.opcode}, result ${good.resultCode}): NAT-PMP only, no PCP` });
    return { present: 'no', reason: 'the gateway answers NAT-PMP but not PCP', natPmpAnswered: true, evidence };
  }
  if (good?.kind === 'pcp') {
    const name = PCP_RESULT[good.resultCode] ?? 'unknown result code';
    evidence.push({ test, observation: `answered: result ${good.resultCode} (${name}), epoch ${good.epochSeconds} s` });
    if (good.resultCode === 2) {
      return { present: 'no', resultCode: 2, reason: 'the gateway has PCP switched off (NOT_AUTHORIZED)', natPmpAnswered: false, evidence };
    }
    return { present: 'yes', resultCode: good.resultCode, reason: `the gateway speaks PCP (ANNOUNCE: ${name})`, natPmpAnswered: false, evidence };
  }
  return { ...silence('PCP', r, malformed.length > 0 || r.excess > 0), natPmpAnswered: false, evidence: [...evidence, ...silenceEvidence(test, r, intervalMs)] };
}
