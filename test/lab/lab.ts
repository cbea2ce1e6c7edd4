// Network-namespace NAT lab: real Linux NAT (nftables) between a client namespace and a
// "public" namespace running real STUN servers (coturn in RFC 5780 mode, and stund).
// See test/lab/README.md for the topology, the profiles and the facts learned the hard way.
//
// All lab traffic stays inside the namespaces created here (198.51.100.0/24, the client's
// LAN and loopback). Every process the lab starts is tracked by PID and killed by PID.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Behaviour, NatType } from '../../src/report/report';

// ---------------------------------------------------------------------------------------
// Profiles and their ground truth

// The same vocabulary as the product's Report, so a verdict and a ground truth compare directly.
export type Mapping = Behaviour;
export type Filtering = Behaviour;
export type { NatType };

export type LabProfile = 'port-restricted' | 'symmetric' | 'full-cone' | 'restricted' | 'no-nat' | 'cgnat' | 'udp-blocked';
/**
 * Profiles outside PROFILES (which the oracle suites iterate): `double-nat` has a fourth
 * namespace, a home router (optionally running miniupnpd) behind the carrier router.
 */
export type ExtraLabProfile = 'double-nat';
export type AnyLabProfile = LabProfile | ExtraLabProfile;
export const EXTRA_PROFILES: readonly ExtraLabProfile[] = ['double-nat'];

export interface GroundTruth {
  mapping: Mapping;
  filtering: Filtering;
  natType: NatType;
  cgnat: boolean;
}

export const PROFILES: readonly LabProfile[] = [
  'port-restricted',
  'symmetric',
  'full-cone',
  'restricted',
  'no-nat',
  'cgnat',
  'udp-blocked',
];

/** What each profile *is*, by construction of its nftables rules (not by what a tool says). */
export const GROUND_TRUTH: Readonly<Record<AnyLabProfile, GroundTruth>> = {
  'port-restricted': { mapping: 'endpoint-independent', filtering: 'address-and-port-dependent', natType: 'port-restricted-cone', cgnat: false },
  symmetric: { mapping: 'address-and-port-dependent', filtering: 'address-and-port-dependent', natType: 'symmetric', cgnat: false },
  'full-cone': { mapping: 'endpoint-independent', filtering: 'endpoint-independent', natType: 'full-cone', cgnat: false },
  restricted: { mapping: 'endpoint-independent', filtering: 'address-dependent', natType: 'restricted-cone', cgnat: false },
  'no-nat': { mapping: 'none', filtering: 'endpoint-independent', natType: 'open-internet', cgnat: false },
  cgnat: { mapping: 'endpoint-independent', filtering: 'address-and-port-dependent', natType: 'port-restricted-cone', cgnat: true },
  // Nothing answers, so nobody can know mapping or filtering.
  'udp-blocked': { mapping: 'unknown', filtering: 'unknown', natType: 'udp-blocked', cgnat: false },
  // Two masquerades (home router, then carrier): both EIM/APDF, so the pair is too. CGNAT yes,
  // shown by the home router's own evidence (its WAN is 100.64.0.2), not by a local address.
  'double-nat': { mapping: 'endpoint-independent', filtering: 'address-and-port-dependent', natType: 'port-restricted-cone', cgnat: true },
};

// ---------------------------------------------------------------------------------------
// Addresses

export const PUBLIC_NET = '198.51.100.0/24';
export const PRIMARY_IP = '198.51.100.1';
export const ALTERNATE_IP = '198.51.100.2';
export const ROUTER_WAN_IP = '198.51.100.254';

interface LanPlan {
  /** router's LAN address */
  gateway: string;
  /** client's address */
  client: string;
  prefixLen: number;
  /** the LAN is routed (no NAT): the public namespace needs a route back to it */
  routedNet?: string;
}

const LAN: Readonly<Record<AnyLabProfile, LanPlan>> = {
  'port-restricted': { gateway: '192.168.77.1', client: '192.168.77.2', prefixLen: 24 },
  symmetric: { gateway: '192.168.77.1', client: '192.168.77.2', prefixLen: 24 },
  'full-cone': { gateway: '192.168.77.1', client: '192.168.77.2', prefixLen: 24 },
  restricted: { gateway: '192.168.77.1', client: '192.168.77.2', prefixLen: 24 },
  'no-nat': { gateway: '203.0.113.1', client: '203.0.113.2', prefixLen: 24, routedNet: '203.0.113.0/24' },
  cgnat: { gateway: '100.64.0.1', client: '100.64.0.2', prefixLen: 10 },
  'udp-blocked': { gateway: '192.168.77.1', client: '192.168.77.2', prefixLen: 24 },
  // The client's LAN is the home router's; the carrier router's LAN is HOME_WAN below.
  'double-nat': { gateway: '192.168.1.1', client: '192.168.1.2', prefixLen: 24 },
};

/** double-nat: the carrier router's LAN (shared address space) and the home router's WAN in it. */
export const CARRIER_LAN_IP = '100.64.0.1';
export const HOME_WAN_IP = '100.64.0.2';
export const HOME_WAN_PREFIX = 10;

export interface LabServers {
  /** coturn and stund primary address */
  primary: string;
  /** coturn and stund alternate address (OTHER-ADDRESS / CHANGED-ADDRESS) */
  alternate: string;
  /** coturn listening port on both addresses (RFC 5780; OTHER-ADDRESS = alternate:turnAltPort) */
  turnPort: number;
  /** coturn alternate port (answers CHANGE-REQUEST change-port) */
  turnAltPort: number;
  /** stund (RFC 3489) primary port on both addresses */
  stundPort: number;
  /** stund alternate port */
  stundAltPort: number;
}

export const SERVERS: Readonly<LabServers> = {
  primary: PRIMARY_IP,
  alternate: ALTERNATE_IP,
  turnPort: 3478,
  turnAltPort: 3479,
  stundPort: 3480,
  stundAltPort: 3481,
};

// ---------------------------------------------------------------------------------------
// Tools, availability, dependency installation

const EXTRA_PATH = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

function labEnv(extra?: Record<string, string>): NodeJS.ProcessEnv {
  const parts = (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':');
  for (const p of EXTRA_PATH) if (!parts.includes(p)) parts.push(p);
  return { ...process.env, PATH: parts.join(':'), LC_ALL: 'C', ...(extra ?? {}) };
}

/** Tools the lab runs (and the Debian package providing each; see scripts/lab/ensure-deps.sh). */
export const LAB_TOOLS: Readonly<Record<string, string>> = {
  ip: 'iproute2',
  ss: 'iproute2',
  nft: 'nftables',
  conntrack: 'conntrack',
  sysctl: 'procps',
  timeout: 'coreutils',
  turnserver: 'coturn',
  turnutils_natdiscovery: 'coturn',
  stun: 'stun-client',
  stund: 'stun-server',
};

function which(tool: string): string | undefined {
  const dirs = (labEnv().PATH ?? '').split(':');
  for (const d of dirs) {
    if (!d) continue;
    const p = path.join(d, tool);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export function missingLabTools(): string[] {
  return Object.keys(LAB_TOOLS).filter((t) => !which(t));
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const ENSURE_DEPS_SCRIPT = path.join(REPO_ROOT, 'scripts', 'lab', 'ensure-deps.sh');
const UDP_TOOL = path.join(__dirname, 'udp-tool.cjs');

/**
 * Run scripts/lab/ensure-deps.sh when running as root and a tool is missing (installs with
 * apt-get). Quiet and instant when everything is there.
 */
export function ensureLabDeps(): { ok: boolean; output: string } {
  if (missingLabTools().length === 0) return { ok: true, output: '' };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { ok: true, output: '' };
  const r = spawnSync('bash', [ENSURE_DEPS_SCRIPT], { env: labEnv(), encoding: 'utf8', timeout: 15 * 60_000 });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

/**
 * miniupnpd (Debian `miniupnpd-nftables`) is only needed by the double-nat profile, so it is
 * not in LAB_TOOLS (a missing miniupnpd must not skip the other suites). As root, installs it
 * with scripts/lab/ensure-deps.sh when missing.
 */
export function miniupnpdAvailability(): { ok: true } | { ok: false; reason: string } {
  if (which('miniupnpd')) return { ok: true };
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    const r = spawnSync('bash', [ENSURE_DEPS_SCRIPT], { env: labEnv(), encoding: 'utf8', timeout: 15 * 60_000 });
    if (which('miniupnpd')) return { ok: true };
    return { ok: false, reason: `miniupnpd missing and ensure-deps.sh could not install it: ${`${r.stdout ?? ''}${r.stderr ?? ''}`.trim().slice(-400)}` };
  }
  return { ok: false, reason: 'miniupnpd missing (install: apt-get install miniupnpd-nftables, or run scripts/lab/ensure-deps.sh as root)' };
}

let availabilityCache: { ok: true } | { ok: false; reason: string } | undefined;

/** Can this machine run the lab? (root, `ip netns`, nftables inside a netns, the oracles and servers.) */
/**
 * For a lab suite's before-hook: returns when the lab can run; otherwise skips the suite with
 * the reason printed, or fails it when NATLAB_REQUIRE=1 (CI), where a lab that cannot run is a
 * broken machine, not a reason to pass.
 */
export function requireLabOrSkip(ctx: { skip(): void }): void {
  const a = labAvailability();
  if (a.ok) return;
  if (process.env.NATLAB_REQUIRE === '1') throw new Error(`the lab is required here (NATLAB_REQUIRE=1) but cannot run: ${a.reason}`);
  console.log(`      lab skipped: ${a.reason}`);
  ctx.skip();
}

export function labAvailability(): { ok: true } | { ok: false; reason: string } {
  if (availabilityCache) return availabilityCache;
  availabilityCache = computeAvailability();
  return availabilityCache;
}

function computeAvailability(): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: `network-namespace lab needs Linux (this is ${process.platform})` };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { ok: false, reason: 'network-namespace lab needs root (ip netns, nftables); run the lab suite as root' };
  }
  const missing = missingLabTools();
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map((t) => LAB_TOOLS[t]))];
    return {
      ok: false,
      reason: `missing tools: ${missing.join(', ')} (install: apt-get install ${pkgs.join(' ')}, or run scripts/lab/ensure-deps.sh)`,
    };
  }
  // A real probe: create a namespace, load an nft table using the features the profiles need.
  const ns = `${PREFIX}-chk`;
  const run = (args: string[], input?: string) =>
    spawnSync(args[0], args.slice(1), { env: labEnv(), encoding: 'utf8', timeout: 10_000, input });
  try {
    let r = run(['ip', 'netns', 'add', ns]);
    if (r.status !== 0) return { ok: false, reason: `'ip netns add' failed: ${(r.stderr || r.error?.message || '').trim()}` };
    const probe = [
      'table ip natlab_probe {',
      '  set s { type inet_service . ipv4_addr; flags dynamic,timeout; timeout 10s; }',
      '  chain f { type filter hook forward priority 0; policy accept;',
      '    meta l4proto udp numgen random mod 100 < 20 counter drop',
      '  }',
      '  chain p { type nat hook postrouting priority srcnat; policy accept;',
      '    oifname "lo" masquerade random,fully-random',
      '  }',
      '}',
      '',
    ].join('\n');
    r = run(['ip', 'netns', 'exec', ns, 'nft', '-f', '-'], probe);
    if (r.status !== 0) return { ok: false, reason: `nftables does not work inside a netns: ${(r.stderr || r.error?.message || '').trim()}` };
    return { ok: true };
  } finally {
    run(['ip', 'netns', 'del', ns]);
  }
}

// ---------------------------------------------------------------------------------------
// Naming, registry, stale sweep

/** Per-process prefix: "nl" + pid in base 36. Namespaces are `${PREFIX}-${n}${role}`. */
const PREFIX = `nl${process.pid.toString(36)}`;
const NAME_RE = /^nl([0-9a-z]+)-[0-9a-z]+$/;
let labCounter = 0;

const liveLabs = new Set<LabImpl>();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function listNetns(): string[] {
  const r = spawnSync('ip', ['netns', 'list'], { env: labEnv(), encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) return [];
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter((x): x is string => !!x);
}

function netnsPids(ns: string): number[] {
  const r = spawnSync('ip', ['netns', 'pids', ns], { env: labEnv(), encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) return [];
  return r.stdout
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 1 && n !== process.pid);
}

/** Processes left inside a namespace of ours were launched by the lab: kill them by PID, then delete it. */
function killNetnsAndDelete(ns: string): void {
  for (const pid of netnsPids(ns)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  spawnSync('ip', ['netns', 'del', ns], { env: labEnv(), timeout: 10_000 });
}

/**
 * Delete namespaces (and temp dirs) left behind by earlier lab runs whose process is gone
 * (e.g. killed by a timeout). Only touches names with this lab's prefix pattern.
 * Returns the deleted namespace names.
 */
export function sweepStaleLabs(): string[] {
  const removed: string[] = [];
  for (const ns of listNetns()) {
    const m = NAME_RE.exec(ns);
    if (!m) continue;
    const ownerPid = parseInt(m[1], 36);
    const mine = ownerPid === process.pid;
    if (mine) {
      const inUse = [...liveLabs].some((l) => l.namespaces().includes(ns));
      if (inUse) continue;
    } else if (pidAlive(ownerPid)) {
      continue;
    }
    killNetnsAndDelete(ns);
    removed.push(ns);
  }
  const tmp = os.tmpdir();
  try {
    for (const d of fs.readdirSync(tmp)) {
      const m = /^natlab-nl([0-9a-z]+)-[0-9a-z]+$/.exec(d);
      if (!m) continue;
      const ownerPid = parseInt(m[1], 36);
      if (ownerPid !== process.pid && pidAlive(ownerPid)) continue;
      if (ownerPid === process.pid && [...liveLabs].some((l) => path.basename(l.tmpDir) === d)) continue;
      fs.rmSync(path.join(tmp, d), { recursive: true, force: true });
    }
  } catch {
    /* tmp not listable: nothing to sweep */
  }
  return removed;
}

let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when the test process ends without after() hooks running.
  process.on('exit', () => {
    for (const lab of liveLabs) lab.destroySync();
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const lab of liveLabs) lab.destroySync();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

// ---------------------------------------------------------------------------------------
// The Lab handle

export type LabWhere = 'client' | 'router' | 'public';
/** Where commands can run: the double-nat profile adds the home router ('home'). */
export type LabNode = LabWhere | 'home';

export interface ExecOptions {
  /** kill the command after this long (default 30 s); the result then has code null, timedOut true */
  timeoutMs?: number;
  env?: Record<string, string>;
  /** written to the command's stdin */
  input?: string;
}

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

export interface BackgroundProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** resolves when the process has exited */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after graceMs (default 2 s); resolves once it is gone */
  stop(graceMs?: number): Promise<void>;
}

export interface LossCounters {
  /** forwarded UDP packets that reached the loss rule */
  seen: number;
  /** of which dropped by it */
  dropped: number;
}

/** double-nat only: the home router between the client and the carrier router. */
export interface HomeRouter {
  readonly ns: string;
  /** its WAN address, in the carrier's 100.64.0.0/10 */
  readonly wanAddress: string;
  /** its LAN address (the client's gateway) */
  readonly lanAddress: string;
  readonly ifaces: { readonly wan: string; readonly lan: string };
  /** the miniupnpd running there (NAT-PMP/PCP on 5351, UPnP IGD), when enabled */
  readonly miniupnpd?: { readonly process: BackgroundProcess; readonly conf: string; readonly httpPort: number };
}

export interface LabOptions {
  lossPercent?: number;
  /** double-nat only: run miniupnpd on the home router (default true) */
  miniupnpd?: boolean;
}

export interface Lab {
  readonly profile: AnyLabProfile;
  readonly truth: GroundTruth;
  readonly servers: LabServers;
  /** namespace names (`home` only in double-nat) */
  readonly ns: Readonly<Record<LabWhere, string>> & { readonly home?: string };
  /** double-nat only: the home router (for the other profiles the client's gateway is `router`) */
  readonly home?: HomeRouter;
  /** client namespace: its address and default gateway */
  readonly client: { readonly address: string; readonly gateway: string; readonly prefixLen: number };
  /** router's WAN address (the NAT's public address) */
  readonly wanAddress: string;
  /** interface names inside the router */
  readonly routerIfaces: { readonly wan: string; readonly lan: string };
  /** temp dir holding the generated configs and server logs (removed by destroy) */
  readonly tmpDir: string;
  /** server log files */
  readonly logs: { readonly turnserver: string; readonly stund: string };
  /** time createLab took */
  readonly setupMs: number;

  exec(where: LabNode, cmd: string, args: string[], opts?: ExecOptions): Promise<ExecResult>;
  /** start a long-running process in a namespace; it is tracked and killed by PID on destroy() */
  spawnBackground(where: LabNode, name: string, cmd: string, args: string[], opts?: { env?: Record<string, string> }): BackgroundProcess;
  /** drop this percentage (0..100) of forwarded UDP at the router (nft numgen); 0 removes the rule */
  setLoss(percent: number): Promise<void>;
  lossCounters(): Promise<LossCounters>;
  /** forget all NAT state: flush the router's conntrack table (and the restricted profile's contact set) */
  resetNat(): Promise<void>;
  /** `nft list ruleset` in the router */
  ruleset(): Promise<string>;
  /** Send STUN Binding requests from a namespace and count answers (bounded, lab addresses only). */
  udpBlast(where: LabNode, target: string, count: number, intervalMs?: number, waitMs?: number): Promise<{ sent: number; received: number }>;
  destroy(): Promise<void>;
}

class LabError extends Error {}

const NFT_TABLE = 'natlab';

function nftRules(profile: AnyLabProfile, wan: string, client: string): string {
  const q = (s: string) => `"${s}"`;
  const lines: string[] = [];
  lines.push(`table ip ${NFT_TABLE} {`);
  if (profile === 'restricted') {
    // Address-dependent filtering: remember (mapped port, remote address) on the way out...
    lines.push('  set contacts {');
    lines.push('    type inet_service . ipv4_addr');
    lines.push('    flags dynamic,timeout');
    lines.push('    timeout 120s');
    lines.push('  }');
  }
  // Loss rules live in their own chain, before the filter (setLoss rewrites it).
  lines.push('  chain loss {');
  lines.push('    type filter hook forward priority -10; policy accept;');
  lines.push('  }');
  lines.push('  chain fwd_filter {');
  lines.push('    type filter hook forward priority 0; policy accept;');
  if (profile === 'udp-blocked') lines.push('    meta l4proto udp counter drop');
  lines.push('  }');
  if (profile === 'restricted') {
    // ...and check it on the way in, before the dnat below (priority -150 runs after
    // conntrack (-200) and before dstnat (-100), so it sees the mapped port).
    lines.push('  chain in_filter {');
    lines.push('    type filter hook prerouting priority -150; policy accept;');
    lines.push(`    iifname ${q(wan)} ip daddr ${ROUTER_WAN_IP} udp dport . ip saddr @contacts accept`);
    lines.push(`    iifname ${q(wan)} ip daddr ${ROUTER_WAN_IP} meta l4proto udp counter drop`);
    lines.push('  }');
    // priority 200 > srcnat (100): the packet already carries the mapped source port.
    lines.push('  chain out_record {');
    lines.push('    type filter hook postrouting priority 200; policy accept;');
    lines.push(`    oifname ${q(wan)} meta l4proto udp update @contacts { udp sport . ip daddr }`);
    lines.push('  }');
  }
  lines.push('  chain nat_pre {');
  lines.push('    type nat hook prerouting priority dstnat; policy accept;');
  if (profile === 'full-cone' || profile === 'restricted') {
    // Unsolicited inbound UDP to the WAN address goes to the client, same port.
    lines.push(`    iifname ${q(wan)} ip daddr ${ROUTER_WAN_IP} meta l4proto udp dnat to ${client}`);
  }
  lines.push('  }');
  lines.push('  chain nat_post {');
  lines.push('    type nat hook postrouting priority srcnat; policy accept;');
  switch (profile) {
    case 'port-restricted':
    case 'cgnat':
    case 'udp-blocked':
    case 'double-nat':
      lines.push(`    oifname ${q(wan)} masquerade`);
      break;
    case 'symmetric':
      lines.push(`    oifname ${q(wan)} masquerade random,fully-random`);
      break;
    case 'full-cone':
    case 'restricted':
      lines.push(`    oifname ${q(wan)} snat to ${ROUTER_WAN_IP}`);
      break;
    case 'no-nat':
      break;
  }
  lines.push('  }');
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** double-nat: the home router's own NAT (a plain masquerade out of its WAN, like a home box). */
function homeNftRules(wan: string): string {
  return [
    `table ip ${NFT_TABLE} {`,
    '  chain nat_post {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    oifname "${wan}" masquerade`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * miniupnpd's config for the home router: NAT-PMP/PCP and UPnP IGD on the LAN side, secure
 * mode, mappings only for the LAN (none are ever asked for by the tests).
 */
function miniupnpdConf(wan: string, lan: string, lanNet: string): string {
  return [
    '# generated by test/lab/lab.ts (double-nat profile)',
    `ext_ifname=${wan}`,
    `listening_ip=${lan}`,
    'enable_natpmp=yes',
    'enable_upnp=yes',
    'secure_mode=yes',
    'system_uptime=no',
    `uuid=${randomUUID()}`,
    `allow 1024-65535 ${lanNet} 1024-65535`,
    'deny 0-65535 0.0.0.0/0 0-65535',
    '',
  ].join('\n');
}

function turnserverConf(dir: string): string {
  return [
    '# generated by test/lab/lab.ts — RFC 5780 STUN only, no auth, UDP only',
    `listening-ip=${PRIMARY_IP}`,
    `listening-ip=${ALTERNATE_IP}`,
    `listening-port=${SERVERS.turnPort}`,
    `alt-listening-port=${SERVERS.turnAltPort}`,
    `relay-ip=${PRIMARY_IP}`,
    'no-auth',
    'stun-only',
    'no-tcp',
    'no-tls',
    'no-dtls',
    'no-cli',
    'no-tcp-relay',
    'no-multicast-peers',
    `log-file=${path.join(dir, 'turnserver.log')}`,
    'simple-log',
    'no-stdout-log',
    `pidfile=${path.join(dir, 'turnserver.pid')}`,
    `userdb=${path.join(dir, 'turndb')}`,
    'relay-threads=1',
    '',
  ].join('\n');
}

/**
 * sysctl arguments every lab namespace gets: no IPv6 (the lab is IPv4), no reverse-path
 * filtering (asymmetric test routes), forwarding only in routers.
 */
function sysctls(forward: boolean): string[] {
  return [
    '-qw',
    'net.ipv6.conf.all.disable_ipv6=1',
    'net.ipv6.conf.default.disable_ipv6=1',
    'net.ipv4.conf.all.rp_filter=0',
    'net.ipv4.conf.default.rp_filter=0',
    `net.ipv4.ip_forward=${forward ? 1 : 0}`,
  ];
}

class LabImpl implements Lab {
  readonly truth: GroundTruth;
  readonly servers: LabServers = SERVERS;
  readonly ns: Record<LabWhere, string> & { home?: string };
  home?: HomeRouter;
  readonly client: { address: string; gateway: string; prefixLen: number };
  readonly wanAddress = ROUTER_WAN_IP;
  readonly routerIfaces: { wan: string; lan: string };
  readonly tmpDir: string;
  readonly logs: { turnserver: string; stund: string };
  setupMs = 0;

  private readonly base: string;
  private readonly ifaces: { rw: string; pw: string; rl: string; cl: string; hw: string; hl: string };
  private readonly bg = new Set<BackgroundImpl>();
  private readonly children = new Set<ChildProcess>();
  private destroyed = false;

  constructor(readonly profile: AnyLabProfile) {
    this.truth = GROUND_TRUTH[profile];
    this.base = `${PREFIX}-${(labCounter++).toString(36)}`;
    this.ns = { public: `${this.base}p`, router: `${this.base}r`, client: `${this.base}c` };
    if (profile === 'double-nat') this.ns.home = `${this.base}h`;
    // hw/hl (home router WAN/LAN) are only created in double-nat.
    this.ifaces = { rw: `${this.base}rw`, pw: `${this.base}pw`, rl: `${this.base}rl`, cl: `${this.base}cl`, hw: `${this.base}hw`, hl: `${this.base}hl` };
    for (const n of [...Object.values(this.ns), ...Object.values(this.ifaces)]) {
      if (n.length > 15) throw new LabError(`name too long for the kernel: ${n}`);
    }
    this.routerIfaces = { wan: this.ifaces.rw, lan: this.ifaces.rl };
    const lan = LAN[profile];
    this.client = { address: lan.client, gateway: lan.gateway, prefixLen: lan.prefixLen };
    this.tmpDir = path.join(os.tmpdir(), `natlab-${this.base}`);
    this.logs = { turnserver: path.join(this.tmpDir, 'turnserver.log'), stund: path.join(this.tmpDir, 'stund.out') };
  }

  namespaces(): string[] {
    return Object.values(this.ns);
  }

  // -- low-level runners -------------------------------------------------------------

  /** Run a command in the root namespace (ip, nft via ip netns exec...). */
  private run(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<ExecResult> {
    return new Promise((resolve) => {
      const t0 = performance.now();
      const child = spawn(cmd, args, { env: labEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
      this.children.add(child);
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdin.on('error', () => {});
      if (opts.input !== undefined) child.stdin.end(opts.input);
      else child.stdin.end();
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          child.kill('SIGKILL');
        } catch {
          /* gone */
        }
      }, opts.timeoutMs ?? 30_000);
      const done = (code: number | null, signal: NodeJS.Signals | null, err?: Error) => {
        clearTimeout(timer);
        this.children.delete(child);
        if (err) stderr += `${stderr ? '\n' : ''}${err.message}`;
        resolve({ code, signal, stdout, stderr, ms: performance.now() - t0, timedOut });
      };
      child.on('error', (err) => done(null, null, err));
      child.on('close', (code, signal) => done(code, signal));
    });
  }

  private async must(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    const r = await this.run(cmd, args, opts);
    if (r.code !== 0) {
      throw new LabError(`lab setup: '${cmd} ${args.join(' ')}' failed (code ${r.code}${r.timedOut ? ', timed out' : ''}): ${r.stderr.trim() || r.stdout.trim()}`);
    }
    return r;
  }

  private nsOf(where: LabNode): string {
    const ns = this.ns[where];
    if (!ns) throw new LabError(`profile ${this.profile} has no ${where} namespace`);
    return ns;
  }

  exec(where: LabNode, cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.destroyed) return Promise.reject(new LabError('lab destroyed'));
    let ns: string;
    try {
      ns = this.nsOf(where);
    } catch (e) {
      return Promise.reject(e);
    }
    // `ip netns exec` execs the command itself (no fork), so killing the child kills the command.
    return this.run('ip', ['netns', 'exec', ns, cmd, ...args], opts);
  }

  spawnBackground(where: LabNode, name: string, cmd: string, args: string[], opts: { env?: Record<string, string> } = {}): BackgroundProcess {
    if (this.destroyed) throw new LabError('lab destroyed');
    const ns = this.nsOf(where);
    fs.mkdirSync(this.tmpDir, { recursive: true });
    const logFile = path.join(this.tmpDir, `${name}.out`);
    const fd = fs.openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { env: labEnv(opts.env), stdio: ['ignore', fd, fd] });
    } finally {
      fs.closeSync(fd);
    }
    if (child.pid === undefined) throw new LabError(`could not start ${name} (${cmd})`);
    const b = new BackgroundImpl(name, child, logFile, () => this.bg.delete(b));
    this.bg.add(b);
    return b;
  }

  // -- setup --------------------------------------------------------------------------

  async setup(options: LabOptions): Promise<void> {
    if (this.profile === 'double-nat') return this.setupDoubleNat(options);
    const t0 = performance.now();
    const { ns, ifaces } = this;
    const lan = LAN[this.profile];
    fs.mkdirSync(this.tmpDir, { recursive: true });

    await this.must('ip', ['-batch', '-'], {
      input: [`netns add ${ns.public}`, `netns add ${ns.router}`, `netns add ${ns.client}`].join('\n') + '\n',
    });
    await this.must('ip', ['-batch', '-'], {
      input:
        [
          `link add ${ifaces.rw} netns ${ns.router} type veth peer name ${ifaces.pw} netns ${ns.public}`,
          `link add ${ifaces.rl} netns ${ns.router} type veth peer name ${ifaces.cl} netns ${ns.client}`,
        ].join('\n') + '\n',
    });
    const pubCmds = [
      'link set lo up',
      `addr add ${PRIMARY_IP}/24 dev ${ifaces.pw}`,
      `addr add ${ALTERNATE_IP}/24 dev ${ifaces.pw}`,
      `link set ${ifaces.pw} up`,
    ];
    if (lan.routedNet) pubCmds.push(`route add ${lan.routedNet} via ${ROUTER_WAN_IP} dev ${ifaces.pw}`);
    const rtrCmds = [
      'link set lo up',
      `addr add ${ROUTER_WAN_IP}/24 dev ${ifaces.rw}`,
      `link set ${ifaces.rw} up`,
      `addr add ${lan.gateway}/${lan.prefixLen} dev ${ifaces.rl}`,
      `link set ${ifaces.rl} up`,
    ];
    const cliCmds = [
      'link set lo up',
      `addr add ${lan.client}/${lan.prefixLen} dev ${ifaces.cl}`,
      `link set ${ifaces.cl} up`,
      `route add default via ${lan.gateway} dev ${ifaces.cl}`,
    ];
    await Promise.all([
      this.must('ip', ['-n', ns.public, '-batch', '-'], { input: pubCmds.join('\n') + '\n' }),
      this.must('ip', ['-n', ns.router, '-batch', '-'], { input: rtrCmds.join('\n') + '\n' }),
      this.must('ip', ['-n', ns.client, '-batch', '-'], { input: cliCmds.join('\n') + '\n' }),
      this.must('ip', ['netns', 'exec', ns.public, 'sysctl', ...sysctls(false)]),
      this.must('ip', ['netns', 'exec', ns.router, 'sysctl', ...sysctls(true)]),
      this.must('ip', ['netns', 'exec', ns.client, 'sysctl', ...sysctls(false)]),
    ]);

    // NAT rules
    await this.must('ip', ['netns', 'exec', ns.router, 'nft', '-f', '-'], {
      input: nftRules(this.profile, ifaces.rw, lan.client),
    });
    if (options.lossPercent) await this.setLoss(options.lossPercent);

    // Servers. Debian's /etc/turnserver.conf says no-rfc5780, so use our own conf file.
    const conf = path.join(this.tmpDir, 'turnserver.conf');
    fs.writeFileSync(conf, turnserverConf(this.tmpDir));
    this.spawnBackground('public', 'turnserver', 'turnserver', ['-c', conf]);
    // stund (RFC 3489): -h primary IP, -a alternate IP, -p/-o primary/alternate ports (foreground, no -b)
    const stund = this.spawnBackground('public', 'stund', 'stund', [
      '-h', PRIMARY_IP, '-a', ALTERNATE_IP, '-p', String(SERVERS.stundPort), '-o', String(SERVERS.stundAltPort),
    ]);
    void stund;

    await this.waitServersReady();
    this.setupMs = performance.now() - t0;
  }

  /**
   * double-nat: public ns ─ carrier router (WAN 198.51.100.254, LAN 100.64.0.1/10, masquerade)
   * ─ home router (WAN 100.64.0.2/10, LAN 192.168.1.1/24, masquerade, optional miniupnpd)
   * ─ client (192.168.1.2/24). A separate path so the other profiles' setup stays untouched.
   */
  private async setupDoubleNat(options: LabOptions): Promise<void> {
    const t0 = performance.now();
    const { ns, ifaces } = this;
    const home = ns.home as string;
    const lan = LAN['double-nat'];
    fs.mkdirSync(this.tmpDir, { recursive: true });
    await this.must('ip', ['-batch', '-'], {
      input: [`netns add ${ns.public}`, `netns add ${ns.router}`, `netns add ${home}`, `netns add ${ns.client}`].join('\n') + '\n',
    });
    await this.must('ip', ['-batch', '-'], {
      input:
        [
          `link add ${ifaces.rw} netns ${ns.router} type veth peer name ${ifaces.pw} netns ${ns.public}`,
          `link add ${ifaces.rl} netns ${ns.router} type veth peer name ${ifaces.hw} netns ${home}`,
          `link add ${ifaces.hl} netns ${home} type veth peer name ${ifaces.cl} netns ${ns.client}`,
        ].join('\n') + '\n',
    });
    const pubCmds = ['link set lo up', `addr add ${PRIMARY_IP}/24 dev ${ifaces.pw}`, `addr add ${ALTERNATE_IP}/24 dev ${ifaces.pw}`, `link set ${ifaces.pw} up`];
    const rtrCmds = [
      'link set lo up',
      `addr add ${ROUTER_WAN_IP}/24 dev ${ifaces.rw}`,
      `link set ${ifaces.rw} up`,
      `addr add ${CARRIER_LAN_IP}/${HOME_WAN_PREFIX} dev ${ifaces.rl}`,
      `link set ${ifaces.rl} up`,
    ];
    const homeCmds = [
      'link set lo up',
      `addr add ${HOME_WAN_IP}/${HOME_WAN_PREFIX} dev ${ifaces.hw}`,
      `link set ${ifaces.hw} up`,
      `route add default via ${CARRIER_LAN_IP} dev ${ifaces.hw}`,
      `addr add ${lan.gateway}/${lan.prefixLen} dev ${ifaces.hl}`,
      `link set ${ifaces.hl} up`,
    ];
    const cliCmds = ['link set lo up', `addr add ${lan.client}/${lan.prefixLen} dev ${ifaces.cl}`, `link set ${ifaces.cl} up`, `route add default via ${lan.gateway} dev ${ifaces.cl}`];
    await Promise.all([
      this.must('ip', ['-n', ns.public, '-batch', '-'], { input: pubCmds.join('\n') + '\n' }),
      this.must('ip', ['-n', ns.router, '-batch', '-'], { input: rtrCmds.join('\n') + '\n' }),
      this.must('ip', ['-n', home, '-batch', '-'], { input: homeCmds.join('\n') + '\n' }),
      this.must('ip', ['-n', ns.client, '-batch', '-'], { input: cliCmds.join('\n') + '\n' }),
      this.must('ip', ['netns', 'exec', ns.public, 'sysctl', ...sysctls(false)]),
      this.must('ip', ['netns', 'exec', ns.router, 'sysctl', ...sysctls(true)]),
      this.must('ip', ['netns', 'exec', home, 'sysctl', ...sysctls(true)]),
      this.must('ip', ['netns', 'exec', ns.client, 'sysctl', ...sysctls(false)]),
    ]);
    await this.must('ip', ['netns', 'exec', ns.router, 'nft', '-f', '-'], { input: nftRules('double-nat', ifaces.rw, lan.client) });
    await this.must('ip', ['netns', 'exec', home, 'nft', '-f', '-'], { input: homeNftRules(ifaces.hw) });
    if (options.lossPercent) await this.setLoss(options.lossPercent);

    const conf = path.join(this.tmpDir, 'turnserver.conf');
    fs.writeFileSync(conf, turnserverConf(this.tmpDir));
    this.spawnBackground('public', 'turnserver', 'turnserver', ['-c', conf]);
    this.spawnBackground('public', 'stund', 'stund', [
      '-h', PRIMARY_IP, '-a', ALTERNATE_IP, '-p', String(SERVERS.stundPort), '-o', String(SERVERS.stundAltPort),
    ]);
    let miniupnpd: HomeRouter['miniupnpd'];
    if (options.miniupnpd !== false) {
      const avail = miniupnpdAvailability();
      if (!avail.ok) throw new LabError(avail.reason);
      const mconf = path.join(this.tmpDir, 'miniupnpd.conf');
      fs.writeFileSync(mconf, miniupnpdConf(ifaces.hw, ifaces.hl, `${lan.gateway.replace(/\.\d+$/, '.0')}/${lan.prefixLen}`));
      // -d: foreground with logs on stderr (so the PID is miniupnpd's own); its own pid file.
      const proc = this.spawnBackground('home', 'miniupnpd', 'miniupnpd', ['-f', mconf, '-d', '-P', path.join(this.tmpDir, 'miniupnpd.pid')]);
      const httpPort = await this.waitMiniupnpdReady(proc);
      miniupnpd = { process: proc, conf: mconf, httpPort };
    }
    this.home = {
      ns: home,
      wanAddress: HOME_WAN_IP,
      lanAddress: lan.gateway,
      ifaces: { wan: ifaces.hw, lan: ifaces.hl },
      ...(miniupnpd ? { miniupnpd } : {}),
    };
    await this.waitServersReady();
    this.setupMs = performance.now() - t0;
  }

  /** miniupnpd is ready once it logs both listeners; returns its HTTP port. */
  private async waitMiniupnpdReady(proc: BackgroundProcess): Promise<number> {
    const deadline = performance.now() + 10_000;
    while (performance.now() < deadline) {
      const b = [...this.bg].find((x) => x.pid === proc.pid);
      if (!b || b.exitInfo) throw new LabError(`miniupnpd exited during startup: ${tail(proc.logFile)}`);
      let log = '';
      try {
        log = fs.readFileSync(proc.logFile, 'utf8');
      } catch {
        /* not yet */
      }
      const http = /HTTP listening on port (\d+)/.exec(log);
      if (http && log.includes('Listening for NAT-PMP/PCP traffic on port 5351')) return Number(http[1]);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new LabError(`miniupnpd not ready after 10 s: ${tail(proc.logFile)}`);
  }

  /** Poll with real STUN Binding requests (from inside the public namespace) until all 8 endpoints answer. */
  private async waitServersReady(): Promise<void> {
    const targets: string[] = [];
    for (const ip of [PRIMARY_IP, ALTERNATE_IP]) {
      for (const port of [SERVERS.turnPort, SERVERS.turnAltPort, SERVERS.stundPort, SERVERS.stundAltPort]) targets.push(`${ip}:${port}`);
    }
    const deadline = performance.now() + 15_000;
    let last: Record<string, boolean> = {};
    while (performance.now() < deadline) {
      for (const b of this.bg) {
        if (b.exitInfo) throw new LabError(`${b.name} exited during startup (${JSON.stringify(b.exitInfo)}): ${tail(b.logFile)} ${b.name === 'turnserver' ? tail(this.logs.turnserver) : ''}`);
      }
      const r = await this.exec('public', process.execPath, [UDP_TOOL, 'ping', '1500', ...targets], { timeoutMs: 5000 });
      try {
        last = JSON.parse(r.stdout) as Record<string, boolean>;
      } catch {
        last = {};
      }
      if (targets.every((t) => last[t])) return;
    }
    const down = targets.filter((t) => !last[t]);
    throw new LabError(`STUN servers not answering after 15 s: ${down.join(', ')}; turnserver log: ${tail(this.logs.turnserver)}`);
  }

  // -- knobs --------------------------------------------------------------------------

  async setLoss(percent: number): Promise<void> {
    if (!Number.isFinite(percent) || percent < 0 || percent > 100) throw new LabError(`bad loss percent ${percent}`);
    const p = Math.round(percent);
    const script = [`flush chain ip ${NFT_TABLE} loss`];
    if (p > 0) {
      script.push(`add rule ip ${NFT_TABLE} loss meta l4proto udp counter comment "lab-loss-seen"`);
      script.push(`add rule ip ${NFT_TABLE} loss meta l4proto udp numgen random mod 100 < ${p} counter drop comment "lab-loss-drop"`);
    }
    await this.must('ip', ['netns', 'exec', this.ns.router, 'nft', '-f', '-'], { input: script.join('\n') + '\n' });
  }

  async lossCounters(): Promise<LossCounters> {
    const r = await this.must('ip', ['netns', 'exec', this.ns.router, 'nft', '-j', 'list', 'chain', 'ip', NFT_TABLE, 'loss']);
    const out: LossCounters = { seen: 0, dropped: 0 };
    const j = JSON.parse(r.stdout) as { nftables: Array<{ rule?: { comment?: string; expr?: Array<Record<string, unknown>> } }> };
    for (const item of j.nftables) {
      const rule = item.rule;
      if (!rule?.expr) continue;
      const counter = rule.expr.find((e) => 'counter' in e)?.counter as { packets?: number } | undefined;
      const packets = counter?.packets ?? 0;
      if (rule.comment === 'lab-loss-seen') out.seen = packets;
      if (rule.comment === 'lab-loss-drop') out.dropped = packets;
    }
    return out;
  }

  async resetNat(): Promise<void> {
    // conntrack -F exits 0 with "0 flow entries have been deleted" on an empty table.
    const r = await this.exec('router', 'conntrack', ['-F'], { timeoutMs: 10_000 });
    if (r.code !== 0) throw new LabError(`conntrack -F failed: ${r.stderr.trim()}`);
    if (this.ns.home) {
      const h = await this.exec('home', 'conntrack', ['-F'], { timeoutMs: 10_000 });
      if (h.code !== 0) throw new LabError(`conntrack -F (home router) failed: ${h.stderr.trim()}`);
    }
    if (this.profile === 'restricted') {
      await this.must('ip', ['netns', 'exec', this.ns.router, 'nft', 'flush', 'set', 'ip', NFT_TABLE, 'contacts']);
    }
  }

  async ruleset(): Promise<string> {
    return (await this.must('ip', ['netns', 'exec', this.ns.router, 'nft', 'list', 'ruleset'])).stdout;
  }

  async udpBlast(where: LabNode, target: string, count: number, intervalMs = 2, waitMs = 1000): Promise<{ sent: number; received: number }> {
    const r = await this.exec(where, process.execPath, [UDP_TOOL, 'blast', target, String(count), String(intervalMs), String(waitMs)], {
      timeoutMs: count * intervalMs * 4 + waitMs + 10_000,
    });
    if (r.code !== 0) throw new LabError(`udp-tool blast failed (${r.code}): ${r.stderr.trim()}`);
    return JSON.parse(r.stdout) as { sent: number; received: number };
  }

  // -- teardown -----------------------------------------------------------------------

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await Promise.all([...this.bg].map((b) => b.stop()));
    for (const c of this.children) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const n of this.namespaces()) killNetnsAndDelete(n);
    fs.rmSync(this.tmpDir, { recursive: true, force: true });
    liveLabs.delete(this);
  }

  /** Synchronous best effort, for process 'exit'. */
  destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const b of this.bg) b.killNow();
    for (const c of this.children) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const n of this.namespaces()) killNetnsAndDelete(n);
    fs.rmSync(this.tmpDir, { recursive: true, force: true });
    liveLabs.delete(this);
  }
}

class BackgroundImpl implements BackgroundProcess {
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly logFile: string,
    private readonly onGone: () => void,
  ) {
    this.pid = child.pid as number;
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        this.onGone();
        resolve(this.exitInfo);
      });
    });
  }

  async stop(graceMs = 2000): Promise<void> {
    if (this.exitInfo) return;
    try {
      process.kill(this.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    const t = setTimeout(() => this.killNow(), graceMs);
    await this.exited;
    clearTimeout(t);
  }

  killNow(): void {
    if (this.exitInfo) return;
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Build a lab for a profile: three namespaces (public, router, client), the profile's
 * nftables NAT in the router, coturn (RFC 5780) and stund in the public namespace,
 * both answering before this resolves. Always destroy() it (in an after hook).
 */
export async function createLab(profile: AnyLabProfile, options: LabOptions = {}): Promise<Lab> {
  if (!PROFILES.includes(profile as LabProfile) && !EXTRA_PROFILES.includes(profile as ExtraLabProfile)) {
    throw new LabError(`unknown lab profile ${String(profile)}`);
  }
  const avail = labAvailability();
  if (!avail.ok) throw new LabError(`lab unavailable: ${avail.reason}`);
  installExitHook();
  const lab = new LabImpl(profile);
  liveLabs.add(lab);
  try {
    await lab.setup(options);
  } catch (e) {
    await lab.destroy();
    throw e;
  }
  return lab;
}
