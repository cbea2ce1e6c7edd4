/** The virtual-network scene for punch tests and bench/punch.ts: two hosts behind NATs of given profiles and a rendezvous. */
import type { Endpoint, UdpSocket, UdpSocketFactory } from '../../../src/engine/net/udp';
import type { SessionKeys } from '../../../src/engine/punch/code';
import { type PunchProgress, runPunch } from '../../../src/engine/punch/punch';
import type { OwnMapping } from '../../../src/engine/punch/result';
import { NORMAL_TTL } from '../../../src/engine/punch/sender';
import { startReflector } from '../../../src/engine/server/reflector';
import { Rendezvous } from '../../../src/engine/server/rendezvous';
import { Method, decodeMessage } from '../../../src/engine/stun';
import { prngUint32 } from '../../support/prng';
import { type PacketEvent, VirtualClock, VirtualNetwork, natModels, type NatModel, type VirtualHost } from '../../support/vnet';

export const SERVER: Endpoint = { address: '198.51.100.1', port: 3478 };
export const ALTERNATE: Endpoint = { address: '198.51.100.2', port: 3479 };
export const KEYS: SessionKeys = { sessionId: new Uint8Array(16).fill(0x51), checkKey: new Uint8Array(32).fill(0x52) };

export type Profile = 'open' | 'full cone' | 'restricted' | 'port-restricted' | 'symmetric' | 'symmetric sequential';

export function model(profile: Exclude<Profile, 'open'>, publicAddress: string, extra: Partial<NatModel> = {}): NatModel {
  if (profile === 'full cone') return natModels.fullCone(publicAddress, extra);
  if (profile === 'restricted') return natModels.restrictedCone(publicAddress, extra);
  if (profile === 'port-restricted') return natModels.portRestrictedCone(publicAddress, extra);
  if (profile === 'symmetric sequential') return natModels.symmetric(publicAddress, { portAllocation: 'sequential', ...extra });
  return natModels.symmetric(publicAddress, extra);
}

/** The global IPv6 addresses of A and B when the scene gives them IPv6 (documentation prefix, RFC 3849). */
export const V6_A = '2001:db8:a::10';
export const V6_B = '2001:db8:b::20';

/**
 * IPv6 beside IPv4 for one end: 'firewall', its router routes IPv6 through a stateful firewall
 * (the home router); 'broken', the host has a global IPv6 address and declares it, but nothing
 * of IPv6 gets through its router (an ISP without IPv6, a firewall dropping it all); absent, no IPv6.
 */
export type Ipv6Side = 'firewall' | 'broken' | undefined;

export interface Sent {
  readonly to: Endpoint;
  readonly ttl: number;
  readonly at: number;
  readonly kind: 'check' | 'answer' | 'other';
}

/**
 * Records the TTL each datagram was written with. By default a datagram written with a small
 * TTL is treated as expired on the way: it is not sent at all. That is harsher than the real
 * thing (where it still opens our own NAT), so a path found here was found by the checks that
 * follow the small-TTL start. `ttlBlind` sends it with the normal TTL instead; `realTtl` hands
 * the TTL to the virtual network, whose routers take one off per hop as real ones do.
 */
export function recording(factory: UdpSocketFactory, clock: VirtualClock, log: Sent[], ttlBlind = false, realTtl = false): UdpSocketFactory {
  return {
    bind: async (options) => {
      const socket = await factory.bind(options);
      let ttl = NORMAL_TTL;
      const wrapped: UdpSocket = {
        family: socket.family,
        localEndpoint: () => socket.localEndpoint(),
        onMessage: (h) => socket.onMessage(h),
        close: () => socket.close(),
        setTtl: (t) => {
          ttl = t;
          if (realTtl) socket.setTtl?.(t);
        },
        send: (data, to) => {
          const m = decodeMessage(data);
          const kind = m.ok && m.value.method === Method.Binding ? (m.value.cls === 'request' ? 'check' : 'answer') : 'other';
          log.push({ to, ttl, at: clock.now(), kind });
          return ttl < NORMAL_TTL && !ttlBlind && !realTtl ? Promise.resolve() : socket.send(data, to);
        },
      };
      return wrapped;
    },
  };
}

export async function punchPair(a: Profile, b: Profile, options: { sameLan?: boolean; budgetMs?: number; delayJoinB?: number; alternate?: boolean; ttlBlind?: boolean; realTtl?: boolean; routerBeforeB?: boolean; ttlFlags?: [number | undefined, number | undefined]; peerMappings?: [OwnMapping, OwnMapping]; linkDelayMs?: number; tap?: (e: PacketEvent) => void; ipv6?: [Ipv6Side, Ipv6Side] } = {}) {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 11 });
  net.setDefaultLink({ delayMs: options.linkDelayMs ?? 5 });
  if (options.tap) net.onPacket(options.tap);
  const server = net.addHost({ addresses: [SERVER.address, ALTERNATE.address], name: 'server' });
  const rendezvous = new Rendezvous({ now: () => clock.now() });
  await startReflector({ factory: server, clock, primary: SERVER, ...(options.alternate ? { alternate: ALTERNATE } : {}), software: 'natprobe', rendezvous });
  let hostA: VirtualHost;
  let hostB: VirtualHost;
  if (options.sameLan) {
    const nat = net.addNat(model('port-restricted', '203.0.113.1'), { name: 'nat' });
    hostA = net.addHost({ addresses: ['192.168.1.10'], behind: nat, name: 'a' });
    hostB = net.addHost({ addresses: ['192.168.1.20'], behind: nat, name: 'b' });
  } else {
    const [v6a, v6b] = options.ipv6 ?? [undefined, undefined];
    const natA = a === 'open' ? undefined : net.addNat(model(a, '203.0.113.1', { ipv6Firewall: v6a === 'firewall' }), { name: 'natA' });
    const natB = b === 'open' ? undefined : net.addNat(model(b, '203.0.113.2', { ipv6Firewall: v6b === 'firewall' }), { name: 'natB' });
    hostA = net.addHost({ addresses: [natA ? '192.168.1.10' : '192.0.2.10', ...(v6a ? [V6_A] : [])], ...(natA ? { behind: natA } : {}), name: 'a' });
    // B one hop deeper: a plain router between it and its NAT (the lab's clientD).
    const routerB = options.routerBeforeB && natB ? net.addNat(natModels.router(), { behind: natB, name: 'routerB' }) : natB;
    hostB = net.addHost({ addresses: [natB ? '10.0.2.20' : '192.0.2.20', ...(v6b ? [V6_B] : [])], ...(routerB ? { behind: routerB } : {}), name: 'b' });
  }
  const sentA: Sent[] = [];
  const sentB: Sent[] = [];
  const progress: PunchProgress[] = [];
  const ports = prngUint32(99);
  const common = { clock, rendezvous: SERVER, keys: KEYS, budgetMs: options.budgetMs ?? 5000, randomPort: () => 1024 + (ports() % 64512) };
  const pa = runPunch({ ...common, reportedPeerMapping: options.peerMappings?.[0], lowTtl: options.ttlFlags?.[0], factory: recording(hostA, clock, sentA, options.ttlBlind, options.realTtl), hostAddresses: [options.sameLan || a !== 'open' ? '192.168.1.10' : '192.0.2.10', ...(options.ipv6?.[0] ? [V6_A] : [])], onProgress: (e) => progress.push(e) });
  const pb = (async () => {
    await new Promise<void>((resolve) => clock.setTimeout(resolve, options.delayJoinB ?? 1000));
    return runPunch({ ...common, reportedPeerMapping: options.peerMappings?.[1], lowTtl: options.ttlFlags?.[1], factory: recording(hostB, clock, sentB, options.ttlBlind, options.realTtl), hostAddresses: [options.sameLan ? '192.168.1.20' : b !== 'open' ? '10.0.2.20' : '192.0.2.20', ...(options.ipv6?.[1] ? [V6_B] : [])] });
  })();
  const [ra, rb] = await clock.run(Promise.all([pa, pb]), { maxMs: 120_000 });
  return { ra, rb, sentA, sentB, progress, rendezvous, net };
}

