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

/** What the linter knows about one option; a plain string is short for `params flags`. */
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
  /** What the 0 that atoi() makes of a word means, for the OV09 message. */
  readonly zeroMeans?: string;
  /**
   * Written at top level, it reaches every `<connection>` block without its own, even one before
   * it (options_postprocess_mutate_ce), unlike other connection options (OV16).
   */
  readonly toEveryConnection?: true;
  /** A parameter that must be one of a few words (OpenVPN refuses others while reading). */
  readonly keywords?: KeywordParam;
  /** 2.6 still reads it but warns about or ignores it (OV03). */
  readonly deprecated?: DeprecatedSpec;
  /**
   * Needs TLS mode (tls-client/tls-server): OpenVPN refuses to start without it (OV15). A number
   * is the default, which 2.6 still accepts without TLS. `dh` is not one: without tls-server
   * OpenVPN drops it with a warning before this check (OV16).
   */
  readonly tlsOnly?: true | number;
  /** Accepted only with `server`/`mode server` (OV15). */
  readonly serverOnly?: true;
  /** Refused together with `server`/`mode server`; the text says why (OV15). */
  readonly notInServer?: string;
  /** Changes how --management behaves, so it needs a management line (OV15). */
  readonly needsManagement?: true;
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

const SECTIONS: readonly (readonly [section: string, options: Readonly<Record<string, OptionFacts | string>>])[] = [
  ['Generic Options', {
    config: '1',
    help: { params: '0-1', standalone: true },
    'auth-nocache': '0',
    cd: '1',
    chroot: '1',
    'compat-mode': '1-2 C',
    daemon: '0-1',
    'disable-occ': '0',
    engine: '0-1',
    'fast-io': '0',
    group: '1',
    'ignore-unknown-option': '1-15',
    iproute: '1 B',
    'keying-material-exporter': '2-15',
    mlock: '0',
    nice: { params: '1', numeric: [1] },
    'persist-key': '0',
    'remap-usr1': { params: '1', keywords: { index: 1, values: ['SIGHUP', 'SIGTERM'] } },
    'script-security': { params: '1', numeric: [1] },
    setcon: '1 B',
    status: { params: '1-2', numeric: [2] },
    'status-version': { params: '1', keywords: { index: 1, values: ['1', '2', '3'] } },
    'test-crypto': { params: '0', standalone: true },
    'tmp-dir': '1',
    'use-prediction-resistance': '0 B',
    user: '1',
    writepid: '1',
  }],
  ['Log options', {
    echo: '0-15',
    'errors-to-stderr': '0',
    log: '1',
    'log-append': '1',
    'machine-readable-output': '0',
    mute: { params: '1', numeric: [1] },
    'mute-replay-warnings': '0',
    'suppress-timestamps': '0',
    syslog: '0-1',
    verb: { params: '1', numeric: [1], zeroMeans: 'no log output' },
  }],
  ['Protocol options', {
    'allow-compression': { params: '1', keywords: { index: 1, values: ['yes', 'no', 'asym'] } },
    auth: '1',
    cipher: '1',
    compress: { params: '0-1', keywords: { index: 1, values: ['lzo', 'lz4', 'lz4-v2', 'stub', 'stub-v2', 'migrate'] }, deprecated: { advice: 'compression enables VORACLE-style attacks and is deprecated: remove it here and on the peer (2.6 only decompresses unless allow-compression yes)', replacement: '', safe: false } },
    'comp-lzo': { params: '0-1', keywords: { index: 1, values: ['yes', 'no', 'adaptive'] }, deprecated: { advice: 'compression enables VORACLE-style attacks and is deprecated: remove it here and on the peer (2.6 only decompresses unless allow-compression yes)', replacement: '', safe: false } },
    'comp-noadapt': '0',
    'data-ciphers': '1',
    'data-ciphers-fallback': '1',
    'key-direction': { params: '1', flags: 'C', keywords: { index: 1, values: ['0', '1'] } },
    secret: { params: '1-2', inline: 'replaces', secret: true, keywords: { index: 2, values: ['0', '1'] }, deprecated: { advice: 'static-key mode is deprecated and gone in OpenVPN 2.7: switch to TLS (ca/cert/key, or peer-fingerprint for two peers)', safe: false } },
    'tran-window': { params: '1', numeric: [1], tlsOnly: 3600 },
  }],
  ['Link Options', {
    bind: '0-1 C',
    float: '0 C',
    fragment: { params: '1-2', flags: 'C', numeric: [1], keywords: { index: 2, values: ['mtu'] }, zeroMeans: 'no fragmentation' },
    keepalive: { params: '2', numeric: [1, 2], zeroMeans: 'no keepalive at all' },
    'link-mtu': { params: '1', flags: 'C', numeric: [1], deprecated: { advice: 'it is deprecated: set tun-mtu instead', safe: false } },
    local: '1 C',
    lport: '1 C',
    mark: { params: '1', numeric: [1] },
    mode: { params: '1', keywords: { index: 1, values: ['p2p', 'server'] } },
    mssfix: { params: '0-2', flags: 'C', numeric: [1], keywords: { index: 2, values: ['mtu', 'fixed'] }, zeroMeans: 'MSS clamping off' },
    'mtu-disc': { params: '1', flags: 'C', keywords: { index: 1, values: ['yes', 'maybe', 'no'] } },
    'mtu-test': '0',
    nobind: '0 C',
    passtos: '0',
    ping: { params: '1', numeric: [1], zeroMeans: 'no pings' },
    'ping-exit': { params: '1', numeric: [1] },
    'ping-restart': { params: '1', numeric: [1], zeroMeans: 'no restart on silence' },
    'ping-timer-rem': '0',
    port: '1 C',
    proto: '1 C',
    'replay-persist': '1',
    'replay-window': { params: '1-2', numeric: [1, 2] },
    rport: '1 C',
    'socket-flags': '0-15',
    'tcp-nodelay': '0',
  }],
  ['Client Options', {
    'allow-pull-fqdn': '0',
    'allow-recursive-routing': { params: '0', notInServer: 'it is a client option' },
    'auth-retry': { params: '1', keywords: { index: 1, values: ['none', 'nointeract', 'interact'] } },
    'auth-token': '1',
    'auth-token-user': '1',
    'auth-user-pass': { params: '0-1', inline: 'replaces', secret: true, notInServer: 'it belongs in the client config' },
    client: '0',
    'client-nat': { params: '4', keywords: { index: 1, values: ['snat', 'dnat'] } },
    'connect-retry': { params: '1-2', flags: 'C', numeric: [1, 2], zeroMeans: 'no wait between connection attempts' },
    'connect-retry-max': { params: '1', flags: 'C', numeric: [1] },
    'connect-timeout': { params: '1', flags: 'C', numeric: [1] },
    dns: '2-15',
    'explicit-exit-notify': { params: '0-1', flags: 'C', numeric: [1] },
    inactive: { params: '1-2', numeric: [1, 2] },
    'proto-force': '1',
    pull: { params: '0', notInServer: 'a server pushes options, it does not pull them' },
    'pull-filter': '2',
    'push-peer-info': { params: '0', tlsOnly: true },
    remote: '1-3 C',
    'remote-random': '0',
    'remote-random-hostname': '0',
    'resolv-retry': { params: '1', numeric: [1], zeroMeans: 'no retries: one failed DNS lookup ends the connection attempt' },
    'server-poll-timeout': { params: '1', flags: 'C', numeric: [1] },
    'single-session': { params: '0', tlsOnly: true },
    'static-challenge': '2',
  }],
  ['Client Options (proxy)', {
    'http-proxy': '1-4 C',
    'http-proxy-option': '1-3 C',
    'socks-proxy': '1-3 C',
  }],
  ['Server Options', {
    'auth-gen-token': { params: '0-15', serverOnly: true },
    'auth-gen-token-secret': { params: '1', inline: 'replaces', secret: true },
    'auth-user-pass-optional': { params: '0', serverOnly: true },
    'ccd-exclusive': { params: '0', serverOnly: true },
    'client-config-dir': { params: '1', serverOnly: true },
    'client-to-client': { params: '0', serverOnly: true },
    'connect-freq': { params: '2', numeric: [1, 2], serverOnly: true },
    'connect-freq-initial': { params: '2', numeric: [1, 2] },
    disable: '0 D',
    'duplicate-cn': { params: '0', serverOnly: true },
    'ifconfig-ipv6-pool': { params: '1', serverOnly: true },
    'ifconfig-ipv6-push': '1-2 D',
    'ifconfig-pool': { params: '2-3', serverOnly: true },
    'ifconfig-pool-persist': { params: '1-2', numeric: [2], serverOnly: true },
    'ifconfig-push': '2-3 D',
    iroute: '1-2 D',
    'iroute-ipv6': '1 D',
    'max-clients': { params: '1', numeric: [1] },
    'max-routes-per-client': { params: '1', numeric: [1] },
    multihome: '0',
    'port-share': { params: '2-3', serverOnly: true },
    push: '1',
    'push-remove': '1 D',
    'push-reset': '0 D',
    server: '2-3',
    'server-bridge': '0-1,4',
    'server-ipv6': '1',
    'stale-routes-check': { params: '1-2', numeric: [1, 2], serverOnly: true },
    'username-as-common-name': { params: '0', serverOnly: true },
    'verify-client-cert': { params: '0-1', keywords: { index: 1, values: ['none', 'optional', 'require'] } },
    'vlan-accept': '1',
    'vlan-pvid': '1',
    'vlan-tagging': { params: '0', serverOnly: true },
  }],
  ['Advanced Expert Options', {
    'hash-size': { params: '2', numeric: [1, 2] },
    'bcast-buffers': { params: '1', numeric: [1] },
    'tcp-queue-limit': { params: '1', numeric: [1] },
    'disable-dco': '0-15 C',
    'persist-local-ip': '0',
    'persist-remote-ip': '0',
    txqueuelen: { params: '1', numeric: [1] },
    sndbuf: { params: '1', numeric: [1] },
    rcvbuf: { params: '1', numeric: [1] },
    shaper: { params: '1', numeric: [1], notInServer: 'it shapes one peer, not many' },
  }],
  ['Virtual Network Adapter (VPN interface)', {
    'bind-dev': '1-15',
    'block-ipv6': '0',
    dev: '1',
    'dev-node': '1',
    'dev-type': '1',
    'dhcp-option': '1-2',
    ifconfig: '2',
    'ifconfig-ipv6': '2',
    'ifconfig-noexec': '0',
    'ifconfig-nowarn': '0',
    lladdr: '1',
    'persist-tun': '0',
    'redirect-gateway': { params: '0-15', notInServer: 'push it to the clients instead: push "redirect-gateway def1"' },
    'redirect-private': { params: '0-15', notInServer: 'push it to the clients instead' },
    route: '1-4',
    'route-delay': { params: '0-2', numeric: [1, 2], notInServer: 'it is a client option' },
    'route-gateway': '1',
    'route-ipv6': '1-3',
    'route-ipv6-gateway': '1 C',
    'route-metric': { params: '1', numeric: [1] },
    'route-noexec': '0',
    'route-nopull': '0',
    topology: { params: '1', keywords: { index: 1, values: ['net30', 'p2p', 'subnet'] } },
    'tun-mtu': { params: '1-2', flags: 'C', numeric: [1, 2], zeroMeans: 'an invalid MTU' },
    'tun-mtu-extra': { params: '1', flags: 'C', numeric: [1] },
    'tun-mtu-max': { params: '1-2', flags: 'C', numeric: [1] },
  }],
  ['Script Hooks', {
    'auth-user-pass-verify': { params: '2', serverOnly: true },
    'client-connect': { params: '1', serverOnly: true },
    'client-crresponse': { params: '1', serverOnly: true },
    'client-disconnect': { params: '1', serverOnly: true },
    down: '1',
    'down-pre': '0',
    ipchange: { params: '1', notInServer: 'use client-connect instead' },
    'learn-address': { params: '1', serverOnly: true },
    'route-pre-down': '1',
    'route-up': '1',
    setenv: '1-2',
    'setenv-safe': '1-2',
    'tls-export-cert': { params: '1', tlsOnly: true },
    'tls-verify': { params: '1', tlsOnly: true },
    up: '1',
    'up-delay': { params: '0', notInServer: 'it is a client option' },
    'up-restart': '0',
  }],
  ['Management Interface Options', {
    management: '2-3',
    'management-client': { params: '0', needsManagement: true },
    'management-client-auth': { params: '0', needsManagement: true },
    'management-client-group': { params: '1', needsManagement: true },
    'management-client-user': { params: '1', needsManagement: true },
    'management-external-cert': { params: '1', needsManagement: true },
    'management-external-key': { params: '0-15', needsManagement: true },
    'management-forget-disconnect': { params: '0', needsManagement: true },
    'management-hold': { params: '0', needsManagement: true },
    'management-log-cache': { params: '1', numeric: [1], needsManagement: true },
    'management-query-passwords': { params: '0', needsManagement: true },
    'management-query-proxy': { params: '0', needsManagement: true },
    'management-query-remote': { params: '0', needsManagement: true },
    'management-signal': { params: '0', needsManagement: true },
    'management-up-down': { params: '0', needsManagement: true },
  }],
  ['Plug-in Interface Options', {
    plugin: '1-15',
  }],
  ['TLS Mode Options', {
    askpass: '0-1',
    ca: { params: '1', inline: 'replaces', tlsOnly: true },
    capath: { params: '1', tlsOnly: true },
    cert: { params: '1', inline: 'replaces', tlsOnly: true },
    'crl-verify': { params: '1-15', inline: 'replaces', keywords: { index: 2, values: ['dir'] }, tlsOnly: true },
    dh: { params: '1', inline: 'replaces' },
    'ecdh-curve': '1',
    'extra-certs': { params: '1', inline: 'replaces' },
    'hand-window': { params: '1', numeric: [1], tlsOnly: 60 },
    key: { params: '1', inline: 'replaces', secret: true, tlsOnly: true },
    'peer-fingerprint': { params: '1', inline: 'adds' },
    pkcs12: { params: '1', inline: 'replaces', secret: true, tlsOnly: true },
    'remote-cert-eku': { params: '1', tlsOnly: true },
    'remote-cert-ku': { params: '0-15', tlsOnly: true },
    'remote-cert-tls': { params: '1', keywords: { index: 1, values: ['client', 'server'] }, tlsOnly: true },
    'tls-auth': { params: '1-2', inline: 'replaces', flags: 'C', secret: true, keywords: { index: 2, values: ['0', '1'] }, tlsOnly: true, toEveryConnection: true },
    'tls-cert-profile': { params: '1', tlsOnly: true },
    'tls-cipher': { params: '1', tlsOnly: true },
    'tls-ciphersuites': { params: '1', tlsOnly: true },
    'tls-client': '0',
    'tls-crypt': { params: '1-2', inline: 'replaces', flags: 'C', secret: true, tlsOnly: true, toEveryConnection: true },
    'tls-crypt-v2': { params: '1-2', inline: 'replaces', flags: 'C', secret: true, keywords: { index: 2, values: ['force-cookie', 'allow-noncookie'] }, tlsOnly: true, toEveryConnection: true },
    'tls-crypt-v2-verify': '1',
    'tls-exit': { params: '0', tlsOnly: true },
    'tls-groups': '1',
    'tls-server': '0',
    'tls-timeout': { params: '1', numeric: [1], tlsOnly: 2 },
    'tls-version-max': { params: '1', keywords: { index: 1, values: ['1.0', '1.1', '1.2', '1.3'] } },
    'tls-version-min': { params: '1-2', keywords: { index: 1, values: ['1.0', '1.1', '1.2', '1.3'] } },
    'verify-hash': { params: '1-2', deprecated: { advice: 'use peer-fingerprint (pins the peer certificate) or put the CA certificate in ca', safe: false } },
    'verify-x509-name': { params: '1-2', keywords: { index: 2, values: ['subject', 'name', 'name-prefix'] }, tlsOnly: true },
    'x509-track': '1',
    'x509-username-field': '1-15',
  }],
  ['Data Channel Renegotiation', {
    'reneg-bytes': { params: '1', numeric: [1], tlsOnly: -1 },
    'reneg-pkts': { params: '1', numeric: [1], tlsOnly: 0 },
    'reneg-sec': { params: '1-2', numeric: [1, 2], tlsOnly: 3600 },
  }],
  ['PKCS#11 / SmartCard options', {
    'pkcs11-cert-private': '0-15',
    'pkcs11-id': { params: '1', tlsOnly: true },
    'pkcs11-id-management': { params: '0', tlsOnly: true },
    'pkcs11-pin-cache': '1',
    'pkcs11-private-mode': { params: '1-15', tlsOnly: true },
    'pkcs11-protected-authentication': '0-15',
    'pkcs11-providers': { params: '1-15', tlsOnly: true },
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
    gremlin: '1 B',
    'key-derivation': '1-15',
    'peer-id': '1',
    'protocol-flags': '1-15',
    'push-continuation': '1 P',
  }],
  ['Windows-Specific Options', {
    'allow-nonadmin': '0-1 W',
    'block-outside-dns': '0 W',
    cryptoapicert: '1 W',
    'dhcp-pre-release': '0 W',
    'dhcp-release': '0 W',
    'dhcp-renew': '0 W',
    'ip-win32': '1 W',
    'pause-exit': '0 W',
    'register-dns': '0 W',
    'route-method': '1',
    service: '1-2 W',
    'show-adapters': '0 W',
    'show-net': '0 W',
    'show-net-up': '0 W',
    'show-proxy-settings': '0 W',
    'show-valid-subnets': '0 W',
    'tap-sleep': '1 W',
    'win-sys': '1 W',
    'windows-driver': '1 W',
  }],
  // Not pinned down to a manual section (new in 2.6, deprecated, or only in options.c).
  ['', {
    version: { params: '0', standalone: true },
    'ncp-ciphers': { params: '1', deprecated: { advice: 'it was renamed: use data-ciphers', replacement: 'data-ciphers $1', safe: true } },
    'max-packet-size': { params: '1', flags: 'C', numeric: [1] },
    'no-replay': '0',
    'session-timeout': { params: '1', numeric: [1] },
    'http-proxy-user-pass': { params: '1-15', inline: 'replaces', secret: true },
    'http-proxy-retry': { params: '0-15', flags: 'C', deprecated: { advice: 'it is ignored since 2.4 (use connect-retry-max): delete it', replacement: '', safe: true } },
    'http-proxy-timeout': { params: '1', flags: 'C', deprecated: { advice: 'it is ignored since 2.4 (connect-timeout covers it): use connect-timeout $1', replacement: 'connect-timeout $1', safe: false } },
    'socks-proxy-retry': { params: '0-15', flags: 'C', deprecated: { advice: 'it is ignored since 2.4 (use connect-retry-max): delete it', replacement: '', safe: true } },
    'opt-verify': { params: '0', deprecated: { advice: 'it is deprecated and removed in 2.7: delete it', replacement: '', safe: false }, serverOnly: true },
    'tun-ipv6': { params: '0', flags: 'C', deprecated: { advice: 'it is ignored (IPv6 needs no special tun handling): delete it', replacement: '', safe: true } },
    'max-routes': { params: '0-1', flags: 'C', deprecated: { advice: 'it is ignored since 2.4 (routes are unlimited): delete it', replacement: '', safe: true } },
    'ns-cert-type': { params: '1', keywords: { index: 1, values: ['client', 'server'] }, deprecated: { advice: 'use remote-cert-tls $1', replacement: 'remote-cert-tls $1', safe: true }, tlsOnly: true },
    'force-tls-key-material-export': { params: '0-15', serverOnly: true },
    providers: '1-15 C',
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
const zeroMeans = new Map<string, string>();
const toEveryConnection = new Set<string>();
const tlsOnly = new Map<string, number | undefined>();
const serverOnly: string[] = [];
const notInServer = new Map<string, string>();
const needsManagement: string[] = [];
for (const [section, records] of SECTIONS) {
  for (const [name, record] of Object.entries(records)) {
    const [params, flags] = typeof record === 'string' ? record.split(' ') : [];
    const facts: OptionFacts = typeof record === 'string' ? { params, flags } : record;
    options.set(name, specOf(name, facts, section));
    if (facts.secret) secretInline.add(name);
    if (facts.inline === 'replaces') singleValuedInline.add(name);
    if (facts.standalone) standalone.add(name);
    if (facts.numeric) numericParams.set(name, facts.numeric);
    if (facts.zeroMeans) zeroMeans.set(name, facts.zeroMeans);
    if (facts.toEveryConnection) toEveryConnection.add(name);
    if (facts.keywords) keywordParams.set(name, facts.keywords);
    if (facts.deprecated) deprecated.set(name, facts.deprecated);
    if (facts.tlsOnly !== undefined) tlsOnly.set(name, facts.tlsOnly === true ? undefined : facts.tlsOnly);
    if (facts.serverOnly) serverOnly.push(name);
    if (facts.notInServer) notInServer.set(name, facts.notInServer);
    if (facts.needsManagement) needsManagement.push(name);
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
export const ZERO_MEANS: ReadonlyMap<string, string> = zeroMeans;
/** Top-level options handed to every `<connection>` block without its own (tls-auth, tls-crypt…). */
export const TO_EVERY_CONNECTION: ReadonlySet<string> = toEveryConnection;
export const KEYWORD_PARAMS: ReadonlyMap<string, KeywordParam> = keywordParams;
/** Options 2.6 still reads but warns about or ignores (OV03). */
export const DEPRECATED: ReadonlyMap<string, DeprecatedSpec> = deprecated;
/** TLS-only options and, for numeric ones, the default 2.6 still accepts without TLS. */
export const TLS_ONLY: ReadonlyMap<string, number | undefined> = tlsOnly;
export const SERVER_ONLY: readonly string[] = serverOnly;
export const NOT_IN_SERVER: ReadonlyMap<string, string> = notInServer;
/** Options that change how --management behaves (set management flags or the log cache). */
export const NEEDS_MANAGEMENT: readonly string[] = needsManagement;

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
