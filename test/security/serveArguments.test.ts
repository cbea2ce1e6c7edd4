// `natprobe serve` arguments an operator can get wrong: each is a usage error (exit 2) before any
// socket is opened or any name resolved, never a crash on the first packet.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/run';
import { startReflector } from '../../src/engine/server/reflector';
import { Method, encodeMessage, newTransactionId } from '../../src/engine/stun';
import { Inbox, VirtualClock, VirtualNetwork } from '../support/vnet';

async function serveExit(args: string[]): Promise<{ code: number; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (c) => (err += c));
  const code = await runCli(['serve', ...args], { stdout, stderr });
  return { code, stderr: err };
}

describe('security: serve refuses bad arguments before listening (exit 2)', () => {
  const cases: [string[], RegExp][] = [
    [['--primary', '127.0.0.1:65535', '--alternate', '127.0.0.2'], /65536/],
    [['--primary', '300.1.1.1'], /IP address/],
    [['--primary', '1.2.3'], /IP address/],
    [['--primary', '0.0.0.0'], /wildcard/],
    [['--primary', '127.0.0.1', '--rate', '0'], /--rate/],
    [['--primary', '127.0.0.1', '--burst', 'x'], /--burst/],
    [['--primary', '127.0.0.1', '--tcp-per-source', '99999'], /--tcp-per-source/],
    [['--primary', '127.0.0.1', '--global-rate', '0'], /--global-rate/],
    [['--primary', '127.0.0.1', '--rate', '500', '--global-rate', '100'], /--global-rate .*at least --rate/],
    [['--primary', '127.0.0.1', '--log-interval', '-1'], /--log-interval|value/],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), async () => {
      const r = await serveExit(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 2, 'one line and the usage hint, no stack trace');
    });
  }
});

describe('security: no single datagram ends the reflector', () => {
  it('a port that cannot be encoded is refused at start, not on the first packet', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 1 });
    const server = net.addHost({ addresses: ['198.51.100.1', '198.51.100.2'] });
    await assert.rejects(
      startReflector({ factory: server, primary: { address: '198.51.100.1', port: 65535 }, alternate: { address: '198.51.100.2', port: 65536 }, software: 'natprobe' }),
      /65536/,
    );
  });

  it('a listener that throws (a log stream gone away) loses its event; the next request is still answered', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 2 });
    const server = net.addHost({ addresses: ['198.51.100.1'] });
    const client = net.addHost({ addresses: ['203.0.113.5'] });
    const reflector = await startReflector({
      factory: server,
      primary: { address: '198.51.100.1', port: 3478 },
      software: 'natprobe',
      onEvent: () => {
        throw new Error('EPIPE');
      },
    });
    const inbox = new Inbox(await client.bind({ family: 4, port: 4000 }), clock);
    await inbox.socket.send(Uint8Array.of(1, 2, 3), { address: '198.51.100.1', port: 3478 });
    await inbox.socket.send(encodeMessage({ cls: 'request', method: Method.Binding, transactionId: newTransactionId(), attributes: [] }), { address: '198.51.100.1', port: 3478 });
    await clock.advance(100);
    assert.equal(inbox.received.length, 1);
    assert.deepEqual(reflector.counters, { answered: 1, dropped: 1, rateLimited: 0, globalLimited: 0 });
    reflector.close();
  });
});
