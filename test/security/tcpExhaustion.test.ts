// STUN over TCP (`serve --ports tcp:…`) on loopback: one source may not hold every connection
// slot, and a message dribbled a byte at a time (slowloris) may not hold one forever.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { nodeUdpFactory } from '../../src/engine/net/nodeUdp';
import { type RunningExtraPorts, startExtraPorts } from '../../src/engine/server/extraPorts';
import { Method, encodeMessage, newTransactionId } from '../../src/engine/stun';

async function freeTcpPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function connect(port: number, localAddress: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ host: '127.0.0.1', port, localAddress }, () => resolve(c));
    c.once('error', reject);
  });
}

/** Sends a Binding request; resolves true when an answer arrives, false when the server closes first. */
function bindingAnswered(c: net.Socket): Promise<boolean> {
  return new Promise((resolve) => {
    c.once('data', () => resolve(true));
    c.once('close', () => resolve(false));
    c.write(encodeMessage({ cls: 'request', method: Method.Binding, transactionId: newTransactionId(), attributes: [] }));
  });
}

describe('security: STUN over TCP resists connection exhaustion (loopback)', function () {
  this.timeout(20000);
  let running: RunningExtraPorts | undefined;
  let port = 0;
  const sockets: net.Socket[] = [];
  beforeEach(async () => {
    port = await freeTcpPort();
    running = await startExtraPorts({
      udp: nodeUdpFactory,
      address: '127.0.0.1',
      ports: [{ protocol: 'tcp', port }],
      software: 'natprobe',
      primary: { address: '127.0.0.1', port: 1 },
      tcpMessageDeadlineMs: 300,
    });
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.destroy();
    running?.close();
  });

  it('64 slow connections from one source do not lock out a second source', async () => {
    for (let i = 0; i < 64; i++) {
      try {
        const c = await connect(port, '127.0.0.1');
        c.on('error', () => undefined);
        sockets.push(c);
      } catch {
        /* refused: fine */
      }
    }
    const other = await connect(port, '127.0.0.2');
    sockets.push(other);
    assert.equal(await bindingAnswered(other), true, 'the second source was answered');
  });

  it('a message dribbled one byte at a time is cut off at the message deadline although bytes keep coming', async () => {
    const c = await connect(port, '127.0.0.1');
    sockets.push(c);
    const request = encodeMessage({ cls: 'request', method: Method.Binding, transactionId: newTransactionId(), attributes: [] });
    let closed = false;
    c.on('close', () => (closed = true));
    c.on('error', () => undefined);
    // 20 bytes at one per 100 ms would take 2 s; the deadline is 300 ms from the first byte.
    for (let i = 0; i < request.length - 1 && !closed; i++) {
      c.write(request.subarray(i, i + 1));
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(closed, true, 'the server closed the connection before the message was complete');
  });
});
