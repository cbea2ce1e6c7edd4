/**
 * An in-process UDP network for tests: a tree with the internet at the root, NAT devices (nestable:
 * a home NAT behind a carrier NAT) and hosts at the leaves. Hosts implement the engine's
 * `UdpSocketFactory`, so the probe engine runs on it unchanged. NAT behaviour is a plain value
 * (`NatModel`, RFC 4787 vocabulary), and every hop is a timer on the injected clock, so a test
 * names the NAT it wants in one line and never sleeps. Every router (the internet, a NAT, a plain
 * router) takes one off a packet's TTL before forwarding it and drops it when none is left, before
 * a NAT makes or refreshes a mapping for it (as Linux confirms conntrack only after ip_forward).
 *
 * Ideas from pion/transport `vnet` and Tailscale `natlab`; the code is our own.
 */

import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Clock } from '../../../src/engine/clock';
import {
  endpointKey,
  type BindOptions,
  type Endpoint,
  type Family,
  type UdpSocket,
  type UdpSocketFactory,
} from '../../../src/engine/net/udp';
import { prng as seededRandom } from '../prng';

// ---------------------------------------------------------------------------------------------
// Public types

/** RFC 4787 §4.1. 'none' = a stateful firewall that does not translate (hosts keep public addresses). */
export type MappingBehaviour = 'endpoint-independent' | 'address-dependent' | 'address-and-port-dependent' | 'none';
/** RFC 4787 §5. */
export type FilteringBehaviour = 'endpoint-independent' | 'address-dependent' | 'address-and-port-dependent';

export interface NatModel {
  /** External addresses, in the realm of whatever the NAT sits behind. Unused when mapping is 'none'. */
  readonly publicAddresses: readonly string[];
  readonly mapping: MappingBehaviour;
  readonly filtering: FilteringBehaviour;
  /** Keep the internal port when it is free on the external address, else take the next free one. Default true. */
  readonly portPreservation?: boolean;
  /**
   * Without port preservation: 'random' (default) draws each new mapping's port; 'sequential'
   * takes the next free port after the last one allocated (from a random start), as some NATs do.
   */
  readonly portAllocation?: 'random' | 'sequential';
  /** 'paired' (default): one internal address always uses the same external address. 'arbitrary': any. */
  readonly pooling?: 'paired' | 'arbitrary';
  /** Idle timeout of a mapping, from the last outbound packet (and inbound with refreshOnInbound). Default 120000. */
  readonly bindingTimeoutMs?: number;
  /** Whether admitted inbound packets refresh the mapping too. Default false (RFC 4787 REQ-6 only requires outbound). */
  readonly refreshOnInbound?: boolean;
  /** A mapping dies this long after creation, whatever the traffic. */
  readonly absoluteTimeoutMs?: number;
  /** Loop packets sent from inside to one of the NAT's own mappings back inside (RFC 4787 REQ-9). Default false. */
  readonly hairpin?: boolean;
  /** Drop all UDP, both ways. */
  readonly blockUdp?: boolean;
  /** Drop outbound UDP to these destination ports. */
  readonly dropOutboundPorts?: readonly number[];
  /** A plain router: forwards both ways, keeps no state, translates and filters nothing (a hop in front of a NAT). */
  readonly stateless?: boolean;
  /**
   * A dual-stack home router: IPv4 is translated as the model says, IPv6 is routed untranslated
   * (the hosts' global addresses are reachable names from outside) through a stateful firewall
   * that filters by address and port (RFC 6092 REC-11): outbound opens, inbound only answers.
   */
  readonly ipv6Firewall?: boolean;
}

/** One node's uplink: paid once per traversal in each direction. */
export interface LinkProfile {
  readonly delayMs?: number;
  /** Probability in [0, 1] that a packet is lost on one traversal. */
  readonly lossRate?: number;
}

export interface VirtualNetworkOptions {
  /** Seed of the PRNG used for loss and port allocation. Same seed, same run. Default 1. */
  readonly seed?: number;
}

export interface HostOptions {
  /** IPv4 and/or IPv6 literals; private ones when behind a translating NAT. At least one. */
  readonly addresses: readonly string[];
  /** The NAT (or firewall) this host sits behind; the internet when absent. */
  readonly behind?: VirtualNat;
  readonly link?: LinkProfile;
  /** Name used in packet events; 'host1', 'host2', … by default. */
  readonly name?: string;
  /**
   * Answer a datagram to a port nobody listens on with ICMP port unreachable (RFC 1122
   * §4.1.3.1), as a Linux host does unless a firewall drops it. Default false: silent. Only a
   * connected socket hears it (onRefused), as with real sockets.
   */
  readonly portUnreachable?: boolean;
}

export interface NatOptions {
  readonly behind?: VirtualNat;
  readonly link?: LinkProfile;
  /** Name used in packet events; 'nat1', 'nat2', … by default. */
  readonly name?: string;
}

export type DropReason =
  | 'loss'
  | 'filtered'
  | 'no-route'
  | 'expired'
  | 'blocked'
  | 'hairpin-off'
  /** Reached the host but no socket is bound there (or it has no message handler yet). */
  | 'no-listener'
  /** A router had to forward it with no TTL left (RFC 1812 §5.3.1). */
  | 'ttl-exceeded';

export const DROP_REASONS: readonly DropReason[] = [
  'loss',
  'filtered',
  'no-route',
  'expired',
  'blocked',
  'hairpin-off',
  'no-listener',
  'ttl-exceeded',
];

export interface NetworkStats {
  /** Datagrams handed to the network (socket sends and injections). */
  readonly sent: number;
  /** Datagrams handed to a socket's message handler. */
  readonly delivered: number;
  readonly dropped: Readonly<Record<DropReason, number>>;
}

/**
 * What the tap sees. 'send': a host (or `inject`, where = 'internet') emitted the packet;
 * 'arrive': the packet reached node `where` after crossing a link; 'deliver': handed to a socket;
 * 'drop': discarded at `where` for `reason`. `from`/`to` are the packet's addresses at that point.
 */
export interface PacketEvent {
  readonly kind: 'send' | 'arrive' | 'deliver' | 'drop';
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly where: string;
  /** Shared with other events of the same packet: do not mutate. */
  readonly data: Uint8Array;
  /** Virtual time. */
  readonly at: number;
  readonly reason?: DropReason;
  /** Set on an ICMP port unreachable (empty data) rather than a datagram. */
  readonly icmp?: 'port-unreachable';
}

export interface NatMapping {
  readonly internal: Endpoint;
  readonly external: Endpoint;
  /** What the mapping is keyed on besides the internal endpoint: a destination address (ADM) or address:port (APDM). */
  readonly destination?: string;
  readonly createdAt: number;
  readonly lastOutboundAt: number;
  readonly lastInboundAt?: number;
  /** The time the idle timeout counts from. */
  readonly lastActivity: number;
  readonly expiresAt: number;
}

/**
 * Classic NAT types as one-liners. The names are the old RFC 3489 ones; the values are RFC 4787
 * behaviours. `extra` overrides anything (timeouts, hairpin, …).
 */
export const natModels = {
  /** EIM + EIF ("full cone"). */
  fullCone: (publicAddress: string | readonly string[], extra: Partial<NatModel> = {}): NatModel =>
    model(publicAddress, 'endpoint-independent', 'endpoint-independent', extra),
  /** EIM + ADF ("restricted cone"). */
  restrictedCone: (publicAddress: string | readonly string[], extra: Partial<NatModel> = {}): NatModel =>
    model(publicAddress, 'endpoint-independent', 'address-dependent', extra),
  /** EIM + APDF ("port-restricted cone"), the common home router. */
  portRestrictedCone: (publicAddress: string | readonly string[], extra: Partial<NatModel> = {}): NatModel =>
    model(publicAddress, 'endpoint-independent', 'address-and-port-dependent', extra),
  /** APDM + APDF ("symmetric"), without port preservation. */
  symmetric: (publicAddress: string | readonly string[], extra: Partial<NatModel> = {}): NatModel =>
    model(publicAddress, 'address-and-port-dependent', 'address-and-port-dependent', {
      portPreservation: false,
      ...extra,
    }),
  /** No translation, stateful APDF filtering. */
  firewall: (extra: Partial<NatModel> = {}): NatModel => model([], 'none', 'address-and-port-dependent', extra),
  /** A plain router: one hop, no state, nothing translated or filtered. */
  router: (): NatModel => model([], 'none', 'endpoint-independent', { stateless: true }),
};

function model(
  publicAddress: string | readonly string[],
  mapping: MappingBehaviour,
  filtering: FilteringBehaviour,
  extra: Partial<NatModel>,
): NatModel {
  return {
    publicAddresses: typeof publicAddress === 'string' ? [publicAddress] : publicAddress,
    mapping,
    filtering,
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// Addresses and errors

type ErrorWithCode = Error & { code?: string };

function vnetError(code: string, message: string): ErrorWithCode {
  const error: ErrorWithCode = new Error(`${code}: ${message}`);
  error.code = code;
  return error;
}

function familyOf(address: string): Family | undefined {
  if (isIPv4(address)) return 4;
  if (isIPv6(address) && !address.includes('%')) return 6;
  return undefined;
}

/** Canonical text of an IP literal (RFC 5952 for IPv6), or undefined when it is not one. */
function canonical(address: string): string | undefined {
  if (typeof address !== 'string') return undefined;
  const family = familyOf(address);
  if (family === undefined) return undefined;
  return family === 4 ? address : ipaddr.parse(address).toString();
}

function isIPv4Mapped(address: string): boolean {
  return familyOf(address) === 6 && (ipaddr.parse(address) as ipaddr.IPv6).isIPv4MappedAddress();
}

function wildcardOf(family: Family): string {
  return family === 4 ? '0.0.0.0' : '::';
}

function validPort(port: unknown, allowZero: boolean): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port >= (allowZero ? 0 : 1) && port <= 65535;
}

function checkLink(link: LinkProfile | undefined, what: string): LinkProfile | undefined {
  if (!link) return undefined;
  const delay = link.delayMs ?? 0;
  const loss = link.lossRate ?? 0;
  if (!Number.isFinite(delay) || delay < 0) throw new RangeError(`${what}: delayMs must be a finite number >= 0`);
  if (!(loss >= 0 && loss <= 1)) throw new RangeError(`${what}: lossRate must be within [0, 1]`);
  return { delayMs: delay, lossRate: loss };
}

// ---------------------------------------------------------------------------------------------
// Internal topology

interface Packet {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly data: Uint8Array;
  /** IP TTL left; DEFAULT_TTL when absent. */
  readonly ttl?: number;
  /**
   * An ICMP port unreachable about a datagram to `src`. It travels like a reply from that
   * endpoint, so NATs translate and filter it with the datagram's mapping (RFC 5508 §3).
   */
  readonly icmpPortUnreachable?: true;
}

interface RootNode {
  readonly kind: 'root';
  readonly name: string;
  /** Address in this node's realm → the direct child towards its owner. */
  readonly routes: Map<string, ChildNode>;
}

interface HostNode {
  readonly kind: 'host';
  readonly name: string;
  readonly parent: RouterNode;
  readonly link: LinkProfile | undefined;
  readonly addresses: readonly string[];
  /** `${family}|${address or *}|${port}` → socket. */
  readonly sockets: Map<string, VirtualSocket>;
  readonly portUnreachable: boolean;
}

type ChildNode = HostNode | NatNode;
type RouterNode = RootNode | NatNode;
type Node = RootNode | ChildNode;

interface MappingState {
  readonly internal: Endpoint;
  readonly external: Endpoint;
  readonly flowKey: string;
  readonly destination: string | undefined;
  readonly createdAt: number;
  lastOutbound: number;
  lastInbound: number | undefined;
  readonly permittedAddresses: Set<string>;
  readonly permittedEndpoints: Set<string>;
}

interface ResolvedModel {
  readonly publicAddresses: readonly string[];
  readonly mapping: MappingBehaviour;
  readonly filtering: FilteringBehaviour;
  readonly portPreservation: boolean;
  readonly portAllocation: 'random' | 'sequential';
  readonly pooling: 'paired' | 'arbitrary';
  readonly bindingTimeoutMs: number;
  readonly refreshOnInbound: boolean;
  readonly absoluteTimeoutMs: number | undefined;
  readonly hairpin: boolean;
  readonly blockUdp: boolean;
  readonly dropOutboundPorts: ReadonlySet<number>;
  readonly stateless: boolean;
  readonly ipv6Firewall: boolean;
}

function resolveModel(m: NatModel): ResolvedModel {
  const mappings: MappingBehaviour[] = ['endpoint-independent', 'address-dependent', 'address-and-port-dependent', 'none'];
  const filterings: FilteringBehaviour[] = ['endpoint-independent', 'address-dependent', 'address-and-port-dependent'];
  if (!mappings.includes(m.mapping)) throw new TypeError(`NatModel.mapping: unknown behaviour '${m.mapping}'`);
  if (!filterings.includes(m.filtering)) throw new TypeError(`NatModel.filtering: unknown behaviour '${m.filtering}'`);
  const publicAddresses = (m.publicAddresses ?? []).map((a) => {
    const c = canonical(a);
    if (!c) throw new TypeError(`NatModel.publicAddresses: '${a}' is not an IP address`);
    return c;
  });
  if (new Set(publicAddresses).size !== publicAddresses.length) {
    throw new TypeError('NatModel.publicAddresses: duplicate address');
  }
  if (m.mapping !== 'none' && publicAddresses.length === 0) {
    throw new TypeError(`NatModel: a translating NAT (mapping '${m.mapping}') needs at least one public address`);
  }
  const bindingTimeoutMs = m.bindingTimeoutMs ?? 120_000;
  if (!(bindingTimeoutMs > 0)) throw new RangeError('NatModel.bindingTimeoutMs must be > 0');
  if (m.absoluteTimeoutMs !== undefined && !(m.absoluteTimeoutMs > 0)) {
    throw new RangeError('NatModel.absoluteTimeoutMs must be > 0');
  }
  for (const p of m.dropOutboundPorts ?? []) {
    if (!validPort(p, false)) throw new RangeError(`NatModel.dropOutboundPorts: ${p} is not a port`);
  }
  return {
    publicAddresses: m.mapping === 'none' ? [] : publicAddresses,
    mapping: m.mapping,
    filtering: m.filtering,
    portPreservation: m.portPreservation ?? true,
    portAllocation: m.portAllocation ?? 'random',
    pooling: m.pooling ?? 'paired',
    bindingTimeoutMs,
    refreshOnInbound: m.refreshOnInbound ?? false,
    absoluteTimeoutMs: m.absoluteTimeoutMs,
    hairpin: m.hairpin ?? false,
    blockUdp: m.blockUdp ?? false,
    dropOutboundPorts: new Set(m.dropOutboundPorts ?? []),
    stateless: m.stateless ?? false,
    ipv6Firewall: m.ipv6Firewall ?? false,
  };
}

/** The TTL a socket sends with until setTtl (Linux's net.ipv4.ip_default_ttl). */
const DEFAULT_TTL = 64;
const PORT_MIN = 1024;
const PORT_SPAN = 65536 - PORT_MIN;

/** A NAT or firewall and its binding table. Routing is done by the network; this is the state. */
class NatNode {
  readonly kind = 'nat';
  readonly routes = new Map<string, ChildNode>();
  readonly translating: boolean;
  private readonly byFlow = new Map<string, MappingState>();
  private readonly byExternal = new Map<string, MappingState>();
  /** External endpoints of mappings that timed out, so late inbound counts as 'expired'. */
  private readonly tombstones = new Set<string>();
  private readonly paired = new Map<string, string>();
  private pairedCount = 0;
  /** portAllocation 'sequential': where the next search starts. */
  private nextPort: number | undefined;

  constructor(
    readonly name: string,
    readonly parent: RouterNode,
    readonly link: LinkProfile | undefined,
    readonly model: ResolvedModel,
    private readonly now: () => number,
    private readonly random: () => number,
  ) {
    this.translating = model.mapping !== 'none';
  }

  /** Whether this node translates packets of `address`'s family (an ipv6Firewall router routes IPv6). */
  translates(address: string): boolean {
    return this.translating && !(this.model.ipv6Firewall && familyOf(address) === 6);
  }

  ownsPublic(address: string): boolean {
    return this.model.publicAddresses.includes(address);
  }

  expiresAt(m: MappingState): number {
    let base = m.lastOutbound;
    if (this.model.refreshOnInbound && m.lastInbound !== undefined) base = Math.max(base, m.lastInbound);
    const idle = base + this.model.bindingTimeoutMs;
    const absolute =
      this.model.absoluteTimeoutMs === undefined ? Infinity : m.createdAt + this.model.absoluteTimeoutMs;
    return Math.min(idle, absolute);
  }

  private alive(m: MappingState): boolean {
    return this.now() < this.expiresAt(m);
  }

  private expire(m: MappingState): void {
    this.byFlow.delete(m.flowKey);
    const key = endpointKey(m.external);
    this.byExternal.delete(key);
    this.tombstones.add(key);
  }

  private sweep(): void {
    for (const m of [...this.byExternal.values()]) if (!this.alive(m)) this.expire(m);
  }

  /** The binding an outbound packet from `src` to `dst` uses (created or refreshed), or why it cannot. */
  outbound(src: Endpoint, dst: Endpoint): MappingState | DropReason {
    const internalKey = endpointKey(src);
    let destination: string | undefined;
    // Untranslated (an ipv6Firewall router's IPv6): one state per internal endpoint, its permissions growing per destination.
    if (!this.translates(src.address)) destination = undefined;
    else if (this.model.mapping === 'address-dependent') destination = dst.address;
    else if (this.model.mapping === 'address-and-port-dependent') destination = endpointKey(dst);
    const flowKey = destination === undefined ? internalKey : `${internalKey}>${destination}`;
    let m = this.byFlow.get(flowKey);
    if (m && !this.alive(m)) {
      this.expire(m);
      m = undefined;
    }
    if (!m) {
      const external = this.translates(src.address) ? this.allocate(src) : { address: src.address, port: src.port };
      if (!external) return 'no-route';
      const now = this.now();
      m = {
        internal: { address: src.address, port: src.port },
        external,
        flowKey,
        destination,
        createdAt: now,
        lastOutbound: now,
        lastInbound: undefined,
        permittedAddresses: new Set(),
        permittedEndpoints: new Set(),
      };
      const externalKey = endpointKey(external);
      this.byFlow.set(flowKey, m);
      this.byExternal.set(externalKey, m);
      this.tombstones.delete(externalKey);
    }
    m.lastOutbound = this.now();
    m.permittedAddresses.add(dst.address);
    m.permittedEndpoints.add(endpointKey(dst));
    return m;
  }

  /** The binding an inbound packet to external endpoint `dst` from `src` may use, or why not (RFC 4787 §5). */
  inbound(dst: Endpoint, src: Endpoint): MappingState | DropReason {
    const key = endpointKey(dst);
    const m = this.byExternal.get(key);
    if (!m) return this.tombstones.has(key) ? 'expired' : 'filtered';
    if (!this.alive(m)) {
      this.expire(m);
      return 'expired';
    }
    const filtering = this.model.ipv6Firewall && familyOf(dst.address) === 6 ? 'address-and-port-dependent' : this.model.filtering;
    const admitted =
      filtering === 'endpoint-independent' ||
      (filtering === 'address-dependent' && m.permittedAddresses.has(src.address)) ||
      (filtering === 'address-and-port-dependent' && m.permittedEndpoints.has(endpointKey(src)));
    if (!admitted) return 'filtered';
    m.lastInbound = this.now();
    return m;
  }

  private externalAddressFor(src: Endpoint): string | undefined {
    const family = familyOf(src.address);
    const pool = this.model.publicAddresses.filter((a) => familyOf(a) === family);
    if (pool.length === 0) return undefined;
    if (this.model.pooling === 'arbitrary') return pool[Math.floor(this.random() * pool.length)];
    let address = this.paired.get(src.address);
    if (address === undefined) {
      address = pool[this.pairedCount++ % pool.length];
      this.paired.set(src.address, address);
    }
    return address;
  }

  private allocate(src: Endpoint): Endpoint | undefined {
    const address = this.externalAddressFor(src);
    if (address === undefined) return undefined;
    this.sweep();
    const taken = (port: number): boolean => this.byExternal.has(endpointKey({ address, port }));
    if (this.model.portPreservation) {
      if (!taken(src.port)) return { address, port: src.port };
      for (let i = 1; i <= PORT_SPAN; i++) {
        const port = PORT_MIN + ((Math.max(src.port, PORT_MIN) - PORT_MIN + i) % PORT_SPAN);
        if (!taken(port)) return { address, port };
      }
      return undefined;
    }
    // No preservation: a random port, never the internal one, avoiding recently expired ports.
    const avoid = (port: number): boolean =>
      taken(port) || port === src.port || this.tombstones.has(endpointKey({ address, port }));
    if (this.model.portAllocation === 'sequential') {
      this.nextPort ??= PORT_MIN + Math.floor(this.random() * PORT_SPAN);
      for (let i = 0; i < PORT_SPAN; i++) {
        const port = PORT_MIN + ((this.nextPort - PORT_MIN + i) % PORT_SPAN);
        if (!avoid(port)) {
          this.nextPort = port + 1 > 65535 ? PORT_MIN : port + 1;
          return { address, port };
        }
      }
    }
    for (let i = 0; i < 64; i++) {
      const port = PORT_MIN + Math.floor(this.random() * PORT_SPAN);
      if (!avoid(port)) return { address, port };
    }
    for (let port = PORT_MIN; port <= 65535; port++) if (!avoid(port)) return { address, port };
    for (let port = PORT_MIN; port <= 65535; port++) if (!taken(port)) return { address, port };
    return undefined;
  }

  mappings(): NatMapping[] {
    this.sweep();
    return [...this.byExternal.values()].map((m) => {
      const expiresAt = this.expiresAt(m);
      const lastActivity =
        this.model.refreshOnInbound && m.lastInbound !== undefined ? Math.max(m.lastOutbound, m.lastInbound) : m.lastOutbound;
      return {
        internal: { ...m.internal },
        external: { ...m.external },
        ...(m.destination !== undefined ? { destination: m.destination } : {}),
        createdAt: m.createdAt,
        lastOutboundAt: m.lastOutbound,
        ...(m.lastInbound !== undefined ? { lastInboundAt: m.lastInbound } : {}),
        lastActivity,
        expiresAt,
      };
    });
  }

  clear(): void {
    for (const m of [...this.byExternal.values()]) this.expire(m);
  }
}

// ---------------------------------------------------------------------------------------------
// Public facades

const natNodes = new WeakMap<VirtualNat, NatNode>();

/** A NAT or firewall in a `VirtualNetwork`. */
export class VirtualNat {
  /** @internal Use `VirtualNetwork.addNat`. */
  constructor(node: NatNode, readonly network: VirtualNetwork) {
    natNodes.set(this, node);
  }

  private get node(): NatNode {
    return natNodes.get(this) as NatNode;
  }

  get name(): string {
    return this.node.name;
  }

  /** The model with defaults filled in. */
  get model(): Required<Omit<NatModel, 'absoluteTimeoutMs'>> & Pick<NatModel, 'absoluteTimeoutMs'> {
    const m = this.node.model;
    return { ...m, publicAddresses: [...m.publicAddresses], dropOutboundPorts: [...m.dropOutboundPorts] };
  }

  get publicAddresses(): readonly string[] {
    return [...this.node.model.publicAddresses];
  }

  /** Live bindings (for a firewall: the pinholes, with external = internal). */
  mappings(): NatMapping[] {
    return this.node.mappings();
  }

  /** Forgets every binding, like a NAT reboot. */
  clearMappings(): void {
    this.node.clear();
  }
}

/** A host: a socket factory bound to the host's addresses. */
export class VirtualHost implements UdpSocketFactory {
  /** @internal Use `VirtualNetwork.addHost`. */
  constructor(
    private readonly node: HostNode,
    private readonly fabric: Fabric,
  ) {}

  get name(): string {
    return this.node.name;
  }

  /** Canonical form of the addresses given at creation, in order. */
  get addresses(): readonly string[] {
    return [...this.node.addresses];
  }

  bind(options: BindOptions): Promise<UdpSocket> {
    try {
      return Promise.resolve(this.bindNow(options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private bindNow(options: BindOptions): VirtualSocket {
    const family = options?.family;
    if (family !== 4 && family !== 6) throw vnetError('EINVAL', `bind: family must be 4 or 6, got ${String(family)}`);
    const port = options.port ?? 0;
    if (!validPort(port, true)) throw vnetError('EINVAL', `bind: port must be an integer in 0..65535, got ${port}`);
    const own = this.node.addresses.filter((a) => familyOf(a) === family);
    if (own.length === 0) throw vnetError('EADDRNOTAVAIL', `bind: host ${this.name} has no IPv${family} address`);
    let address: string | undefined;
    if (options.address !== undefined) {
      const c = canonical(options.address);
      if (!c || familyOf(c) !== family) {
        throw vnetError('EINVAL', `bind: '${options.address}' is not an IPv${family} address`);
      }
      if (c !== wildcardOf(family)) {
        if (!own.includes(c)) {
          throw vnetError('EADDRNOTAVAIL', `bind: host ${this.name} does not have address ${c} (it has ${own.join(', ')})`);
        }
        address = c;
      }
    }
    const conflicts = (p: number): boolean => {
      for (const s of this.node.sockets.values()) {
        if (s.family === family && s.port === p && (address === undefined || s.boundAddress === undefined || s.boundAddress === address)) {
          return true;
        }
      }
      return false;
    };
    let chosen = port;
    if (chosen === 0) {
      const span = 65535 - 49152 + 1;
      const start = Math.floor(this.fabric.random() * span);
      chosen = -1;
      for (let i = 0; i < span; i++) {
        const p = 49152 + ((start + i) % span);
        if (!conflicts(p)) {
          chosen = p;
          break;
        }
      }
      if (chosen < 0) throw vnetError('EADDRINUSE', `bind: no ephemeral IPv${family} port left on host ${this.name}`);
    } else if (conflicts(chosen)) {
      const shown = endpointKey({ address: address ?? wildcardOf(family), port: chosen });
      throw vnetError('EADDRINUSE', `bind: ${shown} is already in use on host ${this.name}`);
    }
    let peer: Endpoint | undefined;
    if (options.connect !== undefined) {
      const c = canonical(options.connect.address);
      if (!c || familyOf(c) !== family || !validPort(options.connect.port, false)) {
        throw vnetError('EINVAL', `connect: '${endpointKey(options.connect)}' is not an IPv${family} endpoint`);
      }
      peer = { address: c, port: options.connect.port };
    }
    const socket = new VirtualSocket(this.node, this.fabric, family, address, chosen, peer);
    this.node.sockets.set(socket.key, socket);
    return socket;
  }
}

/** What hosts and sockets need from the network. */
interface Fabric {
  random(): number;
  sendFromHost(host: HostNode, packet: Packet): void;
}

class VirtualSocket implements UdpSocket {
  private handler: ((data: Uint8Array, from: Endpoint) => void) | undefined;
  private refusedHandler: (() => void) | undefined;
  private closed = false;
  private ttl = DEFAULT_TTL;
  readonly key: string;

  constructor(
    private readonly host: HostNode,
    private readonly fabric: Fabric,
    readonly family: Family,
    /** undefined = wildcard. */
    readonly boundAddress: string | undefined,
    readonly port: number,
    /** The connected peer (connect(2)), canonical; undefined = unconnected. */
    readonly peer: Endpoint | undefined,
  ) {
    this.key = `${family}|${boundAddress ?? '*'}|${port}`;
  }

  localEndpoint(): Endpoint {
    return { address: this.boundAddress ?? wildcardOf(this.family), port: this.port };
  }

  setTtl(ttl: number): void {
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 255) throw vnetError('EINVAL', `setTtl: ${ttl} is not a TTL (1-255)`);
    this.ttl = ttl;
  }

  send(data: Uint8Array, to: Endpoint): Promise<void> {
    try {
      this.sendNow(data, to);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private sendNow(data: Uint8Array, to: Endpoint): void {
    if (this.closed) throw vnetError('ERR_SOCKET_DGRAM_NOT_RUNNING', 'send: socket is closed');
    if (!(data instanceof Uint8Array)) throw vnetError('EINVAL', 'send: data must be a Uint8Array');
    const address = canonical(to?.address);
    if (!address) throw vnetError('EINVAL', `send: '${String(to?.address)}' is not an IP address`);
    if (isIPv4Mapped(address)) {
      throw vnetError('EINVAL', `send: IPv4-mapped destination ${address} is not supported; use the IPv4 address`);
    }
    if (familyOf(address) !== this.family) {
      throw vnetError('EINVAL', `send: cannot send to ${address} from an IPv${this.family} socket`);
    }
    if (!validPort(to.port, false)) throw vnetError('EINVAL', `send: port must be an integer in 1..65535, got ${to.port}`);
    if (this.peer && !(this.peer.address === address && this.peer.port === to.port)) {
      throw vnetError('EISCONN', `send: this socket is connected to ${endpointKey(this.peer)}`);
    }
    const source = this.boundAddress ?? this.host.addresses.find((a) => familyOf(a) === this.family);
    if (!source) throw vnetError('EADDRNOTAVAIL', `send: host ${this.host.name} has no IPv${this.family} address`);
    this.fabric.sendFromHost(this.host, {
      src: { address: source, port: this.port },
      dst: { address, port: to.port },
      data: data.slice(),
      ttl: this.ttl,
    });
  }

  onMessage(handler: (data: Uint8Array, from: Endpoint) => void): void {
    this.handler = handler;
  }

  /** @internal */
  get listening(): boolean {
    return !this.closed && this.handler !== undefined;
  }

  onRefused(handler: () => void): void {
    this.refusedHandler = handler;
  }

  /** @internal A connected socket takes datagrams from its peer only, as the kernel filters. */
  accepts(from: Endpoint): boolean {
    return !this.peer || (this.peer.address === from.address && this.peer.port === from.port);
  }

  /** @internal */
  receive(data: Uint8Array, from: Endpoint): void {
    this.handler?.(data.slice(), { ...from });
  }

  /** @internal ICMP port unreachable about a datagram we sent to `about`. */
  refused(about: Endpoint): void {
    if (!this.closed && this.peer && this.accepts(about)) this.refusedHandler?.();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handler = undefined;
    if (this.host.sockets.get(this.key) === this) this.host.sockets.delete(this.key);
  }
}

// ---------------------------------------------------------------------------------------------
// The network

export class VirtualNetwork {
  private readonly random: () => number;
  private readonly root: RootNode = { kind: 'root', name: 'internet', routes: new Map() };
  private defaultLink: LinkProfile = {};
  private readonly taps = new Set<(event: PacketEvent) => void>();
  private readonly names = new Set<string>(['internet']);
  private hostCount = 0;
  private natCount = 0;
  private sent = 0;
  private delivered = 0;
  private dropped: Record<DropReason, number> = VirtualNetwork.zeroDrops();
  private readonly fabric: Fabric;

  constructor(
    readonly clock: Clock,
    options: VirtualNetworkOptions = {},
  ) {
    this.random = seededRandom(options.seed ?? 1);
    this.fabric = {
      random: () => this.random(),
      sendFromHost: (host, packet) => this.sendFromHost(host, packet),
    };
  }

  private static zeroDrops(): Record<DropReason, number> {
    return Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  }

  addHost(options: HostOptions): VirtualHost {
    const parent = this.parentNode(options.behind);
    const addresses = (options.addresses ?? []).map((a) => {
      const c = canonical(a);
      if (!c || c === wildcardOf(familyOf(c) as Family)) throw new TypeError(`addHost: '${a}' is not a usable IP address`);
      return c;
    });
    if (addresses.length === 0) throw new TypeError('addHost: a host needs at least one address');
    if (new Set(addresses).size !== addresses.length) throw new TypeError('addHost: duplicate address');
    const name = this.claimName(options.name, `host${++this.hostCount}`);
    const node: HostNode = {
      kind: 'host',
      name,
      parent,
      link: checkLink(options.link, `addHost(${name}).link`),
      addresses,
      sockets: new Map(),
      portUnreachable: options.portUnreachable ?? false,
    };
    this.register(node, addresses);
    return new VirtualHost(node, this.fabric);
  }

  addNat(natModel: NatModel, options: NatOptions = {}): VirtualNat {
    const parent = this.parentNode(options.behind);
    const resolved = resolveModel(natModel);
    const name = this.claimName(options.name, `nat${++this.natCount}`);
    const node = new NatNode(
      name,
      parent,
      checkLink(options.link, `addNat(${name}).link`),
      resolved,
      () => this.clock.now(),
      this.random,
    );
    this.register(node, resolved.publicAddresses);
    return new VirtualNat(node, this);
  }

  /** The uplink profile of every node created without its own `link` (applies from now on). */
  setDefaultLink(profile: LinkProfile): void {
    this.defaultLink = checkLink(profile, 'setDefaultLink') ?? {};
  }

  get stats(): NetworkStats {
    return { sent: this.sent, delivered: this.delivered, dropped: { ...this.dropped } };
  }

  resetStats(): void {
    this.sent = 0;
    this.delivered = 0;
    this.dropped = VirtualNetwork.zeroDrops();
  }

  /** Sees every packet at every hop. Returns an unsubscribe function. */
  onPacket(tap: (event: PacketEvent) => void): () => void {
    this.taps.add(tap);
    return () => this.taps.delete(tap);
  }

  /** Delivers a forged packet as if it came from `from` on the internet (spoofing tests). */
  inject(from: Endpoint, to: Endpoint, data: Uint8Array): void {
    const src = canonical(from?.address);
    const dst = canonical(to?.address);
    if (!src || !dst) throw new TypeError('inject: from and to need IP addresses');
    if (familyOf(src) !== familyOf(dst)) throw new TypeError('inject: from and to are of different families');
    if (!validPort(from.port, false) || !validPort(to.port, false)) throw new TypeError('inject: ports must be 1..65535');
    const packet: Packet = { src: { address: src, port: from.port }, dst: { address: dst, port: to.port }, data: data.slice() };
    this.sent++;
    this.emit('send', this.root.name, packet);
    this.clock.setTimeout(() => this.arrive(this.root, packet, 'above'), 0);
  }

  // --- topology -------------------------------------------------------------------------------

  private parentNode(behind: VirtualNat | undefined): RouterNode {
    if (behind === undefined) return this.root;
    const node = natNodes.get(behind);
    if (!node || behind.network !== this) throw new TypeError('behind: that NAT belongs to another network');
    return node;
  }

  private claimName(wanted: string | undefined, fallback: string): string {
    const name = wanted ?? fallback;
    if (this.names.has(name)) throw new TypeError(`name '${name}' is already used in this network`);
    this.names.add(name);
    return name;
  }

  /**
   * Makes `addresses` routable to `node`: in its parent's table, and on up through firewalls
   * (which do not translate, so their children live in the firewall's parent's realm).
   */
  private register(node: ChildNode, addresses: readonly string[]): void {
    // Per address: a dual-stack router (ipv6Firewall) translates one family and routes the other.
    const chainOf = (a: string): Array<[RouterNode, ChildNode]> => {
      const chain: Array<[RouterNode, ChildNode]> = [];
      let child: ChildNode = node;
      let router: RouterNode = node.parent;
      for (;;) {
        chain.push([router, child]);
        if (router.kind === 'root' || router.translates(a)) break;
        child = router;
        router = router.parent;
      }
      return chain;
    };
    for (const a of addresses) {
      for (const [r] of chainOf(a)) {
        const clash = r.routes.get(a) ?? (r.kind === 'nat' && r.ownsPublic(a) ? r : undefined);
        if (clash) throw new TypeError(`address ${a} is already used in the same realm (by ${clash.name})`);
      }
    }
    for (const a of addresses) for (const [r, c] of chainOf(a)) r.routes.set(a, c);
  }

  // --- forwarding -----------------------------------------------------------------------------

  private emit(kind: PacketEvent['kind'], where: string, packet: Packet, reason?: DropReason): void {
    if (this.taps.size === 0) return;
    const event: PacketEvent = {
      kind,
      from: packet.src,
      to: packet.dst,
      where,
      data: packet.data,
      at: this.clock.now(),
      ...(reason ? { reason } : {}),
      ...(packet.icmpPortUnreachable ? { icmp: 'port-unreachable' as const } : {}),
    };
    for (const tap of [...this.taps]) tap(event);
  }

  private drop(where: string, packet: Packet, reason: DropReason): void {
    this.dropped[reason]++;
    this.emit('drop', where, packet, reason);
  }

  private sendFromHost(host: HostNode, packet: Packet): void {
    this.sent++;
    this.emit('send', host.name, packet);
    if (host.addresses.includes(packet.dst.address)) {
      // Loopback to one of the host's own addresses: no link crossed, still asynchronous.
      this.clock.setTimeout(() => this.deliver(host, packet), 0);
      return;
    }
    this.cross(host, 'up', packet);
  }

  /** Crosses `node`'s uplink in `direction`: dice for loss, then a timer for the delay. */
  private cross(node: ChildNode, direction: 'up' | 'down', packet: Packet): void {
    const link = node.link ?? this.defaultLink;
    const lossRate = link.lossRate ?? 0;
    if (lossRate > 0 && this.random() < lossRate) {
      const where = direction === 'up' ? `${node.name}->${node.parent.name}` : `${node.parent.name}->${node.name}`;
      this.drop(where, packet, 'loss');
      return;
    }
    const delay = link.delayMs ?? 0;
    if (direction === 'up') this.clock.setTimeout(() => this.arrive(node.parent, packet, 'below'), delay);
    else this.clock.setTimeout(() => this.arrive(node, packet, 'above'), delay);
  }

  private arrive(node: Node, packet: Packet, from: 'above' | 'below'): void {
    this.emit('arrive', node.name, packet);
    if (node.kind === 'host') {
      this.deliver(node, packet);
      return;
    }
    // A router forwards only what has TTL to spare, taking one off (RFC 1812 §5.3.1).
    const ttl = packet.ttl ?? DEFAULT_TTL;
    if (ttl <= 1) {
      this.drop(node.name, packet, 'ttl-exceeded');
      return;
    }
    const forwarded = { ...packet, ttl: ttl - 1 };
    if (node.kind === 'root') this.routeDown(node, forwarded);
    else if (node.model.stateless) {
      if (from === 'below' && !node.routes.has(packet.dst.address)) this.cross(node, 'up', forwarded);
      else this.routeDown(node, forwarded);
    } else if (from === 'below') this.natFromInside(node, forwarded);
    else this.natFromOutside(node, forwarded);
  }

  private routeDown(router: RouterNode, packet: Packet): void {
    const child = router.routes.get(packet.dst.address);
    if (!child) {
      this.drop(router.name, packet, 'no-route');
      return;
    }
    this.cross(child, 'down', packet);
  }

  private natFromInside(nat: NatNode, packet: Packet): void {
    if (nat.routes.has(packet.dst.address)) {
      // Between two nodes of the inside realm: neither translated nor filtered.
      this.routeDown(nat, packet);
      return;
    }
    if (nat.model.blockUdp) {
      this.drop(nat.name, packet, 'blocked');
      return;
    }
    if (nat.translating && nat.ownsPublic(packet.dst.address)) {
      this.hairpin(nat, packet);
      return;
    }
    if (!packet.icmpPortUnreachable && nat.model.dropOutboundPorts.has(packet.dst.port)) {
      this.drop(nat.name, packet, 'blocked');
      return;
    }
    const binding = nat.outbound(packet.src, packet.dst);
    if (typeof binding === 'string') {
      this.drop(nat.name, packet, binding);
      return;
    }
    this.cross(nat, 'up', { ...packet, src: binding.external });
  }

  /** RFC 4787 REQ-9: translate the source as for the outside, then treat it as arriving from outside. */
  private hairpin(nat: NatNode, packet: Packet): void {
    if (!nat.model.hairpin) {
      this.drop(nat.name, packet, 'hairpin-off');
      return;
    }
    const binding = nat.outbound(packet.src, packet.dst);
    if (typeof binding === 'string') {
      this.drop(nat.name, packet, binding);
      return;
    }
    this.natFromOutside(nat, { ...packet, src: binding.external });
  }

  private natFromOutside(nat: NatNode, packet: Packet): void {
    if (nat.model.blockUdp) {
      this.drop(nat.name, packet, 'blocked');
      return;
    }
    const binding = nat.inbound(packet.dst, packet.src);
    if (typeof binding === 'string') {
      this.drop(nat.name, packet, binding);
      return;
    }
    this.routeDown(nat, { ...packet, dst: binding.internal });
  }

  /** The ICMP error goes back as if from the endpoint that was not listening. */
  private answerPortUnreachable(host: HostNode, about: Packet): void {
    const icmp: Packet = { src: about.dst, dst: about.src, data: new Uint8Array(0), icmpPortUnreachable: true };
    this.emit('send', host.name, icmp);
    if (host.addresses.includes(icmp.dst.address)) {
      this.clock.setTimeout(() => this.deliver(host, icmp), 0);
      return;
    }
    this.cross(host, 'up', icmp);
  }

  private deliver(host: HostNode, packet: Packet): void {
    const { address, port } = packet.dst;
    const family = familyOf(address) as Family;
    const socket = host.sockets.get(`${family}|${address}|${port}`) ?? host.sockets.get(`${family}|*|${port}`);
    if (packet.icmpPortUnreachable) {
      // Not a datagram: it never reaches a message handler or the delivered count.
      this.emit('deliver', host.name, packet);
      socket?.refused(packet.src);
      return;
    }
    if (!socket?.listening || !socket.accepts(packet.src)) {
      this.drop(host.name, packet, 'no-listener');
      if (!socket && host.portUnreachable) this.answerPortUnreachable(host, packet);
      return;
    }
    this.delivered++;
    this.emit('deliver', host.name, packet);
    socket.receive(packet.data, packet.src);
  }
}
