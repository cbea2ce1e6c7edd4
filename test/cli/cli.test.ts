import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import type { Report } from '../../src/report/report';
import { prng } from '../support/prng';
import { CLI, serve } from './serve';

function run(args: string[], timeoutMs = 15000): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}


describe('natprobe CLI (built dist/cli.js, loopback only)', function () {
  this.timeout(30000);
  before(function () {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  });

  it('bad arguments exit 2 with a clear message', async () => {
    for (const [args, message] of [
      [['diagnose', '--server', 'host:99999'], /port must be a number from 1 to 65535/],
      [['diagnose', '--budget', 'soon'], /--budget must be a whole number/],
      [['diagnose', '--frobnicate'], /unknown option --frobnicate/],
      [['diagnose', '--stream', '--json'], /--stream and --json are two output formats/],
      [['diagnose', '--port-mapping', '--no-port-mapping'], /--port-mapping and --no-port-mapping contradict each other/],
      [['launch'], /unknown command "launch"/],
      [['serve'], /serve needs --primary/],
      [['serve', '--primary', 'example.org'], /needs an IP address, not a hostname/],
      [['serve', '--primary', '127.0.0.1:5000', '--alternate', '127.0.0.1:5001'], /different IP address/],
    ] as const) {
      const r = await run([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });

  it('every command answers --help and -h with its own help, exit 0', async () => {
    for (const command of ['diagnose', 'serve', 'lint', 'compare']) {
      for (const flag of ['--help', '-h']) {
        const r = await run([command, flag]);
        assert.equal(r.code, 0, `${command} ${flag}: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^Usage: natprobe ${command}\\b[^]*\\nExit codes:\\n`));
      }
    }
  });

  it('serve stops on SIGTERM by returning: its summary line, exit 0', async () => {
    const port = 37000 + Math.floor(Math.random() * 1000) * 2;
    const server = await serve(['--primary', `127.0.0.1:${port}`]);
    let stdout = '';
    server.stdout!.on('data', (c) => (stdout += c));
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(stdout, /^stopped after 0 answers, 0 dropped packets, 0 rate-limited, 0 over the global cap$/m);
  });

  it('against `natprobe serve` on two loopback addresses: a whole report, exit 0', async () => {
    const port = 35000 + Math.floor(Math.random() * 1000) * 2;
    const server = await serve(['--primary', `127.0.0.1:${port}`, '--alternate', `127.0.0.2:${port + 1}`]);
    try {
      const r = await run(['diagnose', '--server', `127.0.0.1:${port}`, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as Report;
      assert.equal(report.schemaVersion, 1);
      assert.equal(typeof report.durationMs, 'number');
      assert.equal(report.udp, 'yes');
      assert.equal(report.servers[0].rfc5780, 'yes', report.servers[0].error);
      assert.equal(report.servers[0].otherAddress, `127.0.0.2:${port + 1}`);
      assert.equal(typeof report.servers[0].rttMs, 'number');
      // Loopback: the server sees our own address, so there is no NAT and nothing filters.
      assert.equal(report.mapping.value, 'none');
      assert.equal(report.filtering.value, 'endpoint-independent');
      assert.equal(report.natType.value, 'open-internet');
      for (const key of ['publicEndpoints', 'portPreservation', 'cgnat', 'recommendations'] as const) assert.ok(key in report, key);
      // The router is not on the path to a loopback server: it is not asked, and the report says why.
      assert.equal(report.portMapping, undefined);
      assert.ok(!(report.contacted ?? []).some((c) => c.role === 'gateway' || c.role === 'multicast group'), JSON.stringify(report.contacted));

      const text = await run(['diagnose', '--server', `127.0.0.1:${port}`]);
      assert.equal(text.code, 0);
      assert.match(text.stdout, /Verdict: No NAT/);
      assert.match(text.stdout, /Mapping: +none/);
    } finally {
      server.kill('SIGTERM');
    }
  });

  it('12 servers (by name and by address): no MaxListenersExceededWarning (issue 15: a listener per lookup and per request on the run\'s signal)', async () => {
    const port = 37000 + Math.floor(Math.random() * 1000);
    const server = await serve(['--primary', `127.0.0.1:${port}`]);
    try {
      // localhost comes from /etc/hosts: name lookups that send nothing off this machine.
      const servers = Array.from({ length: 12 }, (_, i) => ['--server', `${i % 2 ? 'localhost' : '127.0.0.1'}:${port}`]).flat();
      const r = await run(['diagnose', ...servers, '--budget', '1500']);
      assert.ok(r.code === 0 || r.code === 3, `exit ${r.code}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /MaxListeners|Warning/, r.stderr);
    } finally {
      server.kill('SIGTERM');
    }
  });

  it('nobody listening (a mistyped port): "nothing listens on" it, from the ICMP port unreachable, not "UDP is blocked"; exits 3', async () => {
    const r = await run(['diagnose', '--server', '127.0.0.1:9', '--budget', '600']);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /nothing listens on 127\.0\.0\.1:9: its host answers with ICMP port unreachable/);
    assert.doesNotMatch(r.stdout, /UDP is blocked/);
    assert.ok(r.ms < 5000, `took ${r.ms} ms`);
    const json = await run(['diagnose', '--server', '127.0.0.1:9', '--json']);
    const report = JSON.parse(json.stdout) as Report;
    assert.equal(report.udp, 'unknown');
    assert.equal(report.natType.value, 'unknown');
    // Loopback resets TCP to port 9 too: that RTT sized the wait, not the 3 s budget.
    assert.equal(report.udpSilenceWindow?.basis, 'tcp-rtt', JSON.stringify(report.udpSilenceWindow));
    assert.ok(report.durationMs < 1500, `took ${report.durationMs} ms`);
  });

  it('a running `natprobe serve` survives 20,000 garbage datagrams and keeps answering', async () => {
    const port = 37000 + Math.floor(Math.random() * 1000) * 2;
    const server = await serve(['--primary', `127.0.0.1:${port}`, '--alternate', `127.0.0.2:${port + 1}`]);
    try {
      const sock = dgram.createSocket('udp4');
      const rand = prng(12345);
      for (let i = 0; i < 20000; i++) {
        const b = Buffer.alloc(Math.floor(rand() * 200));
        for (let j = 0; j < b.length; j++) b[j] = Math.floor(rand() * 256);
        if (b.length >= 20 && i % 2 === 0) {
          b[0] &= 0x3f;
          b.writeUInt32BE(0x2112a442, 4);
        }
        await new Promise<void>((res) => sock.send(b, port, '127.0.0.1', () => res()));
      }
      sock.close();
      assert.equal(server.exitCode, null, 'the server is still running');
      const r = await run(['diagnose', '--server', `127.0.0.1:${port}`, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as Report).servers[0].rfc5780, 'yes');
    } finally {
      server.kill('SIGTERM');
    }
  });

  it('diagnose --ports against serve --ports: listening ports reachable, a silent one "no" with its basis', async () => {
    const port = 39000 + Math.floor(Math.random() * 500) * 4;
    const server = await serve(['--primary', `127.0.0.1:${port}`, '--alternate', `127.0.0.2:${port + 1}`, '--ports', `udp:${port + 2},tcp:${port + 3}`]);
    try {
      const r = await run(['diagnose', '--server', `127.0.0.1:${port}`, '--json', '--ports', `udp:${port + 2},tcp:${port + 3},udp:${port + 4}`]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as Report;
      assert.deepEqual(
        report.ports?.map((p) => [p.protocol, p.port, p.reachable]),
        [
          ['udp', port + 2, 'yes'],
          ['tcp', port + 3, 'yes'],
          ['udp', port + 4, 'no'],
        ],
        JSON.stringify(report.ports),
      );
      assert.match(report.ports![2].basis, /blocked or filtered/);
      const text = await run(['diagnose', '--server', `127.0.0.1:${port}`, '--ports', `udp:${port + 2}`]);
      assert.match(text.stdout, /VPN ports/);
    } finally {
      server.kill('SIGTERM');
    }
  });

  it('--turn without a user or password is a usage error; the password never echoes', async () => {
    const noUser = await run(['diagnose', '--turn', 'turn:127.0.0.1:3478']);
    assert.equal(noUser.code, 2);
    assert.match(noUser.stderr, /--turn-user/);
    const bad = await run(['diagnose', '--turn', 'turns:127.0.0.1', '--turn-user', 'u', '--turn-pass', 'hunter2']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /only UDP/);
    assert.ok(!bad.stderr.includes('hunter2') && !bad.stdout.includes('hunter2'));
  });

  it('--turn is repeatable: --turn-user once for all or once per --turn; a missing password names its variable', async () => {
    const counts = await run(['diagnose', '--turn', 'turn:127.0.0.1:3478', '--turn', 'turn:127.0.0.2:3478', '--turn-user', 'a', '--turn-user', 'b', '--turn-user', 'c']);
    assert.equal(counts.code, 2);
    assert.match(counts.stderr, /--turn-user given 3 times for 2 --turn servers/);
    const passes = await run(['diagnose', '--turn', 'turn:127.0.0.1:3478', '--turn', 'turn:127.0.0.2:3478', '--turn-user', 'a', '--turn-pass', 'pw-one-x', '--turn-pass', 'pw-two-x', '--turn-pass', 'pw-three-x']);
    assert.equal(passes.code, 2);
    assert.match(passes.stderr, /--turn-pass given 3 times/);
    assert.ok(!/pw-(one|two|three)-x/.test(passes.stderr + passes.stdout), 'no password echoed');
    const noSecond = await runEnv(['diagnose', '--turn', 'turn:127.0.0.1:3478', '--turn', 'turn:127.0.0.2:3478', '--turn-user', 'a'], {});
    assert.equal(noSecond.code, 2);
    assert.match(noSecond.stderr, /--turn turn:127\.0\.0\.1:3478 needs a password: set NATPROBE_TURN_PASS/);
    const nine = await run(['diagnose', ...Array.from({ length: 9 }, (_, i) => ['--turn', `turn:127.0.0.${i + 1}:3478`]).flat(), '--turn-user', 'a']);
    assert.equal(nine.code, 2);
    assert.match(nine.stderr, /at most 8 TURN servers/);
  });
});

/** `run` with an environment without any NATPROBE_TURN_PASS* but these. */
function runEnv(args: string[], extra: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NATPROBE_TURN_PASS')));
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, ...extra } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
