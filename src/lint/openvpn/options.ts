/**
 * The OpenVPN 2.6 option table: every option name the Linux/macOS build reads from a config
 * file, with how many parameters it takes. Written for this project from the OpenVPN 2.6
 * manual (openvpn(8)) and checked option by option against OpenVPN 2.6.14 (see
 * test/lab/lint-openvpn-oracle.test.ts, which re-verifies the counts against the real binary).
 *
 * Line format: `name counts flags`. counts is `n`, `min-max` or a list `0,4`; 15 means "as many
 * as fit" (a line holds at most 16 tokens, the option name included). Flags:
 *   I  may be given as an inline `<name>…</name>` block
 *   C  allowed inside a `<connection>` block
 *   D  only in a client-config-dir file (OpenVPN: "cannot be used in this context" elsewhere)
 *   P  only as a pushed option (same error in a config file)
 *   W  Windows-only: Linux/macOS builds reject it as unknown
 *   B  only in some builds (iproute2, SELinux, mbed TLS): the common Linux packages reject it
 */

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
}

/** Parameters beyond the name that one line can hold. */
export const MAX_PARAMS = 15;

const TABLE = `
config 1
help 0-1
version 0
mode 1
local 1 C
remote 1-3 C
remote-random 0
remote-random-hostname 0
proto-force 1
resolv-retry 1
float 0 C
ipchange 1
connect-retry 1-2 C
connect-retry-max 1 C
connect-timeout 1 C
server-poll-timeout 1 C
show-proxy-settings 0 W
http-proxy 1-4 C
http-proxy-option 1-3 C
http-proxy-user-pass 1-15 I
http-proxy-retry 0-15 C
http-proxy-timeout 1 C
socks-proxy 1-3 C
socks-proxy-retry 0-15 C
port 1 C
lport 1 C
rport 1 C
bind 0-1 C
nobind 0 C
proto 1 C
dev 1
dev-type 1
dev-node 1
disable-dco 0-15 C
lladdr 1
topology 1
tun-ipv6 0 C
iproute 1 B
ifconfig 2
ifconfig-ipv6 2
ifconfig-noexec 0
ifconfig-nowarn 0
route 1-4
route-ipv6 1-3
route-gateway 1
route-ipv6-gateway 1 C
route-metric 1
route-delay 0-2
route-up 1
route-pre-down 1
route-noexec 0
route-nopull 0
allow-pull-fqdn 0
allow-recursive-routing 0
redirect-gateway 0-15
redirect-private 0-15
block-ipv6 0
client-nat 4
setenv 1-2
setenv-safe 1-2
ignore-unknown-option 1-15
script-security 1
shaper 1
keepalive 2
inactive 1-2
session-timeout 1
ping 1
ping-exit 1
ping-restart 1
ping-timer-rem 0
persist-tun 0
persist-key 0
persist-local-ip 0
persist-remote-ip 0
mlock 0
up 1
up-delay 0
down 1
down-pre 0
up-restart 0
user 1
group 1
chroot 1
cd 1
setcon 1 B
daemon 0-1
syslog 0-1
errors-to-stderr 0
passtos 0
log 1
log-append 1
suppress-timestamps 0
machine-readable-output 0
writepid 1
nice 1
fast-io 0
multihome 0
echo 0-15
remap-usr1 1
verb 1
mute 1
status 1-2
status-version 1
mssfix 0-2 C
fragment 1-2 C
mtu-disc 1 C
mtu-test 0
tun-mtu 1-2 C
tun-mtu-extra 1 C
tun-mtu-max 1-2 C
link-mtu 1 C
max-packet-size 1 C
txqueuelen 1
sndbuf 1
rcvbuf 1
mark 1
bind-dev 1-15
socket-flags 0-15
explicit-exit-notify 0-1 C
management 2-3
management-client-user 1
management-client-group 1
management-query-passwords 0
management-query-proxy 0
management-query-remote 0
management-forget-disconnect 0
management-hold 0
management-signal 0
management-up-down 0
management-client 0
management-external-key 0-15
management-external-cert 1
management-client-auth 0
management-log-cache 1
plugin 1-15
auth-user-pass 0-1 I
auth-retry 1
auth-nocache 0
auth-token 1
auth-token-user 1
static-challenge 2
pull 0
push 1
push-reset 0 D
push-remove 1 D
push-peer-info 0
pull-filter 2
client 0
tls-client 0
tls-server 0
server 2-3
server-ipv6 1
server-bridge 0-1,4
ifconfig-pool 2-3
ifconfig-ipv6-pool 1
ifconfig-pool-persist 1-2
ifconfig-push 2-3 D
ifconfig-ipv6-push 1-2 D
iroute 1-2 D
iroute-ipv6 1 D
disable 0 D
client-to-client 0
duplicate-cn 0
client-connect 1
client-disconnect 1
client-crresponse 1
client-config-dir 1
ccd-exclusive 0
tmp-dir 1
hash-size 2
bcast-buffers 1
tcp-queue-limit 1
tcp-nodelay 0
max-clients 1
max-routes-per-client 1
stale-routes-check 1-2
connect-freq 2
connect-freq-initial 2
learn-address 1
auth-user-pass-verify 2
auth-gen-token 0-15
auth-gen-token-secret 1 I
auth-user-pass-optional 0
opt-verify 0
verify-client-cert 0-1
username-as-common-name 0
port-share 2-3
vlan-tagging 0
vlan-accept 1
vlan-pvid 1
allow-compression 1
comp-lzo 0-1
comp-noadapt 0
compress 0-1
secret 1-2 I
key-direction 1 C
auth 1
cipher 1
data-ciphers 1
data-ciphers-fallback 1
ncp-ciphers 1
prng 1-2 C
engine 0-1
providers 1-15 C
no-replay 0
replay-window 1-2
mute-replay-warnings 0
replay-persist 1
test-crypto 0
use-prediction-resistance 0 B
compat-mode 1-2 C
force-tls-key-material-export 0-15
ca 1 I
capath 1
dh 1 I
ecdh-curve 1
cert 1 I
extra-certs 1 I
key 1 I
tls-version-min 1-2
tls-version-max 1
pkcs12 1 I
verify-hash 1-2
peer-fingerprint 1 I
tls-cipher 1
tls-ciphersuites 1
tls-cert-profile 1
tls-groups 1
tls-timeout 1
reneg-bytes 1
reneg-pkts 1
reneg-sec 1-2
hand-window 1
tran-window 1
single-session 0
tls-exit 0
tls-auth 1-2 IC
tls-crypt 1-2 IC
tls-crypt-v2 1-2 IC
tls-crypt-v2-verify 1
askpass 0-1
tls-verify 1
tls-export-cert 1
x509-username-field 1-15
verify-x509-name 1-2
x509-track 1
ns-cert-type 1
remote-cert-ku 0-15
remote-cert-eku 1
remote-cert-tls 1
crl-verify 1-15 I
keying-material-exporter 2-15
pkcs11-providers 1-15
pkcs11-protected-authentication 0-15
pkcs11-private-mode 1-15
pkcs11-cert-private 0-15
pkcs11-pin-cache 1
pkcs11-id 1
pkcs11-id-management 0
show-pkcs11-ids 0-2
genkey 0-3
show-ciphers 0
show-digests 0
show-tls 0
show-engines 0
show-groups 0
show-curves 0
show-gateway 0-1
mktun 0
rmtun 0
dhcp-option 1-2
dns 2-15
connection 1-2 I
max-routes 0-1 C
disable-occ 0
gremlin 1 B
peer-id 1
push-continuation 1 P
key-derivation 1-15
protocol-flags 1-15
route-method 1
ip-win32 1 W
tap-sleep 1 W
dhcp-renew 0 W
dhcp-release 0 W
dhcp-pre-release 0 W
show-net-up 0 W
register-dns 0 W
block-outside-dns 0 W
win-sys 1 W
service 1-2 W
allow-nonadmin 0-1 W
show-adapters 0 W
show-valid-subnets 0 W
show-net 0 W
pause-exit 0 W
windows-driver 1 W
cryptoapicert 1 W
`;

function parseCounts(spec: string): number {
  let mask = 0;
  for (const part of spec.split(',')) {
    const [lo, hi = lo] = part.split('-').map(Number);
    for (let n = lo; n <= hi; n++) mask |= 1 << n;
  }
  return mask;
}

function parseTable(text: string): Map<string, OptionSpec> {
  const map = new Map<string, OptionSpec>();
  for (const line of text.split('\n')) {
    const [name, countSpec, flags = ''] = line.trim().split(/\s+/);
    if (!name || !countSpec) continue;
    const counts = parseCounts(countSpec);
    let min = 0;
    while (!(counts & (1 << min))) min++;
    let max = MAX_PARAMS;
    while (!(counts & (1 << max))) max--;
    map.set(name, {
      name,
      min,
      max,
      counts,
      inline: flags.includes('I'),
      connection: flags.includes('C'),
      scope: flags.includes('D') ? 'ccd' : flags.includes('P') ? 'pull' : 'config',
      windowsOnly: flags.includes('W'),
      buildDependent: flags.includes('B'),
    });
  }
  return map;
}

export function acceptsCount(spec: OptionSpec, n: number): boolean {
  return n <= MAX_PARAMS && (spec.counts & (1 << n)) !== 0;
}

export const OPTIONS: ReadonlyMap<string, OptionSpec> = parseTable(TABLE);

/** Options whose inline block holds a secret: never echo their content. */
export const SECRET_INLINE = new Set([
  'key',
  'tls-auth',
  'tls-crypt',
  'tls-crypt-v2',
  'secret',
  'auth-gen-token-secret',
  'pkcs12',
  'auth-user-pass',
  'http-proxy-user-pass',
]);

/** Inline blocks where a second one silently replaces the first (peer-fingerprint and connection add up). */
export const SINGLE_VALUED_INLINE = new Set([
  'ca',
  'cert',
  'key',
  'extra-certs',
  'dh',
  'pkcs12',
  'crl-verify',
  'tls-auth',
  'tls-crypt',
  'tls-crypt-v2',
  'secret',
  'auth-user-pass',
  'http-proxy-user-pass',
  'auth-gen-token-secret',
]);

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

/** Options OpenVPN 2.6 refuses although earlier releases had them (OV02). */
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
  ['mtu-dynamic', { removedIn: '2.5', advice: 'use fragment', unknownTo26: false, safe: false }],
  ['management-client-pf', { removedIn: '2.6', advice: 'delete it (the packet filter was removed; use firewall rules)', replacement: '', safe: false, unknownTo26: true }],
]);

export interface DeprecatedSpec {
  readonly advice: string;
  readonly replacement?: string;
  readonly safe: boolean;
}

/** Options 2.6 still reads but warns about or ignores (OV03). */
export const DEPRECATED: ReadonlyMap<string, DeprecatedSpec> = new Map<string, DeprecatedSpec>([
  ['comp-lzo', { advice: 'compression enables VORACLE-style attacks and is deprecated: remove it here and on the peer (2.6 only decompresses unless allow-compression yes)', replacement: '', safe: false }],
  ['compress', { advice: 'compression enables VORACLE-style attacks and is deprecated: remove it here and on the peer (2.6 only decompresses unless allow-compression yes)', replacement: '', safe: false }],
  ['secret', { advice: 'static-key mode is deprecated and gone in OpenVPN 2.7: switch to TLS (ca/cert/key, or peer-fingerprint for two peers)', safe: false }],
  ['ns-cert-type', { advice: 'use remote-cert-tls $1', replacement: 'remote-cert-tls $1', safe: true }],
  ['verify-hash', { advice: 'use peer-fingerprint (pins the peer certificate) or put the CA certificate in ca', safe: false }],
  ['opt-verify', { advice: 'it is deprecated and removed in 2.7: delete it', replacement: '', safe: false }],
  ['max-routes', { advice: 'it is ignored since 2.4 (routes are unlimited): delete it', replacement: '', safe: true }],
  ['prng', { advice: 'it is ignored (the SSL library PRNG is used): delete it', replacement: '', safe: true }],
  ['ncp-ciphers', { advice: 'it was renamed: use data-ciphers', replacement: 'data-ciphers $1', safe: true }],
  ['link-mtu', { advice: 'it is deprecated: set tun-mtu instead', safe: false }],
  ['tun-ipv6', { advice: 'it is ignored (IPv6 needs no special tun handling): delete it', replacement: '', safe: true }],
  ['http-proxy-retry', { advice: 'it is ignored since 2.4 (use connect-retry-max): delete it', replacement: '', safe: true }],
  ['socks-proxy-retry', { advice: 'it is ignored since 2.4 (use connect-retry-max): delete it', replacement: '', safe: true }],
  ['http-proxy-timeout', { advice: 'it is ignored since 2.4 (connect-timeout covers it): use connect-timeout $1', replacement: 'connect-timeout $1', safe: false }],
]);

/** Commands that make OpenVPN do one thing and exit instead of starting a tunnel. */
export const STANDALONE = new Set([
  'help',
  'version',
  'show-ciphers',
  'show-digests',
  'show-tls',
  'show-engines',
  'show-groups',
  'show-curves',
  'show-gateway',
  'show-pkcs11-ids',
  'genkey',
  'mktun',
  'rmtun',
  'test-crypto',
]);

/** Options that do not exist in any release although people write them. */
export const NEVER_EXISTED: ReadonlyMap<string, string> = new Map([
  ['nat-detect', 'nat-detect does not exist in any OpenVPN release: delete it (OpenVPN works through NAT without it; keepalive keeps the mapping open)'],
]);

/**
 * Parameters OpenVPN reads with atoi(): text that does not start with a number becomes 0
 * (1-based parameter indexes). `resolv-retry` also takes `infinite`.
 */
export const NUMERIC_PARAMS: ReadonlyMap<string, readonly number[]> = new Map<string, readonly number[]>([
  ['resolv-retry', [1]],
  ['connect-retry', [1, 2]],
  ['connect-retry-max', [1]],
  ['connect-timeout', [1]],
  ['server-poll-timeout', [1]],
  ['keepalive', [1, 2]],
  ['inactive', [1, 2]],
  ['session-timeout', [1]],
  ['ping', [1]],
  ['ping-exit', [1]],
  ['ping-restart', [1]],
  ['mssfix', [1]],
  ['fragment', [1]],
  ['tun-mtu', [1, 2]],
  ['tun-mtu-extra', [1]],
  ['tun-mtu-max', [1]],
  ['link-mtu', [1]],
  ['max-packet-size', [1]],
  ['txqueuelen', [1]],
  ['sndbuf', [1]],
  ['rcvbuf', [1]],
  ['verb', [1]],
  ['mute', [1]],
  ['status', [2]],
  ['route-metric', [1]],
  ['route-delay', [1, 2]],
  ['explicit-exit-notify', [1]],
  ['script-security', [1]],
  ['shaper', [1]],
  ['nice', [1]],
  ['hand-window', [1]],
  ['tran-window', [1]],
  ['tls-timeout', [1]],
  ['reneg-sec', [1, 2]],
  ['reneg-bytes', [1]],
  ['reneg-pkts', [1]],
  ['max-clients', [1]],
  ['max-routes-per-client', [1]],
  ['tcp-queue-limit', [1]],
  ['bcast-buffers', [1]],
  ['hash-size', [1, 2]],
  ['replay-window', [1, 2]],
  ['management-log-cache', [1]],
  ['connect-freq', [1, 2]],
  ['connect-freq-initial', [1, 2]],
  ['ifconfig-pool-persist', [2]],
  ['stale-routes-check', [1, 2]],
  ['mark', [1]],
]);

/** Options whose first parameter must be one of a few words (OpenVPN refuses others while reading). */
export const KEYWORD_PARAMS: ReadonlyMap<string, { readonly index: number; readonly values: readonly string[] }> = new Map([
  ['topology', { index: 1, values: ['net30', 'p2p', 'subnet'] }],
  ['mode', { index: 1, values: ['p2p', 'server'] }],
  ['remote-cert-tls', { index: 1, values: ['client', 'server'] }],
  ['ns-cert-type', { index: 1, values: ['client', 'server'] }],
  ['auth-retry', { index: 1, values: ['none', 'nointeract', 'interact'] }],
  ['mtu-disc', { index: 1, values: ['yes', 'maybe', 'no'] }],
  ['verify-client-cert', { index: 1, values: ['none', 'optional', 'require'] }],
  ['allow-compression', { index: 1, values: ['yes', 'no', 'asym'] }],
  ['comp-lzo', { index: 1, values: ['yes', 'no', 'adaptive'] }],
  ['compress', { index: 1, values: ['lzo', 'lz4', 'lz4-v2', 'stub', 'stub-v2', 'migrate'] }],
  ['key-direction', { index: 1, values: ['0', '1'] }],
  ['tls-auth', { index: 2, values: ['0', '1'] }],
  ['secret', { index: 2, values: ['0', '1'] }],
  ['remap-usr1', { index: 1, values: ['SIGHUP', 'SIGTERM'] }],
  ['client-nat', { index: 1, values: ['snat', 'dnat'] }],
  ['mssfix', { index: 2, values: ['mtu', 'fixed'] }],
  ['fragment', { index: 2, values: ['mtu'] }],
  ['verify-x509-name', { index: 2, values: ['subject', 'name', 'name-prefix'] }],
  ['tls-crypt-v2', { index: 2, values: ['force-cookie', 'allow-noncookie'] }],
  ['tls-version-min', { index: 1, values: ['1.0', '1.1', '1.2', '1.3'] }],
  ['tls-version-max', { index: 1, values: ['1.0', '1.1', '1.2', '1.3'] }],
  ['status-version', { index: 1, values: ['1', '2', '3'] }],
  ['crl-verify', { index: 2, values: ['dir'] }],
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
