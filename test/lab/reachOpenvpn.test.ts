// `reachOpenVpn` against real OpenVPN 2.6 servers through a real NAT. The public namespace runs
// one server per case: p2p `--dev null --tls-server` (no tun needed) and, where /dev/net/tun
// exists, `--mode server` (2.6's stateless first answer, what deployed servers run), each with no
// wrapping, tls-auth, tls-crypt and tls-crypt-v2, over UDP and TCP. The client namespace runs the
// probe (reachOpenvpnRunner.ts) on one config with a <connection> block per case:
// - right key → reachable; wrong key → no-answer (the server's log shows why: it dropped our
//   packet for its HMAC/tag; over TCP the p2p server also closes the connection);
// - a port the router drops (nftables) → no-answer over UDP and TCP, the drop counter moving;
// - a port nothing listens on → refused, over UDP (ICMP port unreachable back through the NAT)
//   and TCP (RST);
// - a tls-auth client against a mode server without wrapping → error: it answers in the clear.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ReachOutcome, ReachResult } from '../../src/engine/reach/types';
import { type BackgroundProcess, type Lab, SERVERS, createLab, requireLabOrSkip, sweepStaleLabs } from './lab';
import { clientWrapLines, makeOpenVpnPki, openVpnServerArgs, SERVER_READY, WRAPS, type OvpnPki, type OvpnWrap } from './openvpnLab';

const RUNNER = path.resolve(__dirname, 'reachOpenvpnRunner.ts');
const BUDGET_MS = 4000;
const BLOCKED_PORT = 12200;
const CLOSED_PORT = 12300;

type Mode = 'p2p' | 'server';
type Proto = 'udp' | 'tcp';

interface Case {
  readonly name: string;
  readonly mode?: Mode;
  readonly wrap: OvpnWrap;
  readonly proto: Proto;
  readonly port: number;
  readonly wrong: boolean;
  readonly expect: ReachOutcome;
  /** The server this case talks to, for its log. */
  server?: BackgroundProcess;
}

/** Log lines of a server that dropped a packet it could not authenticate (ssl_pkt.c). */
const AUTH_FAILED = /TLS Error: (incoming packet authentication failed|tls-crypt unwrapping failed|can not extract tls-crypt-v2 client key)/;

function waitReady(server: BackgroundProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      const log = fs.existsSync(server.logFile) ? fs.readFileSync(server.logFile, 'utf8') : '';
      if (SERVER_READY.test(log)) resolve();
      else if (Date.now() > until) reject(new Error(`${server.name} did not start:\n${log.slice(-1200)}`));
      else setTimeout(tick, 50);
    };
    tick();
  });
}

describe('lab: reachOpenVpn against real OpenVPN 2.6 servers (dev null p2p and mode server) through a NAT', function () {
  this.timeout(180_000);
  let lab: Lab | undefined;
  let pki: OvpnPki;
  const cases: Case[] = [];
  let results: ReachResult[] = [];
  let tunReason: string | undefined;

  before(async function () {
    requireLabOrSkip(this);
    // ensure-deps.sh installs openvpn; openssl (for the certificates) comes with the system.
    const missing = ['openvpn', 'openssl'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
    if (missing.length > 0) {
      const reason = `${missing.join(' and ')} not installed`;
      if (process.env.NATLAB_REQUIRE === '1') throw new Error(`the lab is required here (NATLAB_REQUIRE=1) but ${reason}`);
      console.log(`      lab skipped: ${reason}`);
      this.skip();
    }
    sweepStaleLabs();
    lab = await createLab('port-restricted');
    const dir = path.join(lab.tmpDir, 'ovpn');
    fs.mkdirSync(dir, { recursive: true });
    pki = makeOpenVpnPki(dir);
    tunReason = fs.existsSync('/dev/net/tun') ? undefined : 'no /dev/net/tun: mode server cases skipped';
    if (tunReason) console.log(`      ${tunReason}`);

    // One p2p server per case (it serves one peer at a time); one mode server per wrapping and
    // protocol, shared by the right-key and wrong-key cases.
    const modes: Mode[] = tunReason ? ['p2p'] : ['p2p', 'server'];
    let port = 12000;
    let subnet = 20;
    const starts: Promise<void>[] = [];
    const start = (mode: Mode, wrap: OvpnWrap, proto: Proto, at: number): BackgroundProcess => {
      const name = `openvpn-${mode}-${wrap}-${proto}-${at}`;
      const server = lab!.spawnBackground('public', name, 'openvpn', openVpnServerArgs(pki, { wrap, proto, mode, local: SERVERS.primary, port: at, subnet: subnet++ }));
      starts.push(waitReady(server, 20_000));
      return server;
    };
    for (const mode of modes) {
      for (const wrap of WRAPS) {
        for (const proto of ['udp', 'tcp'] as const) {
          const keys = wrap === 'none' ? [false] : [false, true];
          const shared = mode === 'server' ? start(mode, wrap, proto, port) : undefined;
          for (const wrong of keys) {
            const at = mode === 'server' ? port : port++;
            const server = shared ?? start(mode, wrap, proto, at);
            cases.push({ name: `${mode} ${wrap} ${proto} ${wrong ? 'wrong key' : 'right key'}`, mode, wrap, proto, port: at, wrong, expect: wrong ? 'no-answer' : 'reachable', server });
          }
          if (mode === 'server') port++;
        }
      }
    }
    // A tls-auth client against the mode server without wrapping: it answers in the clear.
    const plain = cases.find((c) => c.mode === 'server' && c.wrap === 'none' && c.proto === 'udp');
    if (plain) cases.push({ name: 'server none udp, tls-auth client', mode: 'server', wrap: 'tls-auth', proto: 'udp', port: plain.port, wrong: false, expect: 'error', server: plain.server });
    // Behind the router's drop rule: a live tls-auth server that the probe cannot reach.
    for (const proto of ['udp', 'tcp'] as const) {
      const server = start('p2p', 'tls-auth', proto, BLOCKED_PORT);
      cases.push({ name: `blocked ${proto}`, mode: 'p2p', wrap: 'tls-auth', proto, port: BLOCKED_PORT, wrong: false, expect: 'no-answer', server });
      cases.push({ name: `closed ${proto}`, wrap: 'tls-auth', proto, port: CLOSED_PORT, wrong: false, expect: 'refused' });
    }
    const nft = await lab.exec('router', 'nft', ['add', 'rule', 'ip', 'natlab', 'fwd_filter', 'iifname', `"${lab.routerIfaces.lan}"`, 'meta', 'l4proto', '{ udp, tcp }', 'th', 'dport', String(BLOCKED_PORT), 'counter', 'drop', 'comment', '"openvpn-blocked"']);
    assert.equal(nft.code, 0, nft.stderr);
    await Promise.all(starts);

    // One config, one <connection> block per case, key files named relative to the config.
    const lines = ['client', 'dev null', 'nobind'];
    for (const c of cases) lines.push('<connection>', `remote ${SERVERS.primary} ${c.port} ${c.proto}`, ...clientWrapLines(pki, c.wrap, c.wrong, true), '</connection>');
    const configPath = path.join(dir, 'client.ovpn');
    fs.writeFileSync(configPath, lines.join('\n') + '\n');
    const r = await lab.exec('client', process.execPath, ['--import', 'tsx', RUNNER, configPath, String(BUDGET_MS)], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    results = JSON.parse(r.stdout) as ReachResult[];
    console.log(`      ${results.length} remotes probed in ${Math.round(r.ms)} ms (runner, node + tsx start-up included; shared CPUs)`);
    for (const [i, x] of results.entries()) console.log(`      ${cases[i]?.name.padEnd(32)} ${x.outcome}${x.rttMs !== undefined ? ` ${Math.round(x.rttMs)} ms` : ''}`);
  });

  after(async () => {
    await lab?.destroy();
  });

  it('one result per <connection> block, in order, with the remote lines', () => {
    assert.equal(results.length, cases.length);
    const firstRemoteLine = 4;
    for (const [i, x] of results.entries()) {
      assert.equal(x.target.port, cases[i].port);
      assert.equal(x.target.transport, cases[i].proto);
      assert.equal(x.target.line, firstRemoteLine + i * 3 + cases.slice(0, i).reduce((n, c) => n + (c.wrap === 'none' ? 0 : keyLines(c)), 0));
    }
  });

  // Line count of a case's key lines in the config (one line each: files, not inline).
  function keyLines(c: Case): number {
    return clientWrapLines(pki, c.wrap, c.wrong, true).length;
  }

  it('right key → reachable; wrong key → no-answer; blocked → no-answer; nothing listening → refused', () => {
    const got = results.map((x, i) => `${cases[i].name}: ${x.outcome}`);
    const want = cases.map((c) => `${c.name}: ${c.expect}`);
    assert.deepEqual(got, want);
  });

  it('reachable: the answer acknowledged our session id and, wrapped, checked with our key', () => {
    for (const [i, x] of results.entries()) {
      if (cases[i].expect !== 'reachable') continue;
      assert.ok(x.rttMs !== undefined && x.rttMs >= 0 && x.rttMs < BUDGET_MS, `${cases[i].name}: rtt ${x.rttMs}`);
      assert.ok(x.evidence.some((e) => e.startsWith('received P_CONTROL_HARD_RESET_SERVER_V2 acknowledging our session id')), cases[i].name);
      if (cases[i].wrap !== 'none') assert.match(x.summary, new RegExp(`accepted our ${cases[i].wrap} key`));
    }
  });

  it('wrong key: silence (or a dropped TCP connection), the key among the causes, and the server logged why', () => {
    for (const [i, x] of results.entries()) {
      const c = cases[i];
      if (!c.wrong) continue;
      assert.ok(x.possibleCauses?.some((p) => p.includes(`${c.wrap} key`)), `${c.name}: ${JSON.stringify(x.possibleCauses)}`);
      const log = fs.readFileSync(c.server!.logFile, 'utf8');
      assert.match(log, AUTH_FAILED, `${c.name}: the server's log does not show a rejected packet`);
    }
  });

  it('a server without wrapping answers a tls-auth client in the clear: error, saying so', function () {
    const i = cases.findIndex((c) => c.name === 'server none udp, tls-auth client');
    if (i < 0) this.skip();
    assert.match(results[i].summary, /but without tls-auth: it does not use the tls-auth key this config has/);
  });

  it('blocked: the router dropped the packets, and the servers behind it never saw one', async () => {
    const ruleset = await lab!.ruleset();
    const counter = /counter packets (\d+) bytes \d+ drop comment "openvpn-blocked"/.exec(ruleset);
    assert.ok(counter && Number(counter[1]) >= 4, `nft drop counter: ${counter?.[0] ?? ruleset}`);
    for (const [i, x] of results.entries()) {
      const c = cases[i];
      if (!c.name.startsWith('blocked')) continue;
      if (c.proto === 'udp') assert.deepEqual(x.possibleCauses?.slice(0, 2), [`UDP to port ${BLOCKED_PORT} is blocked on the path`, `the server is down or not listening on UDP ${BLOCKED_PORT}`]);
      else assert.deepEqual(x.possibleCauses, [`TCP to port ${BLOCKED_PORT} is blocked on the path`, 'the server host is down']);
      assert.doesNotMatch(fs.readFileSync(c.server!.logFile, 'utf8'), /TLS Error|HARD_RESET|Peer Connection/);
    }
  });

  it('refused: UDP by ICMP port unreachable through the NAT, TCP by RST (no OpenVPN packet sent)', () => {
    for (const [i, x] of results.entries()) {
      const c = cases[i];
      if (!c.name.startsWith('closed')) continue;
      if (c.proto === 'udp') assert.match(x.summary, new RegExp(`nothing listens on UDP port ${CLOSED_PORT} \\(ICMP port unreachable\\)`));
      else {
        assert.equal(x.summary, `Connection refused: nothing listens on TCP port ${CLOSED_PORT} at ${SERVERS.primary}.`);
        assert.equal(x.packetsSent, 0);
      }
    }
  });

  it('no key material in the output', () => {
    const out = JSON.stringify(results).toLowerCase();
    for (const f of [pki.ta, pki.wrongTa, pki.v2Client, pki.wrongV2Client]) {
      const text = fs.readFileSync(path.join(pki.dir, f), 'utf8');
      for (const line of text.split('\n').filter((l) => l && !l.startsWith('-----') && !l.startsWith('#'))) {
        assert.ok(!out.includes(line.trim().toLowerCase().slice(0, 24)), `${f}: key material in the output`);
      }
    }
  });
});
