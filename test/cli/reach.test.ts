import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateKeyPair } from '../../src/engine/reach/wireguard/primitives';
import { runReachProcess } from '../../src/extension/reach/reachProcess';
import { WireGuardResponder } from '../support/wireguardResponder';

/**
 * `natprobe reach` as a user runs it, against a WireGuard responder on loopback (the lab test
 * does the same against wireguard-go). Async spawn: the responder answers in this process.
 */
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'reach', ...args], { encoding: 'utf8', timeout: 20000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

describe('natprobe reach (CLI contract)', function () {
  this.timeout(60000);
  let dir: string;
  let server: dgram.Socket;
  let responder: WireGuardResponder;
  let port: number;
  const client = generateKeyPair();
  const psk = generateKeyPair().privateKey;
  const serverKeys = generateKeyPair();
  const secrets = [b64(client.privateKey), b64(psk)];

  before(async () => {
    server = dgram.createSocket('udp4');
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
    port = server.address().port;
    server.on('message', (msg, rinfo) => {
      const reply = responder.handle(new Uint8Array(msg), { address: rinfo.address, port: rinfo.port });
      if (reply) server.send(reply, rinfo.port, rinfo.address);
    });
  });
  after(() => server.close());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-reach-'));
    responder = new WireGuardResponder(serverKeys, [{ publicKey: client.publicKey, presharedKey: psk }]);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const config = (endpointPort: number, serverPublic = serverKeys.publicKey): string =>
    `[Interface]\nPrivateKey = ${b64(client.privateKey)}\nAddress = 10.0.0.2/32\n\n[Peer]\nPublicKey = ${b64(serverPublic)}\nPresharedKey = ${b64(psk)}\nAllowedIPs = 10.0.0.1/32\nEndpoint = 127.0.0.1:${endpointPort}\n`;
  const write = (name: string, text: string): string => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text, { mode: 0o600 });
    return p;
  };
  const assertNoSecrets = (...outputs: string[]): void => {
    for (const out of outputs) for (const s of secrets) {
      assert.ok(!out.includes(s), 'a secret key appears in the output');
      assert.ok(!out.includes(s.slice(0, 10)), 'the start of a secret key appears in the output');
    }
  };

  it('right keys: reachable with the RTT, exit 0; text and JSON carry no key material', async () => {
    const f = write('client.conf', config(port));
    const text = await run([f]);
    assert.equal(text.code, 0, text.stderr + text.stdout);
    assert.match(text.stdout, /peer \S+… \(line 9\) 127\.0\.0\.1:\d+\/udp: reachable \([\d.]+ ms\) — The WireGuard server accepted these keys/);
    const json = await run([f, '--json']);
    assert.equal(json.code, 0);
    const parsed = JSON.parse(json.stdout) as { format: string; results: Array<{ outcome: string; rttMs: number; packetsSent: number }> };
    assert.equal(parsed.format, 'wireguard');
    assert.equal(parsed.results[0].outcome, 'reachable');
    assert.ok(parsed.results[0].rttMs >= 0);
    assert.equal(parsed.results[0].packetsSent, 1);
    assertNoSecrets(text.stdout, text.stderr, json.stdout, json.stderr);
  });

  it('the server PublicKey wrong in the config: no answer, explained, exit 1', async () => {
    const f = write('client.conf', config(port, generateKeyPair().publicKey));
    const r = await run([f, '--budget', '300']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /: no answer — No answer within 300 ms/);
    assert.match(r.stdout, /possible causes: .*PublicKey here is not the server/);
    assert.match(r.stdout, /next: /);
    assert.ok(responder.events.every((e) => e.kind === 'bad-mac1') && responder.events.length > 0);
    assertNoSecrets(r.stdout, r.stderr);
  });

  it('nothing listening on the port: refused, exit 1', async () => {
    const f = write('client.conf', config(await freeUdpPort()));
    const r = await run([f, '--budget', '2000']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /: refused \([\d.]+ ms\) — .*nothing listens on UDP/);
  });

  it('a file named after an interface that is up (lo.conf): not sent without --yes, sent with it', async () => {
    const f = write('lo.conf', config(port));
    const held = await run([f]);
    assert.equal(held.code, 1);
    assert.match(held.stdout, /not tested — Not sent: an interface named lo is up/);
    assert.equal(responder.events.length, 0, 'nothing reached the server');
    const forced = await run([f, '--yes']);
    assert.equal(forced.code, 0, forced.stdout);
    assert.equal(responder.events.length, 1);
  });

  it('--report narrows silence with the ports test', async () => {
    const f = write('client.conf', config(port, generateKeyPair().publicKey));
    const report = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../fixtures/reports', fs.readdirSync(path.resolve(__dirname, '../fixtures/reports')).find((n) => n.endsWith('.json'))!), 'utf8')) as Record<string, unknown>;
    report.udp = 'yes';
    report.ports = [{ protocol: 'udp', port, reachable: 'no', basis: 'silence from the reflector' }];
    const rf = write('report.json', JSON.stringify(report));
    const r = await run([f, '--budget', '200', '--report', rf]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, new RegExp(`ports test found UDP ${port} blocked`));
  });

  it('bad arguments: exit 2 with one line', async () => {
    const f = write('client.conf', config(port));
    for (const args of [[], [f, '--budget', 'soon'], [f, '--remote', '1'], [f, '--peer', 'x'], [f, '--peer', 'abcd', '--remote', '1'], [path.join(dir, 'missing.conf')], [f, '--nope']]) {
      const r = await run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /^natprobe: .+\nRun "natprobe reach --help" for usage\.\n$/);
    }
  });

  it('OpenVPN: the same command, --remote picks a remote; --peer and an absent remote are usage errors', async () => {
    const free = await freeUdpPort();
    const f = write('client.ovpn', `client\ndev tun\nproto udp\nremote 127.0.0.1 ${free}\nremote 127.0.0.1 ${free + 1}\n`);
    const bad = await run([f, '--remote', '3']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /remote 3 does not exist: the config has 2 remote lines/);
    assert.equal((await run([f, '--peer', 'abcd'])).code, 2);
    const one = await run([f, '--remote', '1', '--json', '--budget', '1500']);
    const parsed = JSON.parse(one.stdout) as { format: string; results: Array<{ target: { port: number; protocol: string } }> };
    assert.equal(parsed.format, 'openvpn');
    assert.deepEqual(parsed.results.map((r) => [r.target.protocol, r.target.port]), [['openvpn', free]]);
    assert.equal(one.code, 1, 'nothing answers there');
  });

  it('a config with 12 host-named remotes: no MaxListenersExceededWarning (issue 15; each lookup took a listener on the run\'s signal)', async () => {
    // localhost comes from /etc/hosts: a name lookup that sends nothing off this machine.
    const ports = await Promise.all(Array.from({ length: 12 }, () => freeUdpPort()));
    const f = write('many.ovpn', `client\ndev tun\nproto udp\n${ports.map((p) => `remote localhost ${p}`).join('\n')}\n`);
    const r = await run([f, '--budget', '300']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal((r.stdout.match(/^remote localhost /gm) ?? []).length, 12, r.stdout);
    assert.doesNotMatch(r.stderr, /MaxListeners|Warning/, r.stderr);
  });

  it('--peer that matches no peer: nothing to test, exit 1', async () => {
    const f = write('client.conf', config(port));
    const r = await run([f, '--peer', 'AAAAAAAA']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /nothing to test: no \[Peer\] with PublicKey starting AAAAAAAA has an Endpoint/);
  });

  it('the extension’s runner (runReachProcess): unsaved text via a private temp copy, held back by a live tunnel until confirmed', async () => {
    const before = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('natprobe-reach-')).length;
    const base = { cli: CLI, text: config(port), fileName: 'lo.conf', format: 'wireguard' as const, budgetMs: 1500 };
    const held = await runReachProcess(base);
    assert.match(held.heldBack ?? '', /interface named lo/);
    assert.equal(held.results[0].outcome, 'not-tested');
    assert.equal(responder.events.length, 0);
    const sent = await runReachProcess({ ...base, confirmed: true, peer: b64(serverKeys.publicKey) });
    assert.equal(sent.heldBack, undefined);
    assert.equal(sent.results[0].outcome, 'reachable');
    assert.equal(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('natprobe-reach-')).length, before, 'the temp copy (it holds keys) is removed');
    await assert.rejects(runReachProcess({ ...base, budgetMs: 5 }), /--budget must be/);
  });
});
