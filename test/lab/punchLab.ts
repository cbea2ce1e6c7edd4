/**
 * The punch lab: two client namespaces behind two NAT routers, a core router between them and
 * the public namespace with the rendezvous (natprobe serve --rendezvous, an RFC 5780 server on
 * two addresses so diagnose can measure each side for compare).
 *
 *   clientA 192.168.10.2 ─┐                                            ┌─ clientB 192.168.20.2
 *   clientC 192.168.10.3 ─┴ br0 routerA 203.0.113.1 ── core ── 192.0.2.1 routerB ┴ br0
 *                                                       │                       │
 *                                          public 198.51.100.1/.2     innerB 192.168.20.3
 *                                             (rendezvous)            192.168.30.1 ── clientD 192.168.30.2
 *
 * The core hop matters: a check sent with TTL 2 leaves its own NAT and expires at the core,
 * before the peer's router (without it the small-TTL start would have nowhere to expire).
 * clientD is one router deeper (innerB, a plain router on routerB's LAN): its NAT is 3 hops out,
 * so a TTL-2 check dies on routerB before the NAT maps it (test/lab/punchTtl.test.ts).
 * Names start with "pu" + this process's pid in base 36, so parallel lab runs (ours or the
 * single-NAT lab's "nl…") never touch each other's namespaces; created veths live only inside
 * them. Every process started is tracked and killed by PID.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

export type PunchProfile = 'no-nat' | 'full-cone' | 'restricted' | 'port-restricted' | 'symmetric' | 'symmetric-sequential';
export const PUNCH_PROFILES: readonly PunchProfile[] = ['no-nat', 'full-cone', 'restricted', 'port-restricted', 'symmetric', 'symmetric-sequential'];

/** symmetric-sequential: the UDP ports its NAT hands out, in order, one per new flow (then round again). */
export const SEQUENTIAL_FIRST_PORT = 30000;
export const SEQUENTIAL_PORTS = 1024;

export const RENDEZVOUS_IP = '198.51.100.1';
export const ALTERNATE_IP = '198.51.100.2';

interface Side {
  readonly router: string;
  readonly client: string;
  readonly wanIp: string;
  readonly lan: string;
  readonly clientIp: string;
}

const PREFIX = `pu${process.pid.toString(36)}`;
let counter = 0;

export interface Exec {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export class PunchLab {
  readonly base = `${PREFIX}-${(counter++).toString(36)}`;
  readonly ns = { public: `${this.base}p`, core: `${this.base}k`, routerA: `${this.base}ra`, routerB: `${this.base}rb`, clientA: `${this.base}ca`, clientB: `${this.base}cb`, clientC: `${this.base}cc`, innerB: `${this.base}ri`, clientD: `${this.base}cd` };
  readonly a: Side = { router: this.ns.routerA, client: this.ns.clientA, wanIp: '203.0.113.1', lan: '192.168.10.0/24', clientIp: '192.168.10.2' };
  readonly b: Side = { router: this.ns.routerB, client: this.ns.clientB, wanIp: '192.0.2.1', lan: '192.168.20.0/24', clientIp: '192.168.20.2' };
  /** Behind routerB through innerB: one hop deeper than clientB. */
  readonly d = { client: this.ns.clientD, clientIp: '192.168.30.2' };
  private readonly children = new Set<ChildProcess>();

  /** Builds the namespaces; throws with the failing command on any error. */
  create(): void {
    const { ns } = this;
    for (const n of Object.values(ns)) this.must('ip', ['netns', 'add', n]);
    for (const n of Object.values(ns)) {
      const router = n === ns.core || n === ns.routerA || n === ns.routerB || n === ns.innerB;
      this.in(n, 'sysctl', ['-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0', `net.ipv4.ip_forward=${router ? 1 : 0}`]);
      this.in(n, 'ip', ['link', 'set', 'lo', 'up']);
    }
    // Links are made inside the namespaces (peer moved at creation): names are per-namespace.
    const link = (a: string, ifA: string, addrA: string | undefined, b: string, ifB: string, addrB: string | undefined): void => {
      this.must('ip', ['-n', a, 'link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB, 'netns', b]);
      if (addrA) this.in(a, 'ip', ['addr', 'add', addrA, 'dev', ifA]);
      if (addrB) this.in(b, 'ip', ['addr', 'add', addrB, 'dev', ifB]);
      this.in(a, 'ip', ['link', 'set', ifA, 'up']);
      this.in(b, 'ip', ['link', 'set', ifB, 'up']);
    };
    link(ns.core, 'topub', '198.51.100.254/24', ns.public, 'eth0', `${RENDEZVOUS_IP}/24`);
    this.in(ns.public, 'ip', ['addr', 'add', `${ALTERNATE_IP}/24`, 'dev', 'eth0']);
    this.in(ns.public, 'ip', ['route', 'add', 'default', 'via', '198.51.100.254']);
    link(ns.core, 'toa', '203.0.113.254/24', ns.routerA, 'wan', `${this.a.wanIp}/24`);
    link(ns.core, 'tob', '192.0.2.254/24', ns.routerB, 'wan', `${this.b.wanIp}/24`);
    this.in(ns.routerA, 'ip', ['route', 'add', 'default', 'via', '203.0.113.254']);
    this.in(ns.routerB, 'ip', ['route', 'add', 'default', 'via', '192.0.2.254']);
    // Side A's LAN is a bridge, so two clients share it (same-LAN host↔host).
    this.in(ns.routerA, 'ip', ['link', 'add', 'lan', 'type', 'bridge']);
    this.in(ns.routerA, 'ip', ['addr', 'add', '192.168.10.1/24', 'dev', 'lan']);
    this.in(ns.routerA, 'ip', ['link', 'set', 'lan', 'up']);
    for (const [client, ip, port] of [[ns.clientA, '192.168.10.2', 'porta'], [ns.clientC, '192.168.10.3', 'portc']] as const) {
      link(ns.routerA, port, undefined, client, 'eth0', `${ip}/24`);
      this.in(ns.routerA, 'ip', ['link', 'set', port, 'master', 'lan']);
      this.in(client, 'ip', ['route', 'add', 'default', 'via', '192.168.10.1']);
    }
    // Side B's LAN is a bridge too: clientB and innerB, the plain router in front of clientD.
    this.in(ns.routerB, 'ip', ['link', 'add', 'lan', 'type', 'bridge']);
    this.in(ns.routerB, 'ip', ['addr', 'add', '192.168.20.1/24', 'dev', 'lan']);
    this.in(ns.routerB, 'ip', ['link', 'set', 'lan', 'up']);
    for (const [n, ip, port] of [[ns.clientB, `${this.b.clientIp}/24`, 'portb'], [ns.innerB, '192.168.20.3/24', 'porti']] as const) {
      link(ns.routerB, port, undefined, n, 'eth0', ip);
      this.in(ns.routerB, 'ip', ['link', 'set', port, 'master', 'lan']);
      this.in(n, 'ip', ['route', 'add', 'default', 'via', '192.168.20.1']);
    }
    link(ns.innerB, 'lan', '192.168.30.1/24', ns.clientD, 'eth0', `${this.d.clientIp}/24`);
    this.in(ns.clientD, 'ip', ['route', 'add', 'default', 'via', '192.168.30.1']);
    this.in(ns.routerB, 'ip', ['route', 'add', '192.168.30.0/24', 'via', '192.168.20.3']);
  }

  /** Loads each router's profile, routes a no-NAT side's LAN through the core, and forgets all NAT state. */
  configure(profileA: PunchProfile, profileB: PunchProfile): void {
    for (const [side, profile, coreVia] of [[this.a, profileA, this.a.wanIp], [this.b, profileB, this.b.wanIp]] as const) {
      this.in(side.router, 'nft', ['flush', 'ruleset']);
      const rules = nftRules(profile, side.wanIp, side.clientIp);
      if (rules) this.in(side.router, 'nft', ['-f', '-'], rules);
      // Only a side without NAT is routable from outside; a NAT side's LAN must stay unreachable.
      if (profile === 'no-nat') this.in(this.ns.core, 'ip', ['route', 'replace', side.lan, 'via', coreVia]);
      else spawnSync('ip', ['-n', this.ns.core, 'route', 'del', side.lan], { stdio: 'ignore' });
      spawnSync('ip', ['netns', 'exec', side.router, 'conntrack', '-F'], { stdio: 'ignore' });
    }
  }

  /** Global IPv6 (documentation prefix, RFC 3849) of each client once enableIpv6() ran. */
  readonly v6 = { a: '2001:db8:a::2', b: '2001:db8:b::2' };

  /**
   * Turns IPv6 on for the two sides (test/lab/punchIpv6.test.ts); the other labs keep it off.
   * The core routes 2001:db8:a::/64 to routerA and 2001:db8:b::/64 to routerB, each router
   * hands its /64 to its LAN (no NAT66: the clients' addresses are global), and clientA and
   * clientB get ::2 in them. The public namespace stays IPv4: the rendezvous is met over IPv4.
   * Addresses are added with nodad (no duplicate address detection to wait for). Each router
   * gets firewall6() separately: without it, IPv6 is forwarded both ways, unfiltered.
   */
  enableIpv6(): void {
    const { ns } = this;
    for (const n of [ns.core, ns.routerA, ns.routerB, ns.clientA, ns.clientB]) {
      const router = n === ns.core || n === ns.routerA || n === ns.routerB;
      this.in(n, 'sysctl', ['-qw', 'net.ipv6.conf.all.disable_ipv6=0', 'net.ipv6.conf.default.disable_ipv6=0', 'net.ipv6.conf.lo.disable_ipv6=0', `net.ipv6.conf.all.forwarding=${router ? 1 : 0}`, 'net.ipv6.conf.all.accept_ra=0', 'net.ipv6.conf.default.accept_ra=0']);
    }
    const on = (n: string, dev: string): void => this.in(n, 'sysctl', ['-qw', `net.ipv6.conf.${dev}.disable_ipv6=0`, `net.ipv6.conf.${dev}.accept_ra=0`]);
    const addr = (n: string, a: string, dev: string): void => {
      on(n, dev);
      this.in(n, 'ip', ['-6', 'addr', 'add', a, 'dev', dev, 'nodad']);
    };
    addr(ns.core, '2001:db8:ffa::fe/64', 'toa');
    addr(ns.routerA, '2001:db8:ffa::1/64', 'wan');
    addr(ns.core, '2001:db8:ffb::fe/64', 'tob');
    addr(ns.routerB, '2001:db8:ffb::1/64', 'wan');
    this.in(ns.core, 'ip', ['-6', 'route', 'add', '2001:db8:a::/64', 'via', '2001:db8:ffa::1']);
    this.in(ns.core, 'ip', ['-6', 'route', 'add', '2001:db8:b::/64', 'via', '2001:db8:ffb::1']);
    for (const [router, peerVia, lan, client, clientIp] of [
      [ns.routerA, '2001:db8:ffa::fe', '2001:db8:a::1/64', ns.clientA, this.v6.a],
      [ns.routerB, '2001:db8:ffb::fe', '2001:db8:b::1/64', ns.clientB, this.v6.b],
    ] as const) {
      this.in(router, 'ip', ['-6', 'route', 'add', 'default', 'via', peerVia]);
      // The LAN bridge and its ports carry IPv6 too.
      for (const dev of ['lan', 'porta', 'portc', 'portb', 'porti']) {
        if (spawnSync('ip', ['netns', 'exec', router, 'ip', 'link', 'show', dev], { stdio: 'ignore' }).status === 0) on(router, dev);
      }
      addr(router, lan, 'lan');
      addr(client, `${clientIp}/64`, 'eth0');
      this.in(client, 'ip', ['-6', 'route', 'add', 'default', 'via', lan.replace('/64', '')]);
    }
  }

  /**
   * The IPv6 firewall of one side's router (RFC 6092, the home router): 'stateful' forwards
   * everything from the LAN out and, from the WAN, only what belongs to a flow the LAN opened
   * (conntrack established/related); a new flow from the WAN is dropped. 'drop-all': no IPv6
   * through the router at all, either way (an upstream without IPv6). Call after configure(),
   * which flushes the whole ruleset.
   */
  firewall6(side: 'a' | 'b', mode: 'stateful' | 'drop-all'): void {
    const router = side === 'a' ? this.a.router : this.b.router;
    const rules =
      mode === 'stateful'
        ? ['  chain pass6 {', '    type filter hook forward priority filter; policy accept;', '    ct state established,related accept', '    iifname "wan" drop', '  }']
        : ['  chain pass6 {', '    type filter hook forward priority filter; policy drop;', '  }'];
    this.in(router, 'nft', ['-f', '-'], ['table ip6 punchlab6 {', ...rules, '}', ''].join('\n'));
    spawnSync('ip', ['netns', 'exec', router, 'conntrack', '-F', '-f', 'ipv6'], { stdio: 'ignore' });
  }

  /** The IPv6 conntrack entries of one side's router (conntrack -L -f ipv6), one line each. */
  conntrack6(side: 'a' | 'b'): string[] {
    const router = side === 'a' ? this.a.router : this.b.router;
    const r = spawnSync('ip', ['netns', 'exec', router, 'conntrack', '-L', '-f', 'ipv6', '-p', 'udp'], { encoding: 'utf8' });
    return (r.stdout ?? '').split('\n').filter((l) => l.trim() !== '');
  }

  /** Runs a command in a namespace; resolves with its output (code null on timeout). */
  run(ns: string, cmd: string, args: string[], timeoutMs = 60_000): Promise<Exec> {
    return new Promise((resolve) => {
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      this.children.add(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        this.children.delete(child);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** A process to watch while it runs (the server, the end that prints the code): killed by PID in destroy(). */
  background(ns: string, cmd: string, args: string[]): { stdout: () => string; stderr: () => string; exited: Promise<number | null> } {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => {
      this.children.delete(child);
      resolve(code);
    }));
    return { stdout: () => stdout, stderr: () => stderr, exited };
  }

  destroy(): void {
    for (const child of this.children) if (child.pid !== undefined && child.exitCode === null) child.kill('SIGKILL');
    this.children.clear();
    for (const n of Object.values(this.ns)) {
      for (const pid of spawnSync('ip', ['netns', 'pids', n], { encoding: 'utf8' }).stdout?.split(/\s+/).filter(Boolean) ?? []) {
        const p = Number(pid);
        if (Number.isInteger(p) && p > 1 && p !== process.pid) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
      }
      spawnSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
    }
  }

  private in(ns: string, cmd: string, args: string[], input?: string): void {
    this.must('ip', ['netns', 'exec', ns, cmd, ...args], input);
  }

  private must(cmd: string, args: string[], input?: string): void {
    const r = spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 10_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`);
  }
}

/** Deletes namespaces of earlier punch-lab runs whose process is gone (our prefix only). */
export function sweepStalePunchLabs(): void {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  for (const line of list.split('\n')) {
    const name = line.trim().split(/\s+/)[0];
    const m = /^pu([0-9a-z]+)-[0-9a-z]+?(p|k|ra|rb|ri|ca|cb|cc|cd)$/.exec(name ?? '');
    if (!m) continue;
    const owner = parseInt(m[1], 36);
    let alive = false;
    try {
      process.kill(owner, 0);
      alive = true;
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!alive && owner !== process.pid) spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  }
}

/**
 * The same NAT behaviours as the single-NAT lab (test/lab/README.md, "Profiles"): masquerade is
 * EIM + APDF; random,fully-random makes the mapping per destination; full cone is snat plus a
 * dnat of all inbound UDP; restricted adds a set of contacted addresses checked on the way in.
 *
 * symmetric-sequential: a new mapping per destination (each new flow gets the next port) and
 * conntrack's filtering by address and port, like many consumer routers that count up. The port
 * comes from `numgen inc` through a map written out here, 0 → 30000, 1 → 30001, …: nftables
 * accepts `snat to IP : numgen inc mod N offset 30000` too, but then the number lands in the
 * port in host byte order (measured: ports 12405, 12661, 12917…, a stride of 256), whereas a
 * map's values are typed as ports and stored in network order. Other protocols keep masquerade.
 */
function nftRules(profile: PunchProfile, wanIp: string, client: string): string | undefined {
  const t = (body: string[]): string => ['table ip punchlab {', ...body, '}', ''].join('\n');
  const post = (rule: string): string[] => ['  chain post {', '    type nat hook postrouting priority srcnat; policy accept;', `    oifname "wan" ${rule}`, '  }'];
  const fullConeIn = ['  chain pre {', '    type nat hook prerouting priority dstnat; policy accept;', `    iifname "wan" ip daddr ${wanIp} meta l4proto udp dnat to ${client}`, '  }'];
  switch (profile) {
    case 'no-nat':
      return undefined;
    case 'port-restricted':
      return t(post('masquerade'));
    case 'symmetric':
      return t(post('masquerade random,fully-random'));
    case 'symmetric-sequential': {
      const ports = Array.from({ length: SEQUENTIAL_PORTS }, (_, i) => `${i} : ${SEQUENTIAL_FIRST_PORT + i}`).join(', ');
      return t([
        '  chain post {',
        '    type nat hook postrouting priority srcnat; policy accept;',
        `    oifname "wan" meta l4proto udp snat to ${wanIp} : numgen inc mod ${SEQUENTIAL_PORTS} map { ${ports} }`,
        '    oifname "wan" masquerade',
        '  }',
      ]);
    }
    case 'full-cone':
      return t([...post(`snat to ${wanIp}`), ...fullConeIn]);
    case 'restricted':
      return t([
        '  set contacts { type inet_service . ipv4_addr; flags dynamic,timeout; timeout 120s; }',
        '  chain in_filter {',
        '    type filter hook prerouting priority -150; policy accept;',
        `    iifname "wan" ip daddr ${wanIp} udp dport . ip saddr @contacts accept`,
        `    iifname "wan" ip daddr ${wanIp} meta l4proto udp drop`,
        '  }',
        '  chain out_record {',
        '    type filter hook postrouting priority 200; policy accept;',
        '    oifname "wan" meta l4proto udp update @contacts { udp sport . ip daddr }',
        '  }',
        ...post(`snat to ${wanIp}`),
        ...fullConeIn,
      ]);
  }
}
