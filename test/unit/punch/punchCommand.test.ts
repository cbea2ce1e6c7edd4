import assert from 'node:assert/strict';
import { EXIT } from '../../../src/cli/run';
import { systemClock } from '../../../src/engine/clock';
import { nodeUdpFactory } from '../../../src/engine/net/nodeUdp';
import { newCode } from '../../../src/engine/punch/code';
import { startReflector } from '../../../src/engine/server/reflector';
import { Rendezvous } from '../../../src/engine/server/rendezvous';
import { cliInProcess } from '../../support/cliInProcess';

function cli(args: string[]): ReturnType<typeof cliInProcess> {
  return cliInProcess(args);
}

describe('natprobe punch: arguments', () => {
  const cases: [string, string[], RegExp][] = [
    ['no --via', ['punch'], /punch needs --via/],
    ['a code that is not six words', ['punch', '--via', '127.0.0.1', '--code', 'acorn-actor'], /--code: a code is 6 words/],
    ['a word not in the list', ['punch', '--via', '127.0.0.1', '--code', 'acorn actor adobe agent album xylophone'], /"xylophone" is not one of the code words/],
    ['a budget out of range', ['punch', '--via', '127.0.0.1', '--budget', '10'], /--budget/],
    ['--report without --peer-report', ['punch', '--via', '127.0.0.1', '--report', 'a.json'], /--report and --peer-report go together/],
    ['a bad --via', ['punch', '--via', '[zz]:1'], /--via/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: exit 2 with one line saying which`, async () => {
      const r = await cli(args);
      assert.equal(r.code, EXIT.usage);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    });
  }
});

describe('natprobe punch: the code from NATPROBE_PUNCH_CODE (kept out of the process list)', () => {
  const saved = process.env.NATPROBE_PUNCH_CODE;
  afterEach(() => {
    if (saved === undefined) delete process.env.NATPROBE_PUNCH_CODE;
    else process.env.NATPROBE_PUNCH_CODE = saved;
  });
  it('a bad code there is refused by its name, exit 2', async () => {
    process.env.NATPROBE_PUNCH_CODE = 'acorn-actor';
    const r = await cli(['punch', '--via', '127.0.0.1']);
    assert.equal(r.code, EXIT.usage);
    assert.match(r.stderr, /NATPROBE_PUNCH_CODE: a code is 6 words/);
  });
  it('both --code and NATPROBE_PUNCH_CODE: exit 2, choose one', async () => {
    process.env.NATPROBE_PUNCH_CODE = newCode();
    const r = await cli(['punch', '--via', '127.0.0.1', '--code', newCode()]);
    assert.equal(r.code, EXIT.usage);
    assert.match(r.stderr, /choose one/);
  });
  it('an empty one is no code: a fresh one is made (what the extension passes to Start)', async () => {
    process.env.NATPROBE_PUNCH_CODE = '';
    const r = await cli(['punch', '--via', '127.0.0.1', '--code', 'acorn-actor']);
    assert.match(r.stderr, /^natprobe: --code: /m, 'the flag, not the empty variable, was read');
  });
});

describe('natprobe punch on loopback, end to end', function () {
  this.timeout(30_000);

  it('two ends with one code: exit 0, one JSON object each with direct yes, the pair, ms, rttMs, the prediction and the packets', async () => {
    const rendezvous = new Rendezvous({ now: () => systemClock.now() });
    const running = await startOnFreePort(rendezvous);
    try {
      const port = running.endpoints[0].port;
      const code = newCode();
      const [a, b] = await Promise.all([
        cli(['punch', '--via', `127.0.0.1:${port}`, '--code', code, '--json', '--budget', '5000']),
        cli(['punch', '--via', `127.0.0.1:${port}`, '--code', code.toUpperCase().replace(/-/g, ' '), '--json', '--budget', '5000']),
      ]);
      for (const r of [a, b]) {
        assert.equal(r.code, EXIT.ok, r.stdout + r.stderr);
        const j = JSON.parse(r.stdout) as Record<string, unknown>;
        assert.equal(j.direct, 'yes');
        assert.equal((j.pair as { kind: string }).kind, 'srflx↔srflx');
        assert.equal(typeof j.ms, 'number');
        assert.equal(typeof j.rttMs, 'number');
        assert.equal((j.prediction as { direct: string }).direct, 'unknown');
        assert.ok((j.packets as { sent: number }).sent > 0);
        assert.deepEqual(Object.keys(j).slice(0, 6), ['direct', 'reason', 'pair', 'ms', 'rttMs', 'prediction']);
      }
      assert.equal(rendezvous.counters.introduced >= 2, true);
    } finally {
      running.close();
    }
  });

  it('a rendezvous that does not answer: exit 3, and the reason names it', async function () {
    this.timeout(15_000);
    // A port on loopback nobody listens on (bound and closed again).
    const probe = await nodeUdpFactory.bind({ family: 4, address: '127.0.0.1' });
    const port = probe.localEndpoint().port;
    probe.close();
    const r = await cli(['punch', '--via', `127.0.0.1:${port}`, '--code', newCode()]);
    assert.equal(r.code, EXIT.nothingMeasured);
    assert.match(r.stdout, new RegExp(`the rendezvous 127\\.0\\.0\\.1:${port} did not answer`));
  });
});

/** startReflector refuses port 0 (it names its port in answers), so a free one is searched for. */
async function startOnFreePort(rendezvous: Rendezvous) {
  for (let port = 34780; port < 34880; port++) {
    try {
      return await startReflector({ factory: nodeUdpFactory, clock: systemClock, primary: { address: '127.0.0.1', port }, software: 'natprobe', rendezvous });
    } catch {
      /* in use: next */
    }
  }
  throw new Error('no free port on loopback');
}
