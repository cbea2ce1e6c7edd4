import assert from 'node:assert/strict';
import { StunStreamFramer } from '../../../src/engine/net/tcp';
import { StunTcpSession, startExtraPorts } from '../../../src/engine/server/extraPorts';
import {
  Attr,
  Method,
  decodeAddress,
  decodeErrorCode,
  decodeMessage,
  decodeXorAddress,
  encodeChangeRequest,
  encodeMessage,
  getAttribute,
  newTransactionId,
} from '../../../src/engine/stun';
import { Inbox, VirtualClock, VirtualNetwork } from '../../support/vnet';

const LOCAL = { address: '198.51.100.1', port: 443 };
const REMOTE = { address: '203.0.113.5', port: 50123 };

function binding(attributes = [] as { type: number; value: Uint8Array }[]) {
  const id = newTransactionId();
  return { id, bytes: encodeMessage({ cls: 'request', method: Method.Binding, transactionId: id, attributes }, { fingerprint: true }) };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function mapped(reply: Uint8Array) {
  const m = decodeMessage(reply);
  assert.ok(m.ok);
  const x = decodeXorAddress(getAttribute(m.value, Attr.XorMappedAddress)!.value, m.value.transactionId);
  assert.ok(x.ok);
  return { id: Buffer.from(m.value.transactionId).toString('hex'), address: x.value.address, port: x.value.port, message: m.value };
}

describe('extra ports: STUN over TCP (RFC 8489 §6.2.2 framing)', () => {
  it('answers one Binding request with the peer\'s address, RESPONSE-ORIGIN = this port and no OTHER-ADDRESS', () => {
    const s = new StunTcpSession(LOCAL, REMOTE, 'test');
    const { id, bytes } = binding();
    const out = s.receive(bytes);
    assert.equal(out.close, undefined);
    assert.equal(out.replies.length, 1);
    const r = mapped(out.replies[0]);
    assert.equal(r.id, Buffer.from(id).toString('hex'));
    assert.deepEqual({ address: r.address, port: r.port }, REMOTE);
    const origin = decodeAddress(getAttribute(r.message, Attr.ResponseOrigin)!.value);
    assert.ok(origin.ok);
    assert.deepEqual({ address: origin.value.address, port: origin.value.port }, LOCAL);
    assert.equal(getAttribute(r.message, Attr.OtherAddress), undefined);
  });

  it('a message split into 1-byte pieces is answered once, when complete', () => {
    const s = new StunTcpSession(LOCAL, REMOTE, 'test');
    const { id, bytes } = binding();
    let replies: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const out = s.receive(bytes.subarray(i, i + 1));
      assert.equal(out.close, undefined, `byte ${i}`);
      if (i < bytes.length - 1) assert.equal(out.replies.length, 0);
      replies = replies.concat(out.replies);
    }
    assert.equal(replies.length, 1);
    assert.equal(mapped(replies[0]).id, Buffer.from(id).toString('hex'));
  });

  it('three coalesced messages (the third split across two reads) get three answers, in order', () => {
    const s = new StunTcpSession(LOCAL, REMOTE, 'test');
    const a = binding();
    const b = binding();
    const c = binding();
    const all = concat(a.bytes, b.bytes, c.bytes);
    const cut = a.bytes.length + b.bytes.length + 7;
    const first = s.receive(all.subarray(0, cut));
    const second = s.receive(all.subarray(cut));
    assert.deepEqual(
      [...first.replies, ...second.replies].map((r) => mapped(r).id),
      [a.id, b.id, c.id].map((id) => Buffer.from(id).toString('hex')),
    );
  });

  it('CHANGE-REQUEST is refused with 420 (a single-address port cannot honour it)', () => {
    const s = new StunTcpSession(LOCAL, REMOTE, 'test');
    const out = s.receive(binding([{ type: Attr.ChangeRequest, value: encodeChangeRequest({ changeIp: true, changePort: false }) }]).bytes);
    const m = decodeMessage(out.replies[0]);
    assert.ok(m.ok);
    assert.equal(m.value.cls, 'error');
    const e = decodeErrorCode(getAttribute(m.value, Attr.ErrorCode)!.value);
    assert.ok(e.ok && e.value.code === 420);
  });

  const garbage: [string, Uint8Array][] = [
    ['an HTTP request', new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['a TLS ClientHello', Uint8Array.of(0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00)],
    ['a length that is not a multiple of 4', Uint8Array.of(0x00, 0x01, 0x00, 0x05)],
    ['a header without the magic cookie', Uint8Array.of(0x00, 0x01, 0x00, 0x00, 1, 2, 3, 4)],
    ['a message over the 2048-byte limit', Uint8Array.of(0x00, 0x01, 0x10, 0x00)],
  ];
  for (const [what, bytes] of garbage) {
    it(`drops the connection on ${what}, without buffering it`, () => {
      const s = new StunTcpSession(LOCAL, REMOTE, 'test');
      const out = s.receive(bytes);
      assert.equal(out.replies.length, 0);
      assert.match(out.close ?? '', /^not STUN: /);
      // And stays failed: later valid bytes are not answered on a desynchronised stream.
      assert.ok(s.receive(binding().bytes).close);
    });
  }

  it('answers what came before garbage in the same read, then asks to close', () => {
    const s = new StunTcpSession(LOCAL, REMOTE, 'test');
    const out = s.receive(concat(binding().bytes, new TextEncoder().encode('garbage!')));
    assert.equal(out.replies.length, 1);
    assert.ok(out.close);
  });

  it('a framer never holds more than one maximal message', () => {
    const f = new StunStreamFramer(64);
    const head = Uint8Array.of(0x00, 0x01, 0x00, 0x2c, 0x21, 0x12, 0xa4, 0x42); // 20 + 44 = 64 bytes
    assert.equal(f.push(head).error, undefined);
    for (let i = 0; i < 10; i++) assert.equal(f.push(new Uint8Array(5)).messages.length, 0);
    assert.equal(f.buffered, 58);
    assert.equal(f.push(new Uint8Array(6)).messages.length, 1);
    assert.equal(f.buffered, 0);
  });
});

describe('extra ports: UDP listeners', () => {
  it('answer STUN Binding on each port from that port, skip the primary, and refuse CHANGE-REQUEST', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock);
    const server = net.addHost({ addresses: ['198.51.100.1'] });
    const client = net.addHost({ addresses: ['203.0.113.9'] });
    const running = await startExtraPorts({
      udp: server,
      address: '198.51.100.1',
      ports: [
        { protocol: 'udp', port: 51820 },
        { protocol: 'udp', port: 3478 },
        { protocol: 'udp', port: 500 },
      ],
      software: 'test',
      primary: { address: '198.51.100.1', port: 3478 },
    });
    assert.deepEqual(running.endpoints.map((e) => `${e.protocol}/${e.endpoint.port}`), ['udp/51820', 'udp/500']);
    assert.deepEqual(running.skipped, [{ protocol: 'udp', port: 3478 }]);
    const inbox = new Inbox(await client.bind({ family: 4, port: 40000 }), clock);
    for (const port of [51820, 500]) {
      const to = { address: '198.51.100.1', port };
      await inbox.socket.send(binding().bytes, to);
      const reply = await clock.run(inbox.next(1000));
      assert.ok(reply, `answer on ${port}`);
      assert.deepEqual(reply.from, to);
      const r = mapped(reply.data);
      assert.deepEqual({ address: r.address, port: r.port }, { address: '203.0.113.9', port: 40000 });
    }
    await inbox.socket.send(binding([{ type: Attr.ChangeRequest, value: encodeChangeRequest({ changeIp: false, changePort: true }) }]).bytes, { address: '198.51.100.1', port: 500 });
    const refused = await clock.run(inbox.next(1000));
    const m = decodeMessage(refused!.data);
    assert.ok(m.ok && m.value.cls === 'error');
    await inbox.socket.send(new TextEncoder().encode('not stun'), { address: '198.51.100.1', port: 500 });
    assert.equal(await clock.run(inbox.next(1000)), undefined, 'garbage is dropped silently');
    assert.equal(running.counters.answered, 3);
    assert.equal(running.counters.dropped, 1);
    running.close();
  });

  it('fails cleanly (closing what it opened) when a port is taken', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock);
    const server = net.addHost({ addresses: ['198.51.100.1'] });
    await server.bind({ family: 4, address: '198.51.100.1', port: 500 });
    await assert.rejects(
      startExtraPorts({
        udp: server,
        address: '198.51.100.1',
        ports: [
          { protocol: 'udp', port: 4500 },
          { protocol: 'udp', port: 500 },
        ],
        software: 'test',
        primary: { address: '198.51.100.1', port: 3478 },
      }),
      /EADDRINUSE/,
    );
    // 4500 was released again.
    await server.bind({ family: 4, address: '198.51.100.1', port: 4500 });
  });
});
