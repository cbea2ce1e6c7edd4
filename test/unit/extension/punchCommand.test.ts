// "Test a direct path to a peer" sends to one place only: the rendezvous the user named. Two
// refusals come before any child process or packet: an untrusted workspace (its own
// .vscode/settings.json could name the rendezvous, so it may not choose where we send; the
// manifest also ignores natProbe.rendezvous from it), and no rendezvous at all (there is no public
// default: the user names their own `natprobe serve --rendezvous`). The extension code runs
// against a stand-in `vscode` module (test/support/fakeVscode.ts).
import assert from 'node:assert/strict';
import childProcess from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { type FakeVscode, installFakeVscode } from '../../support/fakeVscode';

const ROOT = path.resolve(__dirname, '../../..');
const load = createRequire(__filename);
const EXTENSION = path.join(ROOT, 'src', 'extension') + path.sep;

/** Other files load extension modules against their own fake: start from fresh copies. */
function forgetExtensionModules(): void {
  for (const key of Object.keys(load.cache)) if (key.startsWith(EXTENSION)) delete load.cache[key];
}

describe('Test a direct path to a peer: where it may send', () => {
  let fake: FakeVscode;
  let spawned = 0;
  const realSpawn = childProcess.spawn;
  let command: (options?: unknown) => Promise<unknown>;

  before(() => {
    forgetExtensionModules();
    fake = installFakeVscode();
    (childProcess as { spawn: unknown }).spawn = (...args: unknown[]) => {
      spawned++;
      return (realSpawn as (...a: unknown[]) => unknown)(...args);
    };
    const { registerPunch } = load('../../../src/extension/punch/punchCommand') as typeof import('../../../src/extension/punch/punchCommand');
    registerPunch({ subscriptions: [], extensionUri: { scheme: 'file', path: '/ext' } } as never, { info: () => undefined, error: () => undefined } as never, { get: () => undefined } as never);
    command = fake.commands.get('natProbe.testDirectPath') as typeof command;
  });

  after(() => {
    (childProcess as { spawn: unknown }).spawn = realSpawn;
    fake.uninstall();
    forgetExtensionModules();
  });

  it('the manifest: enabled only in a trusted workspace, and natProbe.rendezvous is ignored from an untrusted one', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const c = pkg.contributes.commands.find((x: { command: string }) => x.command === 'natProbe.testDirectPath');
    assert.equal(c?.enablement, 'isWorkspaceTrusted');
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('natProbe.rendezvous'));
    const setting = pkg.contributes.configuration.properties['natProbe.rendezvous'];
    assert.equal(setting.default, '', 'no default rendezvous: nothing is sent until the user names one');
  });

  it('untrusted: a warning, and no natprobe process started', async () => {
    fake.trusted = false;
    fake.messages.length = 0;
    assert.equal(await command({ role: 'start' }), undefined);
    assert.deepEqual(fake.messages.map((m) => m.kind), ['warning']);
    assert.match(fake.messages[0].text, /off in Restricted Mode: trust this workspace/);
    assert.equal(spawned, 0);
  });

  it('trusted, but no rendezvous set: an error that says what to set, and still no process', async () => {
    fake.trusted = true;
    fake.messages.length = 0;
    assert.equal(await command({ role: 'start' }), undefined);
    assert.deepEqual(fake.messages.map((m) => m.kind), ['error']);
    assert.match(fake.messages[0].text, /needs a rendezvous: a host of yours running “natprobe serve --rendezvous”, named in the setting natProbe\.rendezvous/);
    assert.equal(spawned, 0);
  });
});

describe('Test a direct path to a peer: the prediction beside the proof', () => {
  let fake: FakeVscode;
  let mod: typeof import('../../../src/extension/punch/punchCommand');

  before(() => {
    forgetExtensionModules();
    fake = installFakeVscode();
    mod = load('../../../src/extension/punch/punchCommand') as typeof mod;
  });

  after(() => {
    fake.uninstall();
    forgetExtensionModules();
  });

  const output = (prediction: { direct: 'yes' | 'no' | 'unknown'; reason: string }) => ({
    direct: 'yes' as const,
    reason: 'a check was answered',
    pair: { kind: 'srflx↔srflx', local: '127.0.0.1:40000', remote: '127.0.0.1:40001' },
    ms: 12,
    rttMs: 0.4,
    prediction,
    agrees: 'unknown' as const,
    packets: { sent: 5, received: 4, lowTtl: 2 },
    rendezvous: 'reached' as const,
    contacted: [],
  });

  it('no prediction after a run without the peer\'s report: the hint says the peer\'s report can be given when asked (and natprobe punch --peer-report), not only Compare', () => {
    const hint = mod.noPredictionHint(true);
    assert.match(hint, /peer’s report/);
    assert.match(hint, /Pick file…/, 'the question the command asks');
    assert.match(hint, /--peer-report/, 'the CLI flag');
    assert.match(hint, /Compare two reports/);
  });

  it('no report of this machine yet: the hint says to run a diagnosis first, since without it the question is not asked', () => {
    const hint = mod.noPredictionHint(false);
    assert.match(hint, /Run NAT diagnosis/);
    assert.match(hint, /--report .*--peer-report/);
  });

  it('the CLI\'s "give --report and --peer-report" sentence becomes the panel\'s hint when no reports were passed', () => {
    const row = mod.punchRow('127.0.0.1:3478', output({ direct: 'unknown', reason: 'no prediction: give --report …' }), new Date(0), mod.noPredictionHint(true));
    assert.equal(row.prediction.direct, 'unknown');
    assert.equal(row.prediction.reason, mod.noPredictionHint(true));
  });

  it('both reports passed and compare itself could not tell: compare\'s own reason stays (it is a prediction, not a missing one)', () => {
    const compareSaid = { direct: 'unknown' as const, reason: "A's UDP could not be tested: no server answered" };
    const row = mod.punchRow('127.0.0.1:3478', output(compareSaid), new Date(0), undefined);
    assert.deepEqual(row.prediction, compareSaid);
  });
});
