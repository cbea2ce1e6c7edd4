/**
 * The OpenVPN 2.6 options: one record per option, grouped by the section of the OpenVPN 2.6
 * manual (openvpn(8), doc/man-sections/*.rst) that describes it, holding every fact the linter
 * acts on. Written for this project from the manual and checked option by option against OpenVPN
 * 2.6.14 (see test/lab/lint-openvpn-oracle.test.ts, which re-verifies the counts against the real
 * binary). The hover/completion text for each option lives in src/lint/docs/openvpnOptions.ts,
 * keyed by the same names (a test holds the two to each other), so the linter bundle carries no
 * prose.
 *
 * Adding an option: one record here, one doc entry there.
 */

export interface DeprecatedSpec {
  readonly advice: string;
  readonly replacement?: string;
  readonly safe: boolean;
}

export interface KeywordParam {
  /** 1-based parameter index. */
  readonly index: number;
  readonly values: readonly string[];
}

/** What the linter knows about one option. */
interface OptionFacts {
  /**
   * Parameter counts beyond the name: `n`, `min-max` or a list `0,4`; 15 means "as many as fit"
   * (a line holds at most 16 tokens, the option name included).
   */
  readonly params: string;
  /**
   * C  allowed inside a `<connection>` block
   * D  only in a client-config-dir file (OpenVPN: "cannot be used in this context" elsewhere)
   * P  only as a pushed option (same error in a config file)
   * W  Windows-only: Linux/macOS builds reject it as unknown
   * B  only in some builds (iproute2, SELinux, mbed TLS): the common Linux packages reject it
   */
  readonly flags?: string;
  /**
   * May be given as an inline `<name>…</name>` block; `replaces` when a second block silently
   * replaces the first, `adds` when blocks add up (peer-fingerprint, connection).
   */
  readonly inline?: 'replaces' | 'adds';
  /** The inline block holds a secret: never echo its content. */
  readonly secret?: true;
  /** Makes OpenVPN do one thing and exit instead of starting a tunnel. */
  readonly standalone?: true;
  /**
   * Parameters OpenVPN reads with atoi() (1-based): text that does not start with a number
   * becomes 0. `resolv-retry` also takes `infinite`.
   */
  readonly numeric?: readonly number[];
  /** A parameter that must be one of a few words (OpenVPN refuses others while reading). */
  readonly keywords?: KeywordParam;
  /** 2.6 still reads it but warns about or ignores it (OV03). */
  readonly deprecated?: DeprecatedSpec;
}

export interface OptionSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Bit n set = n parameters accepted. */
  readonly counts: number;
  readonly inline: boolean;
  readonly connection: boolean;
  readonly scope: 'config' | 'ccd' | 'pull';
  readonly windowsOnly: boolean;
  readonly buildDependent: boolean;
  /** The manual section that describes it ('' when not pinned down). */
  readonly section: string;
}

/** Parameters beyond the name that one line can hold. */
export const MAX_PARAMS = 15;

const SECTIONS: readonly (readonly [section: string, options: Readonly<Record<string, OptionFacts>>])[] = [
  ['Generic Options', {
    config: { params: '1' },
    help: { params: '0-1', standalone: true },
    'auth-nocache': { params: '0' },
    cd: { params: '1' },
    chroot: { params: '1' },
    'compat-mode': { params: '1-2', flags: 'C' },
    daemon: { params: '0-1' },
    'disable-occ': { params: '0' },
    engine: { params: '0-1' },
    'fast-io': { params: '0' },
    group: { params: '1' },
    'ignore-unknown-option': { params: '1-15' },
    iproute: { params: '1', flags: 'B' },
    'keying-material-exporter': { params: '2-15' },
    mlock: { params: '0' },
    nice: { params: '1', numeric: [1] },
    'persist-key': { params: '0' },
    'remap-usr1': { params: '1', keywords: { index: 1, values: ['SIGHUP', 'SIGTERM'] } },
    'script-security': { params: '1', numeric: [1] },
    setcon: { params: '1', flags: 'B' },
    status: { params: '1-2', numeric: [2] },
    'status-version': { params: '1', keywords: { index: 1, values: ['1', '2', '3'] } },
    'test-crypto': { params: '0', standalone: true },
    'tmp-dir': { params: '1' },
    'use-prediction-resistance': { params: '0', flags: 'B' },
    user: { params: '1' },
    writepid: { params: '1' },
  }],
  ['Log options', {
    echo: { params: '0-15' },
    'errors-to-stderr': { params: '0' },
    log: { params: '1' },
    'log-append': { params: '1' },
    'machine-readable-output': { params: '0' },
    mute: { params: '1', numeric: [1] },
    'mute-replay-warnings': { params: '0' },
    'suppress-timestamps': { params: '0' },
    syslog: { params: '0-1' },
    verb: { params: '1', numeric: [1] },
  }],
  ['Protocol options', {
    'allow-compression': { params: '1', keywords: { index: 1, values: ['yes', 'no', 'asym'] } },
    auth: { params: '1' },
    cipher: { params: '1' },
    compress: { params: '0-1', keywords: { index: 1, values: ['lzo', 'lz4', 'lz4-v2', 'stub', 'stub-v2', 'migrate'] }, deprecated: { advice: 'compression enables VORACLE-style attacks and is deprecated: remove it here and on the peer (2.6 only decompresses unless allow-compression yes)', replacement: '', safe: false } },
    'comp-lzo': { params: '0-1', keywords: { index: 1, values: ['yes', 'no', 'adaptive'] }, deprecated: { advice: 'compression enables VORACLE-style attacks and is deprecated: remove it here and on the peer (2.6 only decompresses unless allow-compression yes)', replacement: '', safe: false } },
    'comp-noadapt': { params: '0' },
    'data-ciphers': { params: '1' },
    'data-ciphers-fallback': { params: '1' },
    'key-direction': { params: '1', flags: 'C', keywords: { index: 1, values: ['0', '1'] } },
    secret: { params: '1-2', inline: 'replaces', secret: true, keywords: { index: 2, values: ['0', '1'] }, deprecated: { advice: 'static-key mode is deprecated and gone in OpenVPN 2.7: switch to TLS (ca/cert/key, or peer-fingerprint for two peers)', safe: false } },
    'tran-window': { params: '1', numeric: [1] },
  }],
  ['Link Options', {
    bind: { params: '0-1', flags: 'C' },
    float: { params: '0', flags: 'C' },
    fragment: { params: '1-2', flags: 'C', numeric: [1], keywords: { index: 2, values: ['mtu'] } },
    keepalive: { params: '2', numeric: [1, 2] },
    'link-mtu': { params: '1', flags: 'C', numeric: [1], deprecated: { advice: 'it is deprecated: set tun-mtu instead', safe: false } },
    local: { params: '1', flags: 'C' },
    lport: { params: '1', flags: 'C' },
    mark: { params: '1', numeric: [1] },
    mode: { params: '1', keywords: { index: 1, values: ['p2p', 'server'] } },
    mssfix: { params: '0-2', flags: 'C', numeric: [1], keywords: { index: 2, values: ['mtu', 'fixed'] } },
    'mtu-disc': { params: '1', flags: 'C', keywords: { index: 1, values: ['yes', 'maybe', 'no'] } },
    'mtu-test': { params: '0' },
    nobind: { params: '0', flags: 'C' },
    passtos: { params: '0' },
    ping: { params: '1', numeric: [1] },
    'ping-exit': { params: '1', numeric: [1] },
    'ping-restart': { params: '1', numeric: [1] },
    'ping-timer-rem': { params: '0' },
    port: { params: '1', flags: 'C' },
    proto: { params: '1', flags: 'C' },
    'replay-persist': { params: '1' },
    'replay-window': { params: '1-2', numeric: [1, 2] },
    rport: { params: '1', flags: 'C' },
    'socket-flags': { params: '0-15' },
    'tcp-nodelay': { params: '0' },
  }],
  ['Client Options', {
    'allow-pull-fqdn': { params: '0' },
    'allow-recursive-routing': { params: '0' },
    'auth-retry': { params: '1', keywords: { index: 1, values: ['none', 'nointeract', 'interact'] } },
    'auth-token': { params: '1' },
    'auth-token-user': { params: '1' },
    'auth-user-pass': { params: '0-1', inline: 'replaces', secret: true },
    client: { params: '0' },
    'client-nat': { params: '4', keywords: { index: 1, values: ['snat', 'dnat'] } },
    'connect-retry': { params: '1-2', flags: 'C', numeric: [1, 2] },
    'connect-retry-max': { params: '1', flags: 'C', numeric: [1] },
    'connect-timeout': { params: '1', flags: 'C', numeric: [1] },
    dns: { params: '2-15' },
    'explicit-exit-notify': { params: '0-1', flags: 'C', numeric: [1] },
    inactive: { params: '1-2', numeric: [1, 2] },
    'proto-force': { params: '1' },
    pull: { params: '0' },
    'pull-filter': { params: '2' },
    'push-peer-info': { params: '0' },
    remote: { params: '1-3', flags: 'C' },
    'remote-random': { params: '0' },
    'remote-random-hostname': { params: '0' },
    'resolv-retry': { params: '1', numeric: [1] },
    'server-poll-timeout': { params: '1', flags: 'C', numeric: [1] },
    'single-session': { params: '0' },
    'static-challenge': { params: '2' },
  }],
  ['Client Options (proxy)', {
    'http-proxy': { params: '1-4', flags: 'C' },
    'http-proxy-option': { params: '1-3', flags: 'C' },
    'socks-proxy': { params: '1-3', flags: 'C' },
  }],
  ['Server Options', {
    'auth-gen-token': { params: '0-15' },
    'auth-gen-token-secret': { params: '1', inline: 'replaces', secret: true },
    'auth-user-pass-optional': { params: '0' },
    'ccd-exclusive': { params: '0' },
    'client-config-dir': { params: '1' },
    'client-to-client': { params: '0' },
    'connect-freq': { params: '2', numeric: [1, 2] },
    'connect-freq-initial': { params: '2', numeric: [1, 2] },
    disable: { params: '0', flags: 'D' },
    'duplicate-cn': { params: '0' },
    'ifconfig-ipv6-pool': { params: '1' },
    'ifconfig-ipv6-push': { params: '1-2', flags: 'D' },
    'ifconfig-pool': { params: '2-3' },
    'ifconfig-pool-persist': { params: '1-2', numeric: [2] },
    'ifconfig-push': { params: '2-3', flags: 'D' },
    iroute: { params: '1-2', flags: 'D' },
    'iroute-ipv6': { params: '1', flags: 'D' },
    'max-clients': { params: '1', numeric: [1] },
    'max-routes-per-client': { params: '1', numeric: [1] },
    multihome: { params: '0' },
    'port-share': { params: '2-3' },
    push: { params: '1' },
    'push-remove': { params: '1', flags: 'D' },
    'push-reset': { params: '0', flags: 'D' },
    server: { params: '2-3' },
    'server-bridge': { params: '0-1,4' },
    'server-ipv6': { params: '1' },
    'stale-routes-check': { params: '1-2', numeric: [1, 2] },
    'username-as-common-name': { params: '0' },
    'verify-client-cert': { params: '0-1', keywords: { index: 1, values: ['none', 'optional', 'require'] } },
    'vlan-accept': { params: '1' },
    'vlan-pvid': { params: '1' },
    'vlan-tagging': { params: '0' },
  }],
  ['Advanced Expert Options', {
    'hash-size': { params: '2', numeric: [1, 2] },
    'bcast-buffers': { params: '1', numeric: [1] },
    'tcp-queue-limit': { params: '1', numeric: [1] },
    'disable-dco': { params: '0-15', flags: 'C' },
    'persist-local-ip': { params: '0' },
    'persist-remote-ip': { params: '0' },
    txqueuelen: { params: '1', numeric: [1] },
    sndbuf: { params: '1', numeric: [1] },
    rcvbuf: { params: '1', numeric: [1] },
    shaper: { params: '1', numeric: [1] },
  }],
  ['Virtual Network Adapter (VPN interface)', {
    'bind-dev': { params: '1-15' },
    'block-ipv6': { params: '0' },
    dev: { params: '1' },
    'dev-node': { params: '1' },
    'dev-type': { params: '1' },
    'dhcp-option': { params: '1-2' },
    ifconfig: { params: '2' },
    'ifconfig-ipv6': { params: '2' },
    'ifconfig-noexec': { params: '0' },
    'ifconfig-nowarn': { params: '0' },
    lladdr: { params: '1' },
    'persist-tun': { params: '0' },
    'redirect-gateway': { params: '0-15' },
    'redirect-private': { params: '0-15' },
    route: { params: '1-4' },
    'route-delay': { params: '0-2', numeric: [1, 2] },
    'route-gateway': { params: '1' },
    'route-ipv6': { params: '1-3' },
    'route-ipv6-gateway': { params: '1', flags: 'C' },
    'route-metric': { params: '1', numeric: [1] },
    'route-noexec': { params: '0' },
    'route-nopull': { params: '0' },
    topology: { params: '1', keywords: { index: 1, values: ['net30', 'p2p', 'subnet'] } },
    'tun-mtu': { params: '1-2', flags: 'C', numeric: [1, 2] },
    'tun-mtu-extra': { params: '1', flags: 'C', numeric: [1] },
    'tun-mtu-max': { params: '1-2', flags: 'C', numeric: [1] },
  }],
  ['Script Hooks', {
    'auth-user-pass-verify': { params: '2' },
    'client-connect': { params: '1' },
    'client-crresponse': { params: '1' },
    'client-disconnect': { params: '1' },
    down: { params: '1' },
    'down-pre': { params: '0' },
    ipchange: { params: '1' },
    'learn-address': { params: '1' },
    'route-pre-down': { params: '1' },
    'route-up': { params: '1' },
    setenv: { params: '1-2' },
    'setenv-safe': { params: '1-2' },
    'tls-export-cert': { params: '1' },
    'tls-verify': { params: '1' },
    up: { params: '1' },
    'up-delay': { params: '0' },
    'up-restart': { params: '0' },
  }],
  ['Management Interface Options', {
    management: { params: '2-3' },
    'management-client': { params: '0' },
    'management-client-auth': { params: '0' },
    'management-client-group': { params: '1' },
    'management-client-user': { params: '1' },
    'management-external-cert': { params: '1' },
    'management-external-key': { params: '0-15' },
    'management-forget-disconnect': { params: '0' },
    'management-hold': { params: '0' },
    'management-log-cache': { params: '1', numeric: [1] },
    'management-query-passwords': { params: '0' },
    'management-query-proxy': { params: '0' },
    'management-query-remote': { params: '0' },
    'management-signal': { params: '0' },
    'management-up-down': { params: '0' },
  }],
  ['Plug-in Interface Options', {
    plugin: { params: '1-15' },
  }],
  ['TLS Mode Options', {
    askpass: { params: '0-1' },
    ca: { params: '1', inline: 'replaces' },
    capath: { params: '1' },
    cert: { params: '1', inline: 'replaces' },
    'crl-verify': { params: '1-15', inline: 'replaces', keywords: { index: 2, values: ['dir'] } },
    dh: { params: '1', inline: 'replaces' },
    'ecdh-curve': { params: '1' },
    'extra-certs': { params: '1', inline: 'replaces' },
    'hand-window': { params: '1', numeric: [1] },
    key: { params: '1', inline: 'replaces', secret: true },
    'peer-fingerprint': { params: '1', inline: 'adds' },
    pkcs12: { params: '1', inline: 'replaces', secret: true },
    'remote-cert-eku': { params: '1' },
    'remote-cert-ku': { params: '0-15' },
    'remote-cert-tls': { params: '1', keywords: { index: 1, values: ['client', 'server'] } },
    'tls-auth': { params: '1-2', inline: 'replaces', flags: 'C', secret: true, keywords: { index: 2, values: ['0', '1'] } },
    'tls-cert-profile': { params: '1' },
    'tls-cipher': { params: '1' },
    'tls-ciphersuites': { params: '1' },
    'tls-client': { params: '0' },
    'tls-crypt': { params: '1-2', inline: 'replaces', flags: 'C', secret: true },
    'tls-crypt-v2': { params: '1-2', inline: 'replaces', flags: 'C', secret: true, keywords: { index: 2, values: ['force-cookie', 'allow-noncookie'] } },
    'tls-crypt-v2-verify': { params: '1' },
    'tls-exit': { params: '0' },
    'tls-groups': { params: '1' },
    'tls-server': { params: '0' },
    'tls-timeout': { params: '1', numeric: [1] },
    'tls-version-max': { params: '1', keywords: { index: 1, values: ['1.0', '1.1', '1.2', '1.3'] } },
    'tls-version-min': { params: '1-2', keywords: { index: 1, values: ['1.0', '1.1', '1.2', '1.3'] } },
    'verify-hash': { params: '1-2', deprecated: { advice: 'use peer-fingerprint (pins the peer certificate) or put the CA certificate in ca', safe: false } },
    'verify-x509-name': { params: '1-2', keywords: { index: 2, values: ['subject', 'name', 'name-prefix'] } },
    'x509-track': { params: '1' },
    'x509-username-field': { params: '1-15' },
  }],
  ['Data Channel Renegotiation', {
    'reneg-bytes': { params: '1', numeric: [1] },
    'reneg-pkts': { params: '1', numeric: [1] },
    'reneg-sec': { params: '1-2', numeric: [1, 2] },
  }],
  ['PKCS#11 / SmartCard options', {
    'pkcs11-cert-private': { params: '0-15' },
    'pkcs11-id': { params: '1' },
    'pkcs11-id-management': { params: '0' },
    'pkcs11-pin-cache': { params: '1' },
    'pkcs11-private-mode': { params: '1-15' },
    'pkcs11-protected-authentication': { params: '0-15' },
    'pkcs11-providers': { params: '1-15' },
    'show-pkcs11-ids': { params: '0-2', standalone: true },
  }],
  ['Encryption Options', {
    genkey: { params: '0-3', standalone: true },
    'show-ciphers': { params: '0', standalone: true },
    'show-digests': { params: '0', standalone: true },
    'show-engines': { params: '0', standalone: true },
    'show-groups': { params: '0', standalone: true },
    'show-tls': { params: '0', standalone: true },
  }],
  ['Standalone Debug Options', {
    'show-gateway': { params: '0-1', standalone: true },
  }],
  ['TUN/TAP standalone operations', {
    mktun: { params: '0', standalone: true },
    rmtun: { params: '0', standalone: true },
  }],
  ['Connection Profiles / Inline File Support', {
    connection: { params: '1-2', inline: 'adds' },
  }],
  ['options.c only (not in the manual: set by the server)', {
    gremlin: { params: '1', flags: 'B' },
    'key-derivation': { params: '1-15' },
    'peer-id': { params: '1' },
    'protocol-flags': { params: '1-15' },
    'push-continuation': { params: '1', flags: 'P' },
  }],
  ['Windows-Specific Options', {
    'allow-nonadmin': { params: '0-1', flags: 'W' },
    'block-outside-dns': { params: '0', flags: 'W' },
    cryptoapicert: { params: '1', flags: 'W' },
    'dhcp-pre-release': { params: '0', flags: 'W' },
    'dhcp-release': { params: '0', flags: 'W' },
    'dhcp-renew': { params: '0', flags: 'W' },
    'ip-win32': { params: '1', flags: 'W' },
    'pause-exit': { params: '0', flags: 'W' },
    'register-dns': { params: '0', flags: 'W' },
    'route-method': { params: '1' },
    service: { params: '1-2', flags: 'W' },
    'show-adapters': { params: '0', flags: 'W' },
    'show-net': { params: '0', flags: 'W' },
    'show-net-up': { params: '0', flags: 'W' },
    'show-proxy-settings': { params: '0', flags: 'W' },
    'show-valid-subnets': { params: '0', flags: 'W' },
    'tap-sleep': { params: '1', flags: 'W' },
    'win-sys': { params: '1', flags: 'W' },
    'windows-driver': { params: '1', flags: 'W' },
  }],
  // Not pinned down to a manual section (new in 2.6, deprecated, or only in options.c).
  ['', {
    version: { params: '0', standalone: true },
    'ncp-ciphers': { params: '1', deprecated: { advice: 'it was renamed: use data-ciphers', replacement: 'data-ciphers $1', safe: true } },
    'max-packet-size': { params: '1', flags: 'C', numeric: [1] },
    'no-replay': { params: '0' },
    'session-timeout': { params: '1', numeric: [1] },
    'http-proxy-user-pass': { params: '1-15', inline: 'replaces', secret: true },
    'http-proxy-retry': { params: '0-15', flags: 'C', deprecated: { advice: 'it is ignored since 2.4 (use connect-retry-max): delete it', replacement: '', safe: true } },
    'http-proxy-timeout': { params: '1', flags: 'C', deprecated: { advice: 'it is ignored since 2.4 (connect-timeout covers it): use connect-timeout $1', replacement: 'connect-timeout $1', safe: false } },
    'socks-proxy-retry': { params: '0-15', flags: 'C', deprecated: { advice: 'it is ignored since 2.4 (use connect-retry-max): delete it', replacement: '', safe: true } },
    'opt-verify': { params: '0', deprecated: { advice: 'it is deprecated and removed in 2.7: delete it', replacement: '', safe: false } },
    'tun-ipv6': { params: '0', flags: 'C', deprecated: { advice: 'it is ignored (IPv6 needs no special tun handling): delete it', replacement: '', safe: true } },
    'max-routes': { params: '0-1', flags: 'C', deprecated: { advice: 'it is ignored since 2.4 (routes are unlimited): delete it', replacement: '', safe: true } },
    'ns-cert-type': { params: '1', keywords: { index: 1, values: ['client', 'server'] }, deprecated: { advice: 'use remote-cert-tls $1', replacement: 'remote-cert-tls $1', safe: true } },
    'force-tls-key-material-export': { params: '0-15' },
    providers: { params: '1-15', flags: 'C' },
    prng: { params: '1-2', flags: 'C', deprecated: { advice: 'it is ignored (the SSL library PRNG is used): delete it', replacement: '', safe: true } },
    'show-curves': { params: '0', standalone: true },
  }],
];

function parseCounts(spec: string): number {
  let mask = 0;
  for (const part of spec.split(',')) {
    const [lo, hi = lo] = part.split('-').map(Number);
    for (let n = lo; n <= hi; n++) mask |= 1 << n;
  }
  return mask;
}

function specOf(name: string, facts: OptionFacts, section: string): OptionSpec {
  const counts = parseCounts(facts.params);
  const flags = facts.flags ?? '';
  let min = 0;
  while (!(counts & (1 << min))) min++;
  let max = MAX_PARAMS;
  while (!(counts & (1 << max))) max--;
  return {
    name,
    min,
    max,
    counts,
    inline: facts.inline !== undefined,
    connection: flags.includes('C'),
    scope: flags.includes('D') ? 'ccd' : flags.includes('P') ? 'pull' : 'config',
    windowsOnly: flags.includes('W'),
    buildDependent: flags.includes('B'),
    section,
  };
}

const options = new Map<string, OptionSpec>();
const secretInline = new Set<string>();
const singleValuedInline = new Set<string>();
const standalone = new Set<string>();
const numericParams = new Map<string, readonly number[]>();
const keywordParams = new Map<string, KeywordParam>();
const deprecated = new Map<string, DeprecatedSpec>();
for (const [section, records] of SECTIONS) {
  for (const [name, facts] of Object.entries(records)) {
    options.set(name, specOf(name, facts, section));
    if (facts.secret) secretInline.add(name);
    if (facts.inline === 'replaces') singleValuedInline.add(name);
    if (facts.standalone) standalone.add(name);
    if (facts.numeric) numericParams.set(name, facts.numeric);
    if (facts.keywords) keywordParams.set(name, facts.keywords);
    if (facts.deprecated) deprecated.set(name, facts.deprecated);
  }
}

export function acceptsCount(spec: OptionSpec, n: number): boolean {
  return n <= MAX_PARAMS && (spec.counts & (1 << n)) !== 0;
}

export const OPTIONS: ReadonlyMap<string, OptionSpec> = options;

// Views of the records above, by the fact the rules ask about.
/** Options whose inline block holds a secret: never echo their content. */
export const SECRET_INLINE: ReadonlySet<string> = secretInline;
/** Inline blocks where a second one silently replaces the first. */
export const SINGLE_VALUED_INLINE: ReadonlySet<string> = singleValuedInline;
/** Commands that make OpenVPN do one thing and exit instead of starting a tunnel. */
export const STANDALONE: ReadonlySet<string> = standalone;
export const NUMERIC_PARAMS: ReadonlyMap<string, readonly number[]> = numericParams;
export const KEYWORD_PARAMS: ReadonlyMap<string, KeywordParam> = keywordParams;
/** Options 2.6 still reads but warns about or ignores (OV03). */
export const DEPRECATED: ReadonlyMap<string, DeprecatedSpec> = deprecated;

export interface RemovedSpec {
  /** The release that dropped it. */
  readonly removedIn: string;
  /** What to write instead, in words. */
  readonly advice: string;
  /** Replacement line (with $1… for the old parameters), or '' to delete the line; undefined = no automatic fix. */
  readonly replacement?: string;
  /** True when the replacement keeps the behaviour, so --fix may apply it. */
  readonly safe: boolean;
  /** True when 2.6 treats it as unknown (so setenv opt / ignore-unknown-option make it a warning). */
  readonly unknownTo26: boolean;
}

/** The manual's "Unsupported Options": options OpenVPN 2.6 refuses although earlier releases had them (OV02). */
export const REMOVED: ReadonlyMap<string, RemovedSpec> = new Map<string, RemovedSpec>([
  ['tls-remote', { removedIn: '2.4', advice: 'use verify-x509-name NAME name', replacement: 'verify-x509-name $1 name', safe: false, unknownTo26: true }],
  ['key-method', { removedIn: '2.5', advice: 'delete it (method 2 is the only one left)', replacement: '', safe: true, unknownTo26: true }],
  ['no-iv', { removedIn: '2.5', advice: 'delete it (an IV is always used)', replacement: '', safe: false, unknownTo26: true }],
  ['ncp-disable', { removedIn: '2.6', advice: 'delete it and list the ciphers to negotiate in data-ciphers', replacement: '', safe: false, unknownTo26: true }],
  ['ifconfig-pool-linear', { removedIn: '2.5', advice: 'use topology p2p', replacement: 'topology p2p', safe: false, unknownTo26: true }],
  ['keysize', { removedIn: '2.6', advice: 'delete it and pick a cipher with the key size you want (AES-256-GCM)', replacement: '', safe: false, unknownTo26: true }],
  ['inetd', { removedIn: '2.6', advice: 'delete it and run OpenVPN as a normal service', replacement: '', safe: false, unknownTo26: true }],
  ['client-cert-not-required', { removedIn: '2.5', advice: 'use verify-client-cert none', replacement: 'verify-client-cert none', safe: true, unknownTo26: false }],
  ['compat-names', { removedIn: '2.5', advice: 'delete it (scripts get the X.509 names unmodified)', replacement: '', safe: false, unknownTo26: false }],
  ['no-name-remapping', { removedIn: '2.5', advice: 'delete it (names are no longer remapped)', replacement: '', safe: true, unknownTo26: false }],
  ['mtu-dynamic', { removedIn: '2.5', advice: 'use fragment', safe: false, unknownTo26: false }],
  ['management-client-pf', { removedIn: '2.6', advice: 'delete it (the packet filter was removed; use firewall rules)', replacement: '', safe: false, unknownTo26: true }],
]);

/** Options that do not exist in any release although people write them. */
export const NEVER_EXISTED: ReadonlyMap<string, string> = new Map([
  ['nat-detect', 'nat-detect does not exist in any OpenVPN release: delete it (OpenVPN works through NAT without it; keepalive keeps the mapping open)'],
]);

/** Flags redirect-gateway / redirect-private accept. */
export const REDIRECT_FLAGS = new Set(['local', 'autolocal', 'def1', 'bypass-dhcp', 'bypass-dns', 'block-local', 'ipv6', '!ipv4']);

/** Protocol names `proto` and `remote` accept (case-sensitive). */
export const PROTOCOLS = new Set([
  'udp',
  'tcp-server',
  'tcp-client',
  'tcp',
  'udp4',
  'tcp4-server',
  'tcp4-client',
  'tcp4',
  'udp6',
  'tcp6-server',
  'tcp6-client',
  'tcp6',
]);

/** The data-ciphers list OpenVPN 2.6 uses when the config sets none. */
export const DEFAULT_DATA_CIPHERS = ['AES-256-GCM', 'AES-128-GCM', 'CHACHA20-POLY1305'];

export function isTcp(protocol: string): boolean {
  return protocol.startsWith('tcp');
}
