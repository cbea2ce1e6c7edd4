import assert from 'node:assert/strict';
import { EXIT } from '../../../src/cli/run';
import { systemClock } from '../../../src/engine/clock';
import { nodeUdpFactory } from '../../../src/engine/net/nodeUdp';
import { newCode } from '../../../src/engine/punch/code';
import { startReflector } from '../../../src/engine/server/reflector';
import { Rendezvous } from '../../../src/engine/server/rendezvous';
import { cliInProcess } from '../../support/cliInProcess';
import { FakeTurn } from '../probes/fakeTurn';

// natprobe punch --turn: the TURN options read as diagnose reads them, the measurements in the
// JSON and the text, and never a password in any output.

describe('natprobe punch --turn: arguments (as diagnose takes them)', () => {
  const cases: [string, string[], RegExp][] = [
    ['--turn without a user', ['punch', '--via', '127.0.0.1', '--turn', 'turn:127.0.0.1'], /needs --turn-user/],
    ['--turn-user without --turn', ['punch', '--via', '127.0.0.1', '--turn-user', 'alice'], /go with --turn/],
    ['a turns: URL', ['punch', '--via', '127.0.0.1', '--turn', 'turns:127.0.0.1', '--turn-user', 'a', '--turn-pass', 'p'], /turns: \(TURN over TLS\) is not supported/],
    ['nine servers', ['punch', '--via', '127.0.0.1', '--turn-user', 'a', '--turn-pass', 'p', ...Array.from({ length: 9 }, (_, i) => ['--turn', `turn:127.0.0.${i + 1}`]).flat()], /at most 8 TURN servers/],
    ['two users for three servers', ['punch', '--via', '127.0.0.1', '--turn', 'turn:a', '--turn', 'turn:b', '--turn', 'turn:c', '--turn-user', 'x', '--turn-user', 'y', '--turn-pass', 'p'], /--turn-user given 2 times for 3/],
  ];
  const saved = process.env.NATPROBE_TURN_PASS;
  before(() => delete process.env.NATPROBE_TURN_PASS);
  after(() => {
    if (saved !== undefined) process.env.NATPROBE_TURN_PASS = saved;
  });
  for (const [what, args, message] of cases) {
    it(`${what}: exit 2 with one line saying which`, async () => {
      const r = await cliInProcess(args);
      assert.equal(r.code, EXIT.usage, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    });
  }
  it('no password anywhere: exit 2, naming the variable to set', async () => {
    const r = await cliInProcess(['punch', '--via', '127.0.0.1', '--turn', 'turn:127.0.0.1', '--turn-user', 'alice']);
    assert.equal(r.code, EXIT.usage);
    assert.match(r.stderr, /needs a password: set NATPROBE_TURN_PASS/);
  });
});

describe('natprobe punch --turn on loopback, end to end', function () {
  this.timeout(30_000);
  const saved = process.env.NATPROBE_TURN_PASS;
  afterEach(() => {
    if (saved === undefined) delete process.env.NATPROBE_TURN_PASS;
    else process.env.NATPROBE_TURN_PASS = saved;
  });

  it('both ends allocate on the relay beside the punch, free it, list it in contacted, learn each other\'s RTT; a direct path forms, so no relay is named; the password is printed nowhere', async () => {
    const rendezvous = new Rendezvous({ now: () => systemClock.now() });
    const running = await startOnFreePort(rendezvous);
    const turn = new FakeTurn(await nodeUdpFactory.bind({ family: 4, address: '127.0.0.1' }), 'none', '127.0.0.1');
    try {
      const port = running.endpoints[0].port;
      const turnUrl = `turn:127.0.0.1:${turn.socket.localEndpoint().port}`;
      process.env.NATPROBE_TURN_PASS = 'wonderland';
      const code = newCode();
      const common = ['punch', '--via', `127.0.0.1:${port}`, '--code', code, '--budget', '5000', '--turn', turnUrl, '--turn-user', 'alice'];
      const [a, b] = await Promise.all([cliInProcess([...common, '--json']), cliInProcess(common)]);
      assert.equal(a.code, EXIT.ok, a.stdout + a.stderr);
      assert.equal(b.code, EXIT.ok, b.stdout + b.stderr);
      const j = JSON.parse(a.stdout) as Record<string, unknown>;
      assert.equal(j.direct, 'yes');
      assert.equal(j.relay, null, 'a direct path: no relay named');
      const relays = j.relays as { url: string; value: string; rttMs: number; released: boolean }[];
      assert.equal(relays.length, 1);
      assert.equal(relays[0].url, turnUrl);
      assert.equal(relays[0].value, 'yes');
      assert.equal(typeof relays[0].rttMs, 'number');
      assert.equal(relays[0].released, true);
      const peerRelays = j.peerRelays as { server: string; rttMs: unknown }[];
      assert.deepEqual(peerRelays.map((f) => `turn:${f.server}`), [turnUrl], 'the peer\'s figure came through the rendezvous');
      assert.equal(typeof peerRelays[0].rttMs, 'number');
      const contacted = j.contacted as { address: string; port: number; role: string; packets: number }[];
      assert.ok(contacted.some((c) => c.role === 'TURN server' && `turn:${c.address}:${c.port}` === turnUrl && c.packets >= 3), JSON.stringify(contacted));
      assert.match(b.stdout, new RegExp(`^Relays from this end: ${turnUrl.replace(/[.]/g, '\\.')} [0-9.]+ ms$`, 'm'));
      assert.equal(turn.allocated, 2, 'one Allocate from each end');
      assert.equal(turn.freed, 2, 'both freed (Refresh, LIFETIME 0)');
      for (const out of [a.stdout, a.stderr, b.stdout, b.stderr]) assert.ok(!out.includes('wonderland'), 'the password is never printed');
    } finally {
      running.close();
      turn.socket.close();
    }
  });
});

/** startReflector refuses port 0 (it names its port in answers), so a free one is searched for. */
async function startOnFreePort(rendezvous: Rendezvous) {
  for (let port = 34880; port < 34980; port++) {
    try {
      return await startReflector({ factory: nodeUdpFactory, clock: systemClock, primary: { address: '127.0.0.1', port }, software: 'natprobe', rendezvous });
    } catch {
      /* in use: next */
    }
  }
  throw new Error('no free port on loopback');
}
