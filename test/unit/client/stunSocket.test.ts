import assert from 'node:assert/strict';
import { StunSocket } from '../../../src/engine/client/stunSocket';
import { Method, decodeMessage, encodeMessage, encodeXorAddress, Attr } from '../../../src/engine/stun';
import { VirtualClock } from '../../support/vnet';
import { FakeSocket } from './fakeSocket';

const SERVER = { address: '198.51.100.1', port: 3478 };
const OTHER = { address: '198.51.100.2', port: 3479 };

function answerTo(request: Uint8Array, cls: 'success' | 'request' = 'success'): Uint8Array {
  const d = decodeMessage(request);
  assert.ok(d.ok);
  const transactionId = d.value.transactionId;
  return encodeMessage({
    cls,
    method: Method.Binding,
    transactionId,
    attributes: [{ type: Attr.XorMappedAddress, value: encodeXorAddress({ address: '203.0.113.5', port: 5000 }, transactionId) }],
  });
}

function setup() {
  const clock = new VirtualClock();
  const udp = new FakeSocket();
  const socket = new StunSocket(udp, clock);
  const exchange = (change: Partial<Parameters<StunSocket['exchange']>[0]> = {}) =>
    socket.exchange({ to: SERVER, giveUpAt: () => 1000, rto: () => 100, ...change });
  return { clock, udp, socket, exchange };
}

describe('StunSocket: one socket speaking STUN', () => {
  it('matches the answer to its attempt and measures the RTT from that attempt', async () => {
    const { clock, udp, exchange } = setup();
    const done = exchange();
    await clock.advance(130);
    assert.equal(udp.sent.length, 2);
    udp.deliver(answerTo(udp.sent[1].data), SERVER);
    const r = await done;
    assert.ok(r.ok);
    assert.equal(r.rttMs, 30, 'the second attempt, sent at 100 ms, answered at 130 ms');
    assert.equal(r.attempts, 2);
    assert.notDeepEqual(udp.sent[0].data.subarray(8, 20), udp.sent[1].data.subarray(8, 20), 'a fresh ID per Binding attempt');
  });

  it('keeps one transaction ID when asked (RFC 8489 §6.2.1)', async () => {
    const { clock, udp, exchange } = setup();
    void exchange({ sameTransaction: true, giveUpAt: () => 250 });
    await clock.advance(300);
    assert.equal(udp.sent.length, 3);
    assert.deepEqual(udp.sent[0].data.subarray(8, 20), udp.sent[2].data.subarray(8, 20));
  });

  it('counts what it ignores: wrong transaction, wrong source, not STUN, requests', async () => {
    const { clock, udp, socket, exchange } = setup();
    const done = exchange();
    await clock.advance(10);
    const stranger = encodeMessage({ cls: 'success', method: Method.Binding, transactionId: new Uint8Array(12), attributes: [] });
    udp.deliver(stranger, SERVER);
    udp.deliver(Uint8Array.of(1, 2, 3), SERVER);
    udp.deliver(answerTo(udp.sent[0].data, 'request'), SERVER);
    udp.deliver(answerTo(udp.sent[0].data), OTHER);
    await clock.advance(1000);
    const r = await done;
    assert.deepEqual(socket.stats, { wrongTransaction: 1, unexpectedSource: 1, malformed: 2 });
    assert.ok(!r.ok);
    assert.deepEqual(r.wrongSource, [OTHER]);
    assert.equal(r.unusable, 3, 'three packets from the server itself could not be used');
  });

  it('accepts a held-back reply once expectFrom learns its source is fine (recheck)', async () => {
    const { clock, udp, socket, exchange } = setup();
    let allowed = false;
    const done = exchange({ expectFrom: (from) => from.address === SERVER.address || (allowed && from.address === OTHER.address) });
    await clock.advance(10);
    udp.deliver(answerTo(udp.sent[0].data), OTHER);
    assert.equal(socket.stats.unexpectedSource, 1);
    allowed = true;
    socket.recheck();
    const r = await done;
    assert.ok(r.ok);
    assert.deepEqual(r.from, OTHER);
    assert.equal(socket.stats.unexpectedSource, 0, 'no longer counted as unexpected');
  });

  it('obeys a maxAttempts function asked before each datagram', async () => {
    const { clock, udp, exchange } = setup();
    let limit = 10;
    const done = exchange({ maxAttempts: () => limit });
    await clock.advance(150);
    limit = 2;
    await clock.advance(1000);
    const r = await done;
    assert.equal(udp.sent.length, 2);
    assert.equal(r.ok ? '' : r.reason, 'timeout');
  });

  it('fails with send-failed once closed', async () => {
    const { socket, exchange } = setup();
    socket.close();
    const r = await exchange();
    assert.deepEqual(r.ok ? r : [r.reason, r.detail], ['send-failed', 'socket closed']);
  });
});
