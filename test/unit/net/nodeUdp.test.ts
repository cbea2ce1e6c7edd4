import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { ContactLedger } from '../../../src/engine/net/contactLedger';
import { nodeUdpFactory } from '../../../src/engine/net/nodeUdp';

/** Real sockets on loopback only: connect(2) and ECONNREFUSED from ICMP port unreachable. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function waitFor(predicate: () => boolean, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const started = Date.now();
    const tick = (): void => {
      if (predicate()) resolve(true);
      else if (Date.now() - started > ms) resolve(false);
      else setTimeout(tick, 5);
    };
    tick();
  });
}

describe('nodeUdp: connected sockets', () => {
  it('reports ICMP port unreachable from the connected peer through onRefused', async () => {
    const port = await freePort();
    const socket = await nodeUdpFactory.bind({ family: 4, address: '127.0.0.1', connect: { address: '127.0.0.1', port } });
    let refused = 0;
    socket.onRefused?.(() => refused++);
    try {
      await socket.send(new Uint8Array([1]), { address: '127.0.0.1', port });
      assert.equal(await waitFor(() => refused > 0, 2000), true, 'no ECONNREFUSED within 2 s');
    } finally {
      socket.close();
    }
  });

  it('through the contact ledger too: the wrapped socket passes onRefused on, and counts the datagram', async () => {
    const port = await freePort();
    const ledger = new ContactLedger();
    const socket = await ledger.udp(nodeUdpFactory).bind({ family: 4, address: '127.0.0.1', connect: { address: '127.0.0.1', port } });
    let refused = 0;
    assert.equal(typeof socket.onRefused, 'function', 'the ledger must not hide ICMP port unreachable');
    socket.onRefused?.(() => refused++);
    try {
      await socket.send(new Uint8Array([1]), { address: '127.0.0.1', port });
      assert.equal(await waitFor(() => refused > 0, 2000), true, 'no ECONNREFUSED within 2 s');
      assert.equal(ledger.packetsTo({ address: '127.0.0.1', port }, 'udp'), 1);
    } finally {
      socket.close();
    }
  });

  it('exchanges datagrams with its peer, and refuses to send to anyone else', async () => {
    const echo = dgram.createSocket('udp4');
    await new Promise<void>((r) => echo.bind(0, '127.0.0.1', () => r()));
    echo.on('message', (m, rinfo) => echo.send(m, rinfo.port, rinfo.address));
    const peer = { address: '127.0.0.1', port: echo.address().port };
    const socket = await nodeUdpFactory.bind({ family: 4, address: '127.0.0.1', connect: peer });
    const got: string[] = [];
    socket.onMessage((d, from) => got.push(`${Buffer.from(d).toString()} ${from.port}`));
    try {
      await socket.send(Buffer.from('hi'), peer);
      assert.equal(await waitFor(() => got.length > 0, 2000), true);
      assert.deepEqual(got, [`hi ${peer.port}`]);
      await assert.rejects(socket.send(Buffer.from('x'), { address: '127.0.0.1', port: peer.port + 1 }), /connected/);
    } finally {
      socket.close();
      echo.close();
    }
  });
});
