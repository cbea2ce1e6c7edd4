// Issue 9: what a hostile STUN server sends reaches the CLI's terminal output, its --verbose log,
// its --json and its --stream lines only with every control character made visible (or, in
// JSON, escaped). A real server on loopback (127.0.0.1 and 127.0.0.2) and the CLI in-process.
import assert from 'node:assert/strict';
import { nodeUdpFactory } from '../../src/engine/net/nodeUdp';
import { type RunningReflector, startReflector } from '../../src/engine/server/reflector';
import { HOSTILE, RAW_CONTROL } from './hostile';
import { cliInProcess } from '../support/cliInProcess';

function cli(args: string[]): ReturnType<typeof cliInProcess> {
  return cliInProcess(args, { tty: true });
}

describe('security: a hostile server through the CLI (loopback)', function () {
  this.timeout(30000);
  let server: RunningReflector;
  let port: number;
  before(async () => {
    port = 36000 + Math.floor(Math.random() * 1000) * 2;
    server = await startReflector({ factory: nodeUdpFactory, primary: { address: '127.0.0.1', port }, alternate: { address: '127.0.0.2', port: port + 1 }, software: HOSTILE });
  });
  after(() => server?.close());

  it('text output on a terminal (colours on): the SOFTWARE is shown escaped, no raw control', async () => {
    const r = await cli(['diagnose', '--server', `127.0.0.1:${port}`, '--budget', '3000']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes('\\x1b]0;pwned\\x07'), r.stdout);
    const ours = r.stdout.replace(/\u001b\[\d{1,2}m/g, '').replace(/\n/g, ''); // eslint-disable-line no-control-regex
    assert.doesNotMatch(ours, RAW_CONTROL);
  });

  it('--json and --stream: the same text back when parsed, no raw control character in the bytes', async () => {
    const json = await cli(['diagnose', '--server', `127.0.0.1:${port}`, '--budget', '3000', '--json']);
    assert.equal(JSON.parse(json.stdout).servers[0].software, HOSTILE);
    assert.doesNotMatch(json.stdout.replace(/\n/g, ''), RAW_CONTROL);
    const stream = await cli(['diagnose', '--server', `127.0.0.1:${port}`, '--budget', '3000', '--stream']);
    const lines = stream.stdout.trim().split('\n');
    assert.equal(JSON.parse(lines[lines.length - 1]).report.servers[0].software, HOSTILE);
    for (const line of lines) assert.doesNotMatch(line, RAW_CONTROL);
  });

  it('a usage error that quotes its argument does not pass its controls to the terminal', async () => {
    const r = await cli(['diagnose', '--server', `\u001b]0;x\u0007host\u202e:1`]);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr.replace(/\n/g, ''), RAW_CONTROL);
    assert.match(r.stderr, /\\x1b\]0;x\\x07host/);
  });
});
