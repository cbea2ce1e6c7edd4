/**
 * The lowest address of an interface's subnet that nothing in the config uses yet, for WG09's
 * "give this peer the next free address". Pure arithmetic on the linter's own parsed addresses
 * (addresses.ts reads them as wg does); BigInt so that IPv6 /64 subnets work as IPv4 ones do.
 */
import type { Family, Ip } from './addresses';

export interface AddressBlock {
  readonly family: Family;
  /** 4 or 16 bytes, network order; host bits may be set (they are masked here). */
  readonly bytes: readonly number[];
  readonly cidr: number;
}

function toBig(bytes: readonly number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function toBytes(v: bigint, family: Family): number[] {
  const out = new Array<number>(family === 4 ? 4 : 16);
  for (let i = out.length - 1; i >= 0; i--) {
    out[i] = Number(v & 255n);
    v >>= 8n;
  }
  return out;
}

/** First and last address of a block, host bits cleared / set. */
function bounds(b: AddressBlock): { first: bigint; last: bigint } {
  const width = BigInt(b.family === 4 ? 32 : 128);
  const hostBits = width - BigInt(b.cidr);
  const hostMask = (1n << hostBits) - 1n;
  const first = toBig(b.bytes) & ~hostMask;
  return { first, last: first | hostMask };
}

/** Does `block` lie inside `subnet` (same family, at least as long, same network bits)? */
export function blockInside(block: AddressBlock, subnet: AddressBlock): boolean {
  if (block.family !== subnet.family || block.cidr < subnet.cidr) return false;
  const s = bounds(subnet);
  const b = bounds(block);
  return b.first >= s.first && b.last <= s.last;
}

/**
 * The lowest free host address in `subnet`, or undefined when there is none (a /32, a full
 * subnet). Not counted as hosts: the network address and, for IPv4, the broadcast address
 * (except in /31 point-to-point subnets, RFC 3021), and IPv6's Subnet-Router anycast address
 * (the all-zero host part, RFC 4291 §2.6.1; except in /127s, RFC 6164). `used` are the
 * interface's own addresses and every peer's AllowedIPs; a block that covers the whole subnet
 * (a hub's route to it, a default route) is a route, not an address given out, and is ignored.
 */
export function nextFreeAddress(subnet: AddressBlock, used: readonly AddressBlock[]): Ip | undefined {
  const width = subnet.family === 4 ? 32 : 128;
  if (subnet.cidr >= width) return undefined;
  const { first, last } = bounds(subnet);
  const pointToPoint = subnet.cidr >= width - 1;
  let low = pointToPoint ? first : first + 1n;
  const high = pointToPoint || subnet.family === 6 ? last : last - 1n;
  const taken: { first: bigint; last: bigint }[] = [];
  for (const u of used) {
    if (u.family !== subnet.family) continue;
    const b = bounds(u);
    if (b.last < first || b.first > last) continue;
    if (b.first <= first && b.last >= last) continue;
    taken.push(b);
  }
  taken.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  for (const t of taken) {
    if (low > high) return undefined;
    if (t.first > low) break;
    if (t.last >= low) low = t.last + 1n;
  }
  return low <= high ? { family: subnet.family, bytes: toBytes(low, subnet.family) } : undefined;
}
