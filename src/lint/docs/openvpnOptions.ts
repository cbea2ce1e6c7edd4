/**
 * Reference entries for every option in the OpenVPN linter's option table
 * (src/lint/openvpn/options.ts), plus the options OpenVPN 2.6 no longer accepts. Written for this
 * project from the OpenVPN 2.6 reference manual (openvpn(8), built from doc/man-sections/*.rst) and
 * checked against src/openvpn/options.c (add_option for the syntax, init_options for the
 * defaults). Where a detail varies between builds or releases the entry stays short rather than
 * guess.
 *
 * Each entry is [what it does, default, syntax and values, extra note?]. Syntax uses UPPERCASE for
 * placeholders and [brackets] for optional parameters.
 */
import { DEPRECATED, OPTIONS, REMOVED, STANDALONE, type OptionSpec } from '../openvpn/options';
import type { KeyDoc } from './types';

type Entry = readonly [what: string, def: string, syntax: string, note?: string];

/**
 * Entries grouped roughly as the manual reads; the section each option is filed under is a fact of
 * its record in the option table (OptionSpec.section), not of the group here.
 */
type Group = Readonly<Record<string, Entry>>;

const OFF = 'off (only active when present).';
const NONE = 'not set.';
const FLAG = 'no parameters.';

const GENERIC: Group = {
  config: ['Reads more options from another file, as if its lines were written here.', NONE, '`config FILE` (files may nest).'],
  help: ['Prints the list of options and exits instead of starting a tunnel.', NONE, FLAG],
  version: ['Prints the version and build options and exits instead of starting a tunnel.', NONE, FLAG],
  'auth-nocache': ['Forgets usernames and passwords (auth-user-pass, askpass) right after use instead of keeping them in memory.', OFF, FLAG, 'OpenVPN then has to ask again at every renegotiation.'],
  cd: ['Changes to a directory before any file (keys, scripts, further configs) is read.', 'the directory OpenVPN was started in.', '`cd DIR` (an absolute path).'],
  chroot: ['Locks the process into a directory after start-up, so later file access stays inside it.', OFF, '`chroot DIR`.'],
  'compat-mode': ['Switches several defaults back to what an older OpenVPN release used, for peers that need it.', 'the current release\'s defaults.', '`compat-mode VERSION` (for example `2.4.0`).', 'Only use it when an old peer cannot be upgraded: it restores weaker defaults.'],
  daemon: ['Detaches into the background once start-up is done, logging to syslog unless log/log-append is set.', 'stays in the foreground.', '`daemon [PROGNAME]` (the name used in syslog, default `openvpn`).'],
  'disable-occ': ['Stops the warning OpenVPN logs when the peer\'s options look inconsistent with ours.', 'the consistency check is on.', FLAG],
  engine: ['Uses an OpenSSL hardware crypto engine.', 'no engine.', '`engine [NAME]` (see `--show-engines`).'],
  'fast-io': ['Experimental: writes to the UDP socket and tun device without polling first, to save CPU.', OFF, FLAG, 'Only for UDP on non-Windows systems, and not together with shaper.'],
  group: ['Switches to this group after start-up, to drop privileges.', 'keeps the group it was started with.', '`group GROUP`.'],
  'ignore-unknown-option': ['Makes the listed options harmless on OpenVPN versions that do not know them (a warning instead of a fatal error).', NONE, '`ignore-unknown-option OPT [OPT…]` (may repeat).'],
  iproute: ['Runs another command instead of the built-in `ip` for interface and route changes.', 'the `ip` command found at build time.', '`iproute CMD`.'],
  'keying-material-exporter': ['Exports TLS keying material (RFC 5705) under a label into the environment for plug-ins.', NONE, '`keying-material-exporter LABEL LENGTH` (LABEL starts with `EXPORTER`, LENGTH 16–4095 bytes).'],
  mlock: ['Locks OpenVPN\'s memory so keys and tunnel data are never swapped to disk.', OFF, FLAG, 'Needs root at start and uses more physical memory.'],
  nice: ['Changes the process priority after start-up.', '0 (unchanged).', '`nice N` (positive = lower priority, negative = higher).'],
  'persist-key': ['Keeps keys in memory across restarts (SIGUSR1, ping-restart) instead of reading the key files again.', OFF, FLAG, 'Useful with `user`/`group`: after dropping privileges the key files may no longer be readable.'],
  'remap-usr1': ['Turns SIGUSR1 restarts into another signal.', 'no remapping.', '`remap-usr1 SIGHUP` (full restart) or `remap-usr1 SIGTERM` (exit).'],
  'script-security': ['Controls which external programs OpenVPN may run.', '`1`: only built-in tools such as `ip`/`ifconfig`/`route`.', '`0` nothing at all · `1` built-in tools · `2` also user scripts (needed for up/down…) · `3` scripts may also receive passwords in the environment.'],
  setcon: ['Applies an SELinux context after start-up, to restrict the process further.', NONE, '`setcon CONTEXT`.'],
  status: ['Writes a status file (clients, routes, traffic counters) at a regular interval.', 'no status file; when set, rewritten every 60 seconds.', '`status FILE [SECONDS]`.'],
  'status-version': ['Selects the format of the status file on a server.', '`1`.', '`1` (traditional), `2` (more fields, comma-separated) or `3` (like 2, tab-separated).'],
  'test-crypto': ['Runs a self-test of the data-channel crypto settings and exits; needs no peer.', NONE, FLAG],
  'tmp-dir': ['The directory for temporary files handed to scripts and plug-ins (client-connect, auth-user-pass-verify via-file…).', '`$TMPDIR`, else `/tmp`.', '`tmp-dir DIR` (must stay writable after privileges are dropped).'],
  'use-prediction-resistance': ['Makes mbed TLS reseed its random generator on every call.', OFF, FLAG, 'mbed TLS builds only; drains kernel entropy quickly.'],
  user: ['Switches to this user after start-up, to drop privileges.', 'keeps the user it was started as.', '`user USER` (for example `nobody`).', 'Combine with persist-key and persist-tun so restarts need no privileges.'],
  writepid: ['Writes the process ID to a file.', NONE, '`writepid FILE`.'],
};

const LOG: Group = {
  echo: ['Writes its parameters to the log, as a message for a program that reads the log (a GUI).', NONE, '`echo [TEXT…]`.'],
  'errors-to-stderr': ['Sends error messages to stderr instead of stdout (unless a log file is set).', OFF, FLAG],
  log: ['Writes the log, including script output, to a file that is emptied on start.', 'stdout, or syslog with daemon.', '`log FILE`.'],
  'log-append': ['Like log, but appends to the file instead of emptying it.', 'stdout, or syslog with daemon.', '`log-append FILE`.'],
  'machine-readable-output': ['Always prefixes log lines with a timestamp and message flags, also on stdout.', OFF, FLAG],
  mute: ['Logs at most N messages in a row of the same kind, to keep repeated warnings short.', '`0` (nothing muted).', '`mute N`.'],
  'mute-replay-warnings': ['Silences the warnings about replayed (duplicate) packets, which are common on Wi-Fi; protection stays on.', OFF, FLAG],
  'suppress-timestamps': ['Leaves timestamps off log lines written to stdout.', OFF, FLAG],
  syslog: ['Logs to the system logger without detaching into the background.', 'stdout.', '`syslog [PROGNAME]`.'],
  verb: ['How much OpenVPN logs.', '`1`.', '`0` fatal errors only · `1`–`4` normal use (`3` is a good summary) · `5` a character per packet · `6`–`11` debugging.'],
};

const PROTOCOL: Group = {
  'allow-compression': ['Decides whether compression may be used at all, given that it can leak tunnel contents (VORACLE).', '`no` in OpenVPN 2.6 (2.5 used `asym`); with compress or comp-lzo in the config, compressed packets from the peer are still accepted, but nothing is sent compressed unless `yes`.', '`no` (refuse any compression) · `asym` (decompress only) · `yes` (compress both ways).'],
  auth: ['The HMAC digest for non-AEAD data-channel ciphers and for tls-auth packets.', '`SHA1`.', '`auth ALG` (`SHA256`, `SHA512`, … see `--show-digests`; `none` disables).', 'Ignored for the data channel when an AEAD cipher such as AES-GCM is used.'],
  cipher: ['The data-channel cipher used with peers that do not negotiate one (static-key or older peer-to-peer setups).', 'not set: in client/server mode the cipher is negotiated from data-ciphers.', '`cipher ALG` (one name, for example `AES-256-GCM`; see `--show-ciphers`).'],
  compress: ['Enables compression framing and possibly an algorithm; compression is deprecated because it can leak data.', NONE, '`compress [ALG]` with ALG `lzo`, `lz4`, `lz4-v2`, `stub`, `stub-v2` or `migrate`; no ALG or a stub means framing only.', '`compress no` is not valid: leave the option out instead.'],
  'comp-lzo': ['The older way to enable LZO compression; deprecated.', NONE, '`comp-lzo [yes|no|adaptive]`.', '`comp-lzo no` only keeps the framing so a server can push compression settings.'],
  'comp-noadapt': ['Turns off adaptive compression (which pauses compression for incompressible data) with comp-lzo.', OFF, FLAG],
  'data-ciphers': ['The list of data-channel ciphers this side accepts in cipher negotiation, in order of preference.', '`AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305` (ChaCha20 when the crypto library has it).', '`data-ciphers CIPHER[:CIPHER…]`.', 'The server picks the first of its list that the client also has; with no common cipher the client is refused.'],
  'data-ciphers-fallback': ['The cipher to use with a peer that does not take part in cipher negotiation (OpenVPN 2.3 and older).', NONE, '`data-ciphers-fallback ALG`.'],
  'key-direction': ['Sets the key direction for an inline tls-auth or secret key, which cannot carry one on its own line.', 'both directions use the same keys.', '`0` or `1`: opposite values on the two sides (usually `0` on the server, `1` on clients).'],
  'ncp-ciphers': ['The old name of data-ciphers.', NONE, '`ncp-ciphers CIPHER[:CIPHER…]`.'],
  secret: ['Static-key mode: encrypts with a pre-shared key instead of TLS, without forward secrecy.', NONE, '`secret FILE [0|1]` (a key from `openvpn --genkey secret`).'],
  'tran-window': ['How long the old data-channel key keeps working after a renegotiation starts, so traffic is not interrupted.', '`3600` seconds.', '`tran-window SECONDS`.'],
  'max-packet-size': ['Caps the size of the packets OpenVPN sends on the link, control-channel (TLS) packets included.', NONE, '`max-packet-size BYTES`.'],
};

const LINK: Group = {
  bind: ['Binds the socket to a local address and port.', 'on, except for clients (`client`/`pull`), tcp-client and connections through a proxy.', '`bind [ipv6only]`.'],
  float: ['Accepts authenticated packets from a new peer address, so a peer whose address changes keeps its session.', 'on when there is no remote, off otherwise.', FLAG],
  fragment: ['Splits tunnel packets inside OpenVPN so no UDP datagram exceeds a size; a last resort when path MTU discovery is broken.', OFF, '`fragment MAX [mtu]` (with `mtu`, MAX includes the IP and UDP headers).', 'UDP only; adds 4 bytes per packet and must be set on both sides.'],
  keepalive: ['Shorthand for ping and ping-restart: ping every INTERVAL seconds and restart after TIMEOUT seconds of silence.', 'not set (a client still restarts after 120 s of silence unless told otherwise).', '`keepalive INTERVAL TIMEOUT`, for example `keepalive 10 60`.', 'On a server the timeout is doubled locally and both values are pushed to clients.'],
  'link-mtu': ['Sets the size of the packets sent to the peer and derives the tunnel MTU from it; deprecated.', 'derived from tun-mtu.', '`link-mtu BYTES`.'],
  local: ['The local address to bind to.', 'all local addresses.', '`local HOST`.'],
  lport: ['The local port to bind to.', '`1194`.', '`lport PORT`.', 'Cannot be combined with nobind.'],
  mark: ['Puts a firewall mark on the encrypted packets OpenVPN sends (Linux), for policy routing.', 'no mark.', '`mark VALUE`.'],
  mode: ['OpenVPN\'s major mode: one peer, or a server for many clients.', '`p2p`.', '`p2p` or `server` (server is usually set through the server helper).'],
  mssfix: ['Lowers the MSS of TCP connections inside the tunnel so the encrypted packets fit the path without fragmenting.', 'on, with a built-in size.', '`mssfix [MAX [mtu|fixed]]`; `mssfix 0` turns it off.', 'Meant for UDP tunnels; without MAX it follows fragment when that is set.'],
  'mtu-disc': ['Path MTU discovery on the link socket: whether packets carry the Don\'t Fragment flag.', 'the system default.', '`no` (never DF) · `maybe` (per-route hints) · `yes` (always DF).'],
  'mtu-test': ['Measures the largest packet that reaches the peer when the connection starts (takes a few minutes).', OFF, FLAG],
  nobind: ['Does not bind to a fixed local port but lets the system pick one, for clients that only dial out.', 'off (a client with `client`/`pull` does not bind anyway).', FLAG],
  passtos: ['Copies the TOS field of tunnelled IPv4 packets to the encrypted packets.', OFF, FLAG],
  ping: ['Sends a ping to the peer when nothing has been sent for N seconds, keeping NAT and firewall state alive.', 'not set.', '`ping SECONDS`.'],
  'ping-exit': ['Exits when nothing has been received from the peer for N seconds.', 'not set.', '`ping-exit SECONDS`.', 'Cannot be combined with ping-restart.'],
  'ping-restart': ['Restarts the connection when nothing has been received from the peer for N seconds.', '`120` on a client until the server pushes its value; otherwise not set.', '`ping-restart SECONDS` (`0` disables).'],
  'ping-timer-rem': ['Runs the ping-exit/ping-restart timer only once a peer address is known.', OFF, FLAG],
  port: ['Sets both the local and the remote port.', '`1194`.', '`port PORT`.'],
  proto: ['The transport protocol for talking to the peer.', '`udp`.', '`udp`, `tcp-client`, `tcp-server` (`tcp` picks client or server from the mode), each also with a `4` or `6` suffix (`udp6`, `tcp4-client`).', 'UDP works best; TCP is for networks that block UDP.'],
  'replay-persist': ['Keeps replay-protection state in a file across restarts, so old packets stay rejected.', 'not kept.', '`replay-persist FILE`.'],
  'replay-window': ['The size and age limit of the window in which out-of-order UDP packets are still accepted.', '`64` packets and `15` seconds.', '`replay-window N [SECONDS]`.'],
  'no-replay': ['Turns off replay protection (insecure).', 'replay protection is on.', FLAG, 'Do not use: it weakens the tunnel and was removed in OpenVPN 2.7.'],
  rport: ['The port of the remote peer.', '`1194`.', '`rport PORT` (a port given on the remote line wins).'],
  'socket-flags': ['Sets flags on the link socket; today only `TCP_NODELAY`.', NONE, '`socket-flags TCP_NODELAY`.'],
  'tcp-nodelay': ['Sets TCP_NODELAY on the server socket and pushes it to clients, for lower latency over TCP.', OFF, FLAG],
};

const CLIENT: Group = {
  'allow-pull-fqdn': ['Lets the server push host names instead of only IP addresses for ifconfig, route and route-gateway.', OFF, FLAG],
  'allow-recursive-routing': ['Stops OpenVPN from dropping tunnel packets addressed to the VPN server itself.', OFF, FLAG],
  'auth-retry': ['What a client does when the server rejects its username/password.', '`none`: exit.', '`none` (exit) · `nointeract` (retry with the same credentials) · `interact` (ask again).'],
  'auth-token': ['A token that replaces the user\'s password on renegotiation; meant to be pushed by the server, not written in a config.', NONE, '`auth-token TOKEN`.'],
  'auth-token-user': ['The username to send with an auth-token; pushed by the server.', NONE, '`auth-token-user BASE64USERNAME`.'],
  'auth-user-pass': ['Authenticates to the server with a username and password (in addition to or instead of a certificate).', 'not used.', '`auth-user-pass` (ask on the console), `auth-user-pass FILE` (user on line 1, password on line 2), or an inline `<auth-user-pass>` block.', 'The server needs auth-user-pass-verify or a plug-in to check them.'],
  client: ['Client mode in one word: the same as `pull` plus `tls-client`.', OFF, FLAG],
  'client-nat': ['A stateless one-to-one NAT of addresses on the client, for subnets that would clash.', NONE, '`client-nat snat|dnat NETWORK NETMASK ALIAS`.'],
  'connect-retry': ['How long a client waits between connection attempts; the wait doubles after repeated failures.', '`1` second, growing to at most `300`.', '`connect-retry SECONDS [MAX]`.'],
  'connect-retry-max': ['How many times each remote (or connection block) is tried before giving up.', 'unlimited.', '`connect-retry-max N`.'],
  'connect-timeout': ['How long to wait for a server to answer before trying the next one (same as server-poll-timeout).', '`120` seconds.', '`connect-timeout SECONDS`.'],
  dns: ['DNS settings for the connection: search domains and servers, with optional split DNS and encrypted transport.', NONE, '`dns search-domains DOMAIN…` or `dns server N address ADDR[:PORT]…` (also `resolve-domains`, `dnssec`, `transport`, `sni` for server N).', 'Replaces dhcp-option DNS settings where both are given.'],
  'explicit-exit-notify': ['Tells the peer on exit or restart, so a UDP server drops the session at once instead of waiting for a timeout.', 'off; when given without N, `1`.', '`explicit-exit-notify [N]` (client: how often to resend; server: `1` reconnect, `2` move to the next server).', 'UDP only.'],
  inactive: ['Exits after the tunnel has carried no traffic for N seconds.', '`0` (disabled).', '`inactive SECONDS [BYTES]` (with BYTES: exit when less than that flows in the period).'],
  'proto-force': ['Only considers connection entries of this transport protocol.', 'all entries.', '`proto-force udp` or `proto-force tcp`.'],
  pull: ['Accepts options pushed by the server (routes, DNS, addresses).', OFF, FLAG, 'Implied by `client`; lets the server change this machine\'s routing.'],
  'pull-filter': ['Accepts, ignores or rejects options pushed by the server whose text starts with a prefix.', 'everything pushed is accepted.', '`pull-filter accept|ignore|reject TEXT` (may repeat; the first match decides).'],
  'push-peer-info': ['Sends more details about the client (such as a hardware address) to the server.', OFF, FLAG],
  remote: ['The server (or peer) to connect to; several remote lines are tried in order.', 'none: OpenVPN waits for a peer to contact it.', '`remote HOST [PORT] [PROTO]`; PORT defaults to rport/port (`1194`), PROTO to proto.'],
  'remote-random': ['Shuffles the list of remotes (or connection blocks) once at start, as simple load balancing.', OFF, FLAG],
  'remote-random-hostname': ['Puts a random label in front of the remote host name to defeat DNS caching.', OFF, FLAG],
  'resolv-retry': ['How long to keep retrying when the remote host name does not resolve.', '`infinite`.', '`resolv-retry SECONDS` or `resolv-retry infinite` (`0` disables retries).'],
  'server-poll-timeout': ['How long to wait for a server to answer before trying the next one.', '`120` seconds.', '`server-poll-timeout SECONDS`.'],
  'session-timeout': ['Ends the session a fixed number of seconds after it started, whatever the traffic.', 'no limit.', '`session-timeout SECONDS`.'],
  'single-session': ['After the first peer connects, refuses any other connection.', OFF, FLAG],
  'static-challenge': ['Asks the user for an extra response (such as a one-time code) alongside the password.', NONE, '`static-challenge TEXT ECHO` (ECHO `1` shows the typed answer, `0` hides it).'],
};

const PROXY: Group = {
  'http-proxy': ['Connects to the server through an HTTP proxy (TCP only).', 'no proxy.', '`http-proxy HOST PORT [AUTHFILE|stdin|auto|auto-nct] [none|basic|ntlm2]`.'],
  'http-proxy-option': ['Extra settings for the HTTP proxy connection.', NONE, '`http-proxy-option VERSION 1.1`, `AGENT STRING` or `CUSTOM-HEADER NAME VALUE` (may repeat).'],
  'http-proxy-user-pass': ['The username and password for the HTTP proxy, given inline.', NONE, 'an inline `<http-proxy-user-pass>` block: username on the first line, password on the second.'],
  'http-proxy-retry': ['Retried on HTTP proxy errors in old releases; now ignored.', NONE, FLAG],
  'http-proxy-timeout': ['Set the HTTP proxy timeout in old releases; now ignored (connect-timeout covers it).', NONE, '`http-proxy-timeout SECONDS`.'],
  'socks-proxy': ['Connects to the server through a SOCKS5 proxy.', 'no proxy.', '`socks-proxy HOST [PORT] [AUTHFILE|stdin]` (PORT defaults to `1080`).'],
  'socks-proxy-retry': ['Retried on SOCKS proxy errors in old releases; now ignored.', NONE, FLAG],
};

const SERVER: Group = {
  'auth-gen-token': ['After a successful username/password login, gives the client a token to use instead of the password later on.', OFF, '`auth-gen-token [LIFETIME] [RENEWAL] [external-auth]` (seconds; lifetime 0 = never expires).'],
  'auth-gen-token-secret': ['The secret that signs auth-gen-token tokens, so they stay valid across restarts and servers.', 'a random secret made at start.', '`auth-gen-token-secret FILE` (from `openvpn --genkey auth-token`) or an inline block.'],
  'auth-user-pass-optional': ['Lets clients connect without a username/password; the verify script or plug-in decides.', OFF, FLAG],
  'ccd-exclusive': ['Only admits clients that have a file in client-config-dir.', OFF, FLAG],
  'client-config-dir': ['A directory of per-client config files, looked up by the client certificate\'s common name (or `DEFAULT`).', NONE, '`client-config-dir DIR`.'],
  'client-to-client': ['Routes traffic between clients inside OpenVPN, so clients can reach each other.', 'off: clients only see the server.', FLAG],
  'connect-freq': ['Limits how many new connections the server accepts per time period.', 'no limit.', '`connect-freq N SECONDS`.'],
  'connect-freq-initial': ['Limits how often the server answers first packets of new UDP connections, against reflection attacks.', '`100` answers per `10` seconds.', '`connect-freq-initial N SECONDS`.'],
  disable: ['Refuses this client; only valid in a client-config-dir file.', OFF, FLAG, 'To shut out a lost or stolen certificate, revoke it (crl-verify) instead.'],
  'duplicate-cn': ['Lets several clients with the same certificate common name be connected at once.', 'off: a new connection replaces the old one.', FLAG],
  'ifconfig-ipv6-pool': ['The IPv6 address pool for clients.', NONE, '`ifconfig-ipv6-pool ADDR/BITS`.'],
  'ifconfig-ipv6-push': ['A fixed IPv6 address for one client; only valid in a client-config-dir file.', NONE, '`ifconfig-ipv6-push ADDR/BITS [REMOTE]`.'],
  'ifconfig-pool': ['The IPv4 address pool handed out to clients.', 'set by the server helper.', '`ifconfig-pool START END [NETMASK]`.'],
  'ifconfig-pool-persist': ['Remembers which client (by common name) had which pool address, in a file.', 'not kept.', '`ifconfig-pool-persist FILE [SECONDS]` (saved every 600 s by default; `0` = read only).'],
  'ifconfig-push': ['A fixed tunnel address for one client; only valid in a client-config-dir file.', NONE, '`ifconfig-push LOCAL REMOTE-NETMASK [ALIAS]`.'],
  iroute: ['Routes a subnet to this client inside OpenVPN; only valid in a client-config-dir file.', NONE, '`iroute NETWORK [NETMASK]` (netmask defaults to a single host).', 'The kernel also needs a route into the tunnel (a route line in the server config).'],
  'iroute-ipv6': ['Routes an IPv6 subnet to this client inside OpenVPN; only valid in a client-config-dir file.', NONE, '`iroute-ipv6 ADDR/BITS`.'],
  'max-clients': ['The largest number of clients connected at the same time.', '`1024`.', '`max-clients N`.'],
  'max-routes-per-client': ['The largest number of internal routes one client may create.', '`256`.', '`max-routes-per-client N`.'],
  multihome: ['Makes a UDP server on a host with several addresses answer from the address the client used.', OFF, FLAG],
  'opt-verify': ['Disconnects clients whose options are not compatible with the server\'s.', OFF, FLAG],
  'port-share': ['In TCP server mode, passes connections that are not OpenVPN (HTTPS, say) on to another server.', OFF, '`port-share HOST PORT [DIR]`.'],
  push: ['Sends an option to every client when it connects.', NONE, '`push "OPTION …"` (quoted), for example `push "redirect-gateway def1"`.'],
  'push-remove': ['Removes pushed options that contain some text, for one client; only valid in a client-config-dir file.', NONE, '`push-remove TEXT`.'],
  'push-reset': ['Drops the global push list for one client; only valid in a client-config-dir file.', OFF, FLAG],
  server: ['Server mode in one line: sets mode server, tls-server and an address pool from a network.', NONE, '`server NETWORK NETMASK [nopool]`, for example `server 10.8.0.0 255.255.255.0`.'],
  'server-bridge': ['Server mode for Ethernet bridging (tap), with a pool inside the bridged subnet or DHCP.', NONE, '`server-bridge GATEWAY NETMASK POOL-START POOL-END`, or `server-bridge [nogw]` for DHCP.'],
  'server-ipv6': ['Adds IPv6 to server mode: an IPv6 address for the server and a pool for clients.', NONE, '`server-ipv6 ADDR/BITS`.'],
  'stale-routes-check': ['Removes internal routes that have seen no traffic for a while.', OFF, '`stale-routes-check AGE [INTERVAL]` (seconds).'],
  'username-as-common-name': ['Uses the authenticated username in place of the certificate common name.', OFF, FLAG],
  'verify-client-cert': ['Whether clients must present a certificate.', '`require`.', '`none` · `optional` · `require`.', 'With none or optional, the username/password check carries all of the authentication.'],
  'vlan-accept': ['Which frames the server\'s tap device accepts with vlan-tagging.', '`all`.', '`all` · `tagged` · `untagged`.'],
  'vlan-pvid': ['The VLAN ID of a client (in its client-config-dir file) or of the server\'s tap device.', '`1`.', '`vlan-pvid ID` (1–4094).'],
  'vlan-tagging': ['Makes a tap server behave like a VLAN-aware (802.1Q) switch.', OFF, FLAG],
  'hash-size': ['Sizes of the server\'s hash tables for real and virtual addresses.', '`256 256`.', '`hash-size REAL VIRTUAL`.'],
  'bcast-buffers': ['Number of buffers for broadcast packets.', '`256`.', '`bcast-buffers N`.'],
  'tcp-queue-limit': ['How many packets may wait for a slow TCP client before OpenVPN drops more.', '`64`.', '`tcp-queue-limit N`.'],
};

const NETWORK: Group = {
  'bind-dev': ['Binds the link socket to a network device, such as a VRF (Linux).', NONE, '`bind-dev DEVICE`.'],
  'block-ipv6': ['Answers IPv6 packets routed into the tunnel with "no route", so IPv6 does not leak around an IPv4-only VPN.', OFF, FLAG],
  dev: ['The tunnel device: `tun` carries IP packets (layer 3), `tap` Ethernet frames (layer 2).', NONE, '`dev tun`, `dev tap`, or a name such as `tun0` or `tun-home`.', 'Both ends must use the same kind.'],
  'dev-node': ['Picks a specific device node or adapter (system dependent).', 'the platform default.', '`dev-node NODE`.'],
  'dev-type': ['Says whether the device is tun or tap when its name does not start with either.', 'guessed from the dev name.', '`tun` or `tap`.'],
  'dhcp-option': ['Network settings for the client such as DNS servers and domains; handled on Windows and Android, passed to scripts elsewhere.', NONE, '`dhcp-option TYPE [VALUE]`: `DNS ADDR`, `DOMAIN NAME`, `DOMAIN-SEARCH NAME`, `WINS ADDR`, `NTP ADDR`, `DISABLE-NBT`, …'],
  'disable-dco': ['Does not use data channel offload (the kernel module) even when it is available.', 'DCO is used when the kernel and config allow it.', FLAG],
  ifconfig: ['Sets the tunnel device\'s IPv4 address and its peer address or netmask.', NONE, '`ifconfig LOCAL REMOTE` (tun, net30/p2p) or `ifconfig ADDRESS NETMASK` (tap, or tun with topology subnet).'],
  'ifconfig-ipv6': ['Sets the tunnel device\'s IPv6 address.', NONE, '`ifconfig-ipv6 ADDR/BITS REMOTE`.'],
  'ifconfig-noexec': ['Does not configure the device itself; passes the ifconfig values to scripts instead.', OFF, FLAG],
  'ifconfig-nowarn': ['Silences the warnings about ifconfig not matching the peer or clashing with other addresses.', OFF, FLAG],
  lladdr: ['Sets the MAC address of a tap device.', 'chosen by the system.', '`lladdr MAC`.'],
  'persist-local-ip': ['Keeps the local address and port it first resolved across restarts (SIGUSR1, ping-restart).', OFF, FLAG],
  'persist-remote-ip': ['Keeps the last authenticated remote address and port across restarts (SIGUSR1, ping-restart).', OFF, FLAG],
  'persist-tun': ['Keeps the tunnel device (and skips up/down scripts) across restarts, so routes and addresses stay.', OFF, FLAG],
  'redirect-gateway': ['Sends all traffic through the tunnel by replacing the default route (client side).', OFF, '`redirect-gateway [FLAG…]` with `def1` (two /1 routes instead of replacing the default), `ipv6`, `!ipv4`, `bypass-dhcp`, `bypass-dns`, `local`, `autolocal`, `block-local`.'],
  'redirect-private': ['Like redirect-gateway but leaves the default route alone; for pushing private subnets.', OFF, '`redirect-private [FLAG…]` (same flags as redirect-gateway).'],
  route: ['Adds an IPv4 route into the tunnel once it is up.', NONE, '`route NETWORK [NETMASK] [GATEWAY] [METRIC]` (netmask defaults to a single host; gateway from route-gateway or ifconfig).'],
  'route-delay': ['Waits before adding routes after the connection is up.', 'routes are added right after the device opens.', '`route-delay [SECONDS] [WINDOWS-WAIT]`.'],
  'route-gateway': ['The default gateway for route lines.', 'taken from ifconfig.', '`route-gateway ADDR` or `route-gateway dhcp`.'],
  'route-ipv6': ['Adds an IPv6 route into the tunnel once it is up.', NONE, '`route-ipv6 ADDR/BITS [GATEWAY] [METRIC]`.'],
  'route-ipv6-gateway': ['The default gateway for route-ipv6 lines.', 'taken from ifconfig-ipv6.', '`route-ipv6-gateway ADDR`.'],
  'route-metric': ['The default metric for route lines.', '`0`.', '`route-metric N`.'],
  'route-noexec': ['Does not add or remove routes itself; passes them to the route-up script instead.', OFF, FLAG],
  'route-nopull': ['Accepts pushed options except routes and DNS/DHCP settings.', OFF, FLAG],
  topology: ['How addresses are laid out on a tun device.', '`net30` in OpenVPN 2.6.', '`subnet` (one address each, a plain subnet; recommended) · `net30` (a /30 per client) · `p2p` (one address each, no Windows clients).', 'Client and server must agree; a server pushes its topology.'],
  'tun-ipv6': ['Was needed for IPv6 over tun in old releases; now ignored.', NONE, FLAG],
  'tun-mtu': ['The MTU of the tunnel device; the size of the packets on the link follows from it.', '`1500`.', '`tun-mtu BYTES` (2.6 also takes a second number, the MTU to report to older peers).'],
  'tun-mtu-extra': ['Extra room OpenVPN allows for reads from the device beyond tun-mtu.', '`0` for tun, `32` for tap.', '`tun-mtu-extra BYTES`.'],
  'tun-mtu-max': ['The largest MTU a server may push to this client.', '`1600` (lower values are ignored).', '`tun-mtu-max BYTES`.'],
  txqueuelen: ['The transmit queue length of the tunnel device (Linux).', 'the system default.', '`txqueuelen N`.'],
  'max-routes': ['Limited the number of routes in old releases; now ignored (routes are unlimited).', NONE, '`max-routes [N]`.'],
  sndbuf: ['The send buffer size of the link socket.', 'the system default.', '`sndbuf BYTES`.'],
  rcvbuf: ['The receive buffer size of the link socket.', 'the system default.', '`rcvbuf BYTES`.'],
  shaper: ['Limits the outgoing tunnel bandwidth (peer-to-peer mode only).', 'no limit.', '`shaper BYTES-PER-SECOND` (100 to 100000000).'],
};

const SCRIPTS: Group = {
  'auth-user-pass-verify': ['Runs a command to check each client\'s username and password.', NONE, '`auth-user-pass-verify CMD via-file|via-env` (via-file is safer: the environment may be visible to others).', 'Needs script-security 2 (3 for via-env).'],
  'client-connect': ['Runs a command when a client connects; it may write per-client options to a file and refuse the client.', NONE, '`client-connect CMD`.'],
  'client-crresponse': ['Runs a command when a client answers a text challenge.', NONE, '`client-crresponse CMD`.'],
  'client-disconnect': ['Runs a command when a client\'s session ends.', NONE, '`client-disconnect CMD`.'],
  down: ['Runs a command after the tunnel device is closed.', NONE, '`down CMD` (runs with the privileges left after user/group).', 'Needs script-security 2.'],
  'down-pre': ['Runs the down command before the device is closed instead of after.', OFF, FLAG],
  ipchange: ['Runs a command when the peer\'s address is first authenticated or changes.', NONE, '`ipchange CMD` (called with the address and port).'],
  'learn-address': ['Runs a command whenever a client address or route is added, changed or removed (for firewall rules).', NONE, '`learn-address CMD` (called with add/update/delete, the address and the common name).'],
  'route-pre-down': ['Runs a command before the routes are removed.', NONE, '`route-pre-down CMD`.'],
  'route-up': ['Runs a command after the routes are added.', NONE, '`route-up CMD`.'],
  setenv: ['Sets an environment variable for scripts; `setenv opt` before an option makes an unknown option harmless.', NONE, '`setenv NAME VALUE`, `setenv FORWARD_COMPATIBLE 1`, or `setenv opt OPTION …`.'],
  'setenv-safe': ['Sets an environment variable for scripts, with `OPENVPN_` put in front of its name; meant to be pushed.', NONE, '`setenv-safe NAME VALUE`.'],
  'tls-export-cert': ['Writes the peer certificate to a directory and passes its path to tls-verify.', NONE, '`tls-export-cert DIR`.'],
  'tls-verify': ['Runs a command for each certificate in the peer\'s chain, which can refuse it.', NONE, '`tls-verify CMD` (called with the depth and subject).'],
  up: ['Runs a command after the tunnel device is opened.', NONE, '`up CMD` (runs before privileges are dropped).', 'Needs script-security 2.'],
  'up-delay': ['Opens the tunnel device (and runs up) only once the connection to the peer is established.', OFF, FLAG],
  'up-restart': ['Runs up and down on restarts too, not just at start and exit.', OFF, FLAG],
};

const MANAGEMENT: Group = {
  management: ['Opens the management interface that programs (GUIs, monitoring) use to control OpenVPN.', OFF, '`management SOCKET-PATH unix [PWFILE]` or `management IP PORT [PWFILE]`.', 'Over TCP, always set a password file and listen on 127.0.0.1.'],
  'management-client': ['Makes the management interface connect out to the given address instead of listening.', OFF, FLAG],
  'management-client-auth': ['Lets the management client decide whether each connecting VPN client is authenticated.', OFF, FLAG],
  'management-client-group': ['Only lets this group use a unix-socket management interface.', 'anyone.', '`management-client-group GROUP`.'],
  'management-client-user': ['Only lets this user use a unix-socket management interface.', 'anyone.', '`management-client-user USER`.'],
  'management-external-cert': ['Takes the client certificate from the management interface instead of cert.', NONE, '`management-external-cert HINT`.'],
  'management-external-key': ['Has the management client sign with the private key, instead of key.', NONE, '`management-external-key [FLAG…]` (padding flags such as `nopadding`, `pkcs1`).'],
  'management-forget-disconnect': ['Forgets passwords when the management session disconnects.', OFF, FLAG],
  'management-hold': ['Starts in a hold state until the management client releases it.', OFF, FLAG],
  'management-log-cache': ['How many recent log lines the management interface keeps.', '`250`.', '`management-log-cache N`.'],
  'management-query-passwords': ['Asks the management interface for passwords instead of the console.', OFF, FLAG],
  'management-query-proxy': ['Asks the management interface which proxy to use for each remote.', OFF, FLAG],
  'management-query-remote': ['Lets the management interface accept, skip or change each remote.', OFF, FLAG],
  'management-signal': ['Restarts (SIGUSR1) when the management session disconnects.', OFF, FLAG],
  'management-up-down': ['Reports tunnel up/down events on the management interface.', OFF, FLAG],
};

const PLUGIN: Group = {
  plugin: ['Loads a plug-in module (authentication, for example).', NONE, '`plugin MODULE [ARGS…]` (may repeat; called in order).'],
};

const TLS: Group = {
  askpass: ['Asks for the private key\'s password on the console (or reads it from a file) before going to the background.', 'asked only when needed.', '`askpass [FILE]`.'],
  ca: ['The certificate authority (CA) certificates that the peer\'s certificate must be signed by.', NONE, '`ca FILE` (PEM, several certificates allowed) or an inline `<ca>` block.'],
  capath: ['A directory of trusted CA certificates and CRLs, named by hash (OpenSSL).', NONE, '`capath DIR`.'],
  cert: ['This side\'s own certificate.', NONE, '`cert FILE` (PEM) or an inline `<cert>` block.'],
  'crl-verify': ['Checks the peer certificate against a certificate revocation list.', NONE, '`crl-verify FILE`, `crl-verify DIR dir` (a file per revoked serial), or an inline block.'],
  dh: ['Diffie-Hellman parameters for the TLS server.', NONE, '`dh FILE` (PEM) or `dh none` (elliptic-curve key exchange only).'],
  'ecdh-curve': ['The elliptic curve for ECDH key exchange.', 'chosen by the TLS library.', '`ecdh-curve NAME` (see `--show-curves`).'],
  'extra-certs': ['Extra certificates that complete this side\'s certificate chain without being trusted for the peer.', NONE, '`extra-certs FILE` (PEM) or an inline block.'],
  'hand-window': ['How long the TLS handshake may take before it is retried.', '`60` seconds.', '`hand-window SECONDS`.'],
  key: ['This side\'s private key, matching cert.', NONE, '`key FILE` (PEM) or an inline `<key>` block.', 'A secret: keep the file private.'],
  'ns-cert-type': ['Checked the old Netscape certificate-type field of the peer certificate; deprecated.', NONE, '`ns-cert-type client|server`.'],
  'peer-fingerprint': ['Accepts only a peer certificate with one of these SHA-256 fingerprints; makes a CA optional.', NONE, '`peer-fingerprint AB:CD:…` or an inline block with one fingerprint per line.'],
  pkcs12: ['Takes the private key, certificate and CA from one PKCS #12 file.', NONE, '`pkcs12 FILE` or an inline block (base64).'],
  'remote-cert-eku': ['Requires an extended key usage in the peer certificate.', NONE, '`remote-cert-eku OID` (or the OpenSSL name).'],
  'remote-cert-ku': ['Requires key usage bits in the peer certificate.', NONE, '`remote-cert-ku [HEX…]`.'],
  'remote-cert-tls': ['Requires the peer certificate to be marked for the TLS server (or client) role, against a client posing as the server.', NONE, '`remote-cert-tls server` (in client configs) or `remote-cert-tls client` (in server configs).'],
  'tls-auth': ['Signs every control-channel packet with a pre-shared key, so unsigned packets are dropped before TLS starts.', NONE, '`tls-auth FILE [0|1]` or an inline block with key-direction.', 'tls-crypt also hides the handshake and needs no direction.'],
  'tls-cert-profile': ['Which certificate algorithms and key sizes are acceptable.', '`legacy`.', '`insecure` · `legacy` · `preferred` · `suiteb`.'],
  'tls-cipher': ['The TLS cipher suites allowed for TLS 1.2 and older on the control channel (expert use).', 'the TLS library\'s default, minus weak suites.', '`tls-cipher LIST` (colon-separated).'],
  'tls-ciphersuites': ['The TLS 1.3 cipher suites allowed on the control channel (expert use).', 'the TLS library\'s default.', '`tls-ciphersuites LIST` (colon-separated).'],
  'tls-client': ['Uses TLS and takes the client role in the handshake.', OFF, FLAG],
  'tls-crypt': ['Encrypts and authenticates every control-channel packet with a pre-shared key, hiding the TLS handshake.', NONE, '`tls-crypt FILE` (from `openvpn --genkey tls-crypt`) or an inline block.'],
  'tls-crypt-v2': ['Like tls-crypt, but with a separate key for each client, wrapped by the server key.', NONE, '`tls-crypt-v2 FILE [force-cookie|allow-noncookie]` or an inline block.'],
  'tls-crypt-v2-verify': ['Runs a command on a client\'s tls-crypt-v2 metadata before the TLS handshake, which can refuse the client.', NONE, '`tls-crypt-v2-verify CMD`.'],
  'tls-exit': ['Exits when the TLS handshake fails.', OFF, FLAG],
  'tls-groups': ['The elliptic curves/groups allowed in TLS, in order of preference (expert use).', 'the TLS library\'s default.', '`tls-groups LIST` (colon-separated).'],
  'tls-server': ['Uses TLS and takes the server role in the handshake.', OFF, FLAG],
  'tls-timeout': ['How long to wait for a control-channel acknowledgement before resending.', '`2` seconds.', '`tls-timeout SECONDS`.'],
  'tls-version-max': ['The highest TLS version to use.', 'the highest the TLS library supports.', '`1.0`, `1.1`, `1.2` or `1.3`.'],
  'tls-version-min': ['The lowest TLS version accepted from the peer.', '`1.2` (OpenVPN 2.6).', '`tls-version-min VERSION [or-highest]`.'],
  'verify-hash': ['Checks the fingerprint of the certificate that signed the peer\'s certificate; deprecated.', NONE, '`verify-hash HASH [SHA1|SHA256]`.'],
  'verify-x509-name': ['Accepts only a peer whose certificate carries this name.', NONE, '`verify-x509-name NAME [subject|name|name-prefix]` (default type: subject, the full subject DN).'],
  'x509-track': ['Saves a certificate attribute in the environment for scripts and plug-ins.', NONE, '`x509-track ATTRIBUTE` (`+ATTRIBUTE` for the whole chain; may repeat).'],
  'x509-username-field': ['Which certificate fields form the username (and the name verify-x509-name checks).', '`CN`.', '`x509-username-field [ext:]FIELD…`.'],
  'force-tls-key-material-export': ['Only accepts clients that derive data-channel keys with the TLS keying-material exporter.', OFF, FLAG],
  providers: ['Loads OpenSSL 3 providers (for example `legacy` for old ciphers).', 'the default provider.', '`providers NAME…`.'],
  prng: ['Chose the random generator in old releases; now ignored.', NONE, '`prng ALG [NONCE-SIZE]`.'],
};

const RENEGOTIATION: Group = {
  'reneg-bytes': ['Renegotiates the data-channel key after this many bytes.', 'off (64 MB for 64-bit-block ciphers such as Blowfish).', '`reneg-bytes BYTES`.'],
  'reneg-pkts': ['Renegotiates the data-channel key after this many packets.', OFF, '`reneg-pkts N`.'],
  'reneg-sec': ['Renegotiates the data-channel key after this many seconds.', '`3600` (a server picks a random time between 90 % and 100 % of it).', '`reneg-sec MAX [MIN]` (`0` disables).', 'The side with the lower value decides.'],
};

const PKCS11: Group = {
  'pkcs11-cert-private': ['Whether the certificate object is read only after logging in to the token.', '`0`.', '`0` or `1` per provider.'],
  'pkcs11-id': ['Which certificate on the token to use.', NONE, '`pkcs11-id ID` (see `--show-pkcs11-ids`).'],
  'pkcs11-id-management': ['Asks the management interface which token certificate to use.', OFF, FLAG],
  'pkcs11-pin-cache': ['How long the PIN is remembered.', 'until the token is removed.', '`pkcs11-pin-cache SECONDS`.'],
  'pkcs11-private-mode': ['How private-key operations are done on the token.', '`0` (automatic).', 'a hex mask per provider: `0` auto, `1` sign, `2` sign-recover, `4` decrypt, `8` unwrap.'],
  'pkcs11-protected-authentication': ['Uses the token\'s own PIN pad or biometric reader.', '`0`.', '`0` or `1` per provider.'],
  'pkcs11-providers': ['The PKCS #11 libraries to load for smart cards and tokens.', 'p11-kit when available.', '`pkcs11-providers LIBRARY…`.'],
  'show-pkcs11-ids': ['Lists the certificates on a token and exits.', NONE, '`show-pkcs11-ids [PROVIDER] [CERT-PRIVATE]`.'],
};

const STANDALONE_OPTS: Group = {
  genkey: ['Generates a key file and exits.', NONE, '`genkey TYPE [FILE] [METADATA]` with TYPE `secret`, `tls-crypt`, `tls-auth`, `auth-token`, `tls-crypt-v2-server` or `tls-crypt-v2-client`.'],
  'show-ciphers': ['Lists the data-channel ciphers and exits.', NONE, FLAG],
  'show-curves': ['Lists the elliptic curves and exits (same as show-groups).', NONE, FLAG],
  'show-digests': ['Lists the digests usable with auth and exits.', NONE, FLAG],
  'show-engines': ['Lists the OpenSSL engines and exits.', NONE, FLAG],
  'show-gateway': ['Shows the default gateway (or the route to a target) and exits.', NONE, '`show-gateway [TARGET]`.'],
  'show-groups': ['Lists the TLS groups/curves and exits.', NONE, FLAG],
  'show-tls': ['Lists the TLS cipher suites and exits.', NONE, FLAG],
  mktun: ['Creates a persistent tun/tap device and exits.', NONE, 'with `dev` (and optionally user/group).'],
  rmtun: ['Removes a persistent tun/tap device and exits.', NONE, 'with `dev`.'],
};

const CONNECTION: Group = {
  connection: ['A connection profile: a remote with its own transport options, tried in turn with the others.', NONE, 'an inline block: `<connection>` … `</connection>` holding remote and connection-level options.', 'Connection-level options written before the block apply to it as defaults.'],
};

const INTERNAL: Group = {
  gremlin: ['A stress-testing mode that drops and corrupts packets on purpose; debug builds only.', OFF, '`gremlin MASK`.'],
  'key-derivation': ['How the data-channel keys are derived; pushed by the server.', NONE, '`key-derivation tls-ekm`.'],
  'peer-id': ['The peer ID the server assigns to this client; pushed by the server.', NONE, '`peer-id N`.'],
  'protocol-flags': ['Protocol features the server turns on for this session; pushed by the server.', NONE, '`protocol-flags FLAG…`.'],
  'push-continuation': ['Marks that more pushed options follow in another message; only ever pushed.', NONE, '`push-continuation 1|2`.'],
};

const WINDOWS: Group = {
  'allow-nonadmin': ['Lets non-administrators use a TAP adapter, then exits.', NONE, '`allow-nonadmin [ADAPTER]`.'],
  'block-outside-dns': ['Blocks DNS on other adapters while connected, against DNS leaks.', OFF, FLAG],
  cryptoapicert: ['Takes the certificate and key from the Windows certificate store.', NONE, '`cryptoapicert "SUBJ:…"`, `"THUMB:…"`, `"ISSUER:…"` or `"TMPL:…"`.'],
  'dhcp-pre-release': ['Releases the adapter\'s previous DHCP lease at start.', OFF, FLAG],
  'dhcp-release': ['Releases the adapter\'s DHCP lease at shutdown (already the default).', 'on.', FLAG],
  'dhcp-renew': ['Renews the adapter\'s DHCP lease at start.', OFF, FLAG],
  'ip-win32': ['How the adapter\'s address is set.', 'a built-in DHCP answer.', '`manual`, `dynamic [OFFSET] [LEASE]`, `netsh`, `ipapi` or `adaptive`.'],
  'pause-exit': ['Waits for a key press before exiting.', OFF, FLAG],
  'register-dns': ['Flushes and re-registers DNS when the connection starts.', OFF, FLAG],
  'route-method': ['How routes are added on Windows (other systems accept and ignore it).', '`adaptive`.', '`adaptive`, `ipapi` or `exe`.'],
  service: ['Runs under a service wrapper that signals exit through a Windows event.', NONE, '`service EVENT [0|1]`.'],
  'show-adapters': ['Lists the TAP adapters and exits.', NONE, FLAG],
  'show-net': ['Shows OpenVPN\'s view of routes and adapters and exits.', NONE, FLAG],
  'show-net-up': ['Logs OpenVPN\'s view of routes and adapters once the tunnel is up.', OFF, FLAG],
  'show-proxy-settings': ['Shows the system proxy settings and exits.', NONE, FLAG],
  'show-valid-subnets': ['Lists the subnets usable for tun emulation and exits.', NONE, FLAG],
  'tap-sleep': ['Waits after the adapter comes up before configuring it.', '`0`.', '`tap-sleep SECONDS`.'],
  'win-sys': ['Where Windows system programs (route.exe, netsh.exe) are.', 'from %SystemRoot%.', '`win-sys PATH`.'],
  'windows-driver': ['Which Windows driver to use.', 'chosen automatically.', '`ovpn-dco`, `wintun` or `tap-windows6`.'],
};

const GROUPS: readonly Group[] = [
  GENERIC,
  LOG,
  PROTOCOL,
  LINK,
  CLIENT,
  PROXY,
  SERVER,
  NETWORK,
  SCRIPTS,
  MANAGEMENT,
  PLUGIN,
  TLS,
  RENEGOTIATION,
  PKCS11,
  STANDALONE_OPTS,
  CONNECTION,
  INTERNAL,
  WINDOWS,
];

export interface OpenVpnOptionDoc extends KeyDoc {
  /** False for the options OpenVPN 2.6 refuses (removed in an earlier release). */
  readonly known: boolean;
  readonly spec?: OptionSpec;
  readonly deprecated: boolean;
  /** The manual section the option is described in ('' when not pinned down). */
  readonly section: string;
}

const MANUAL = 'OpenVPN 2.6 reference manual (openvpn(8))';

const OPTIONS_C = 'src/openvpn/options.c (add_option)';

function tagsOf(spec: OptionSpec, deprecated: boolean): string[] {
  const tags: string[] = [];
  if (STANDALONE.has(spec.name)) tags.push('standalone: runs and exits');
  if (spec.scope === 'ccd') tags.push('client-config-dir files only');
  if (spec.scope === 'pull') tags.push('pushed by the server only');
  if (spec.windowsOnly) tags.push('Windows only');
  if (spec.buildDependent) tags.push('only in some builds');
  if (spec.connection) tags.push('allowed in `<connection>`');
  if (spec.inline) tags.push(`may be inline: \`<${spec.name}>\`…\`</${spec.name}>\``);
  if (deprecated) tags.push('deprecated');
  return tags;
}

function deprecationNote(name: string): string | undefined {
  const d = DEPRECATED.get(name);
  if (!d) return undefined;
  const advice = d.advice.replace(/\$\d/g, '…');
  return `Deprecated: ${advice}.`;
}

function build(): Map<string, OpenVpnOptionDoc> {
  const docs = new Map<string, OpenVpnOptionDoc>();
  for (const group of GROUPS) {
    for (const [name, [what, def, syntax, note]] of Object.entries(group)) {
      if (docs.has(name)) throw new Error(`OpenVPN docs: ${name} documented twice`);
      const spec = OPTIONS.get(name);
      const deprecated = DEPRECATED.has(name);
      const notes = [note, deprecationNote(name)].filter((n): n is string => !!n);
      const section = spec?.section || undefined;
      docs.set(name, {
        name,
        summary: what,
        defaultValue: def,
        values: syntax,
        source: section ? `${MANUAL}, "${section}"; ${OPTIONS_C}` : `${MANUAL}; ${OPTIONS_C}`,
        tags: spec ? tagsOf(spec, deprecated) : [],
        notes,
        known: spec !== undefined,
        spec,
        deprecated,
        section: section ?? '',
      });
    }
  }
  for (const [name, r] of REMOVED) {
    if (docs.has(name)) continue;
    docs.set(name, {
      name,
      summary: `Removed in OpenVPN ${r.removedIn}: OpenVPN 2.6 refuses this option.`,
      defaultValue: 'not applicable (the option no longer exists).',
      values: `Instead: ${r.advice}.`,
      source: `${MANUAL}, "Unsupported Options"; ${OPTIONS_C}`,
      tags: ['removed'],
      notes: [],
      known: false,
      deprecated: true,
      section: 'Unsupported Options',
    });
  }
  return docs;
}

const DOCS = build();

/** Every documented OpenVPN option: the option table's names plus the removed ones. */
export const OPENVPN_DOCS: ReadonlyMap<string, OpenVpnOptionDoc> = DOCS;

/** The doc of an option by its exact (case-sensitive) name, as OpenVPN matches it. */
export function openVpnDoc(name: string): OpenVpnOptionDoc | undefined {
  return DOCS.get(name);
}
