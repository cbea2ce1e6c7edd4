// The requests an attacker can send a public `natprobe serve`, one of each kind, shared by the
// security tests and the amplification bench. Each is what a spoofing attacker would pick to get
// the most bytes back for the fewest sent.
import { Attr, Method, type StunAttribute, encodeChangeRequest, encodeMessage, encodePadding, newTransactionId } from '../../src/engine/stun';

export interface Attack {
  readonly name: string;
  /** A fresh copy (new transaction ID) of the request. */
  readonly build: () => Uint8Array;
  /** Binding requests must be answered (so coturn's answer is the yardstick); others need not be. */
  readonly binding: boolean;
}

const msg = (attributes: StunAttribute[], o: { method?: number; cls?: 'request' | 'indication' | 'success' | 'error'; classic?: boolean; fingerprint?: boolean } = {}): Uint8Array =>
  encodeMessage(
    {
      cls: o.cls ?? 'request',
      method: o.method ?? Method.Binding,
      transactionId: newTransactionId(),
      attributes,
      legacyCookie: o.classic ? Uint8Array.of(0x11, 0x22, 0x33, 0x44) : undefined,
    },
    { fingerprint: o.fingerprint ?? false },
  );

export const ATTACKS: readonly Attack[] = [
  { name: 'Binding (20 B, no attributes)', binding: true, build: () => msg([]) },
  { name: 'Binding + FINGERPRINT', binding: true, build: () => msg([], { fingerprint: true }) },
  { name: 'Binding + PADDING 64', binding: true, build: () => msg([{ type: Attr.Padding, value: encodePadding(64) }]) },
  { name: 'Binding + CHANGE-REQUEST ip+port', binding: true, build: () => msg([{ type: Attr.ChangeRequest, value: encodeChangeRequest({ changeIp: true, changePort: true }) }]) },
  { name: 'RFC 3489 classic Binding', binding: true, build: () => msg([], { classic: true }) },
  { name: 'RFC 3489 classic + CHANGE-REQUEST', binding: true, build: () => msg([{ type: Attr.ChangeRequest, value: encodeChangeRequest({ changeIp: true, changePort: false }) }], { classic: true }) },
  // RESPONSE-ADDRESS (RFC 3489 §11.2.2) asks for the answer at another host: a reflection.
  { name: 'RFC 3489 RESPONSE-ADDRESS (third party)', binding: true, build: () => msg([{ type: 0x0002, value: Uint8Array.of(0, 1, 0x13, 0x88, 192, 0, 2, 99) }], { classic: true }) },
  { name: 'unknown comprehension-required attr', binding: true, build: () => msg([{ type: 0x0030, value: new Uint8Array(0) }]) },
  { name: 'Allocate (TURN)', binding: false, build: () => msg([], { method: 0x003 }) },
  { name: 'method 0x0ff (unknown)', binding: false, build: () => msg([], { method: 0x0ff }) },
  { name: 'Binding indication', binding: false, build: () => msg([], { cls: 'indication' }) },
  { name: 'Binding success response', binding: false, build: () => msg([], { cls: 'success' }) },
  { name: 'Binding error response', binding: false, build: () => msg([], { cls: 'error' }) },
  { name: 'malformed (length beyond datagram)', binding: false, build: () => Uint8Array.of(0, 1, 0, 8, 0x21, 0x12, 0xa4, 0x42, ...new Array<number>(12).fill(7)) },
];
