import assert from 'node:assert/strict';
import { TransactionTable, type RunOptions } from '../../../src/engine/client/transactions';
import { VirtualClock } from '../../support/vnet';

const TO = { address: '198.51.100.1', port: 3478 };

function idOf(n: number): Uint8Array {
  return Uint8Array.from({ length: 12 }, (_, i) => (i === 11 ? n : 0));
}

function setup(change: Partial<RunOptions> = {}) {
  const clock = new VirtualClock();
  const table = new TransactionTable<string, string>(clock);
  const sent: Uint8Array[] = [];
  let next = 0;
  const options: RunOptions = {
    to: TO,
    giveUpAt: () => 1000,
    interval: () => 100,
    maxAttempts: () => 50,
    nextId: () => idOf(++next),
    isOpen: () => true,
    send: (id) => {
      sent.push(id);
      return Promise.resolve();
    },
    ...change,
  };
  return { clock, table, sent, options };
}

describe('TransactionTable: the STUN requests in flight', () => {
  it('retransmits on the interval until the deadline, then times out', async () => {
    const { clock, table, sent, options } = setup();
    const done = table.run(options, 'meta');
    await clock.advance(1000);
    const r = await done;
    assert.equal(r.ok, false);
    assert.equal(sent.length, 10, 'at 0, 100, ..., 900 ms');
    assert.deepEqual(r.ok ? undefined : [r.reason, r.attempts, r.elapsedMs], ['timeout', 10, 1000]);
    assert.equal(table.size, 0);
  });

  it('stops at maxAttempts, asked anew before each datagram', async () => {
    let limit = 5;
    const { clock, table, sent, options } = setup({ maxAttempts: () => limit });
    const done = table.run(options, 'meta');
    await clock.advance(250);
    limit = 2; // tightened meanwhile (an announced address not yet confirmed)
    await clock.advance(1000);
    const r = await done;
    assert.equal(sent.length, 3);
    assert.equal(r.ok ? 0 : r.reason, 'timeout');
  });

  it('finds the transaction by any attempt ID, with that attempt’s send time, and settles it once', async () => {
    const { clock, table, sent, options } = setup();
    const done = table.run(options, 'meta');
    await clock.advance(250);
    const first = table.lookup(sent[0]);
    assert.equal(first.kind, 'live');
    if (first.kind !== 'live') return;
    assert.equal(first.sentAt, 0);
    assert.equal(first.transaction.meta, 'meta');
    const third = table.lookup(sent[2]);
    assert.equal(third.kind === 'live' ? third.sentAt : -1, 200);
    first.transaction.settle('answer');
    first.transaction.settle('second answer');
    const r = await done;
    assert.deepEqual(r.ok ? [r.answer, r.attempts] : r, ['answer', 3]);
    assert.equal(table.lookup(sent[1]).kind, 'finished', 'late duplicates are recognised');
    assert.equal(table.lookup(idOf(99)).kind, 'unknown');
    await clock.advance(1000);
    assert.equal(sent.length, 3, 'no retransmission after the end');
  });

  it('keeps one ID when asked to (RFC 8489 §6.2.1), the send time being the latest attempt', async () => {
    const { clock, table, sent, options } = setup({ nextId: () => idOf(7) });
    const done = table.run(options, 'm');
    await clock.advance(250);
    const found = table.lookup(idOf(7));
    assert.equal(found.kind === 'live' ? found.sentAt : -1, 200);
    assert.equal(sent.length, 3);
    if (found.kind === 'live') found.transaction.settle('x');
    assert.equal((await done).ok, true);
  });

  it('ends at once when aborted, and does not start when already aborted', async () => {
    const { clock, table, options } = setup();
    const ac = new AbortController();
    const done = table.run({ ...options, signal: ac.signal }, 'm');
    await clock.advance(150);
    ac.abort();
    const r = await done;
    assert.deepEqual(r.ok ? r : [r.reason, r.detail, r.attempts], ['aborted', 'cancelled', 2]);
    const pre = await table.run({ ...options, signal: ac.signal }, 'm');
    assert.deepEqual(pre.ok ? pre : [pre.reason, pre.attempts], ['aborted', 0]);
    assert.equal(table.size, 0);
  });

  it('says send-failed with the errno code when the stack refuses, and when the socket is closed', async () => {
    const refusing = setup({
      send: () => Promise.reject(Object.assign(new Error('send EHOSTUNREACH 198.51.100.1:3478'), { code: 'EHOSTUNREACH' })),
    });
    const r = await refusing.table.run(refusing.options, 'm');
    assert.deepEqual(r.ok ? r : [r.reason, r.detail], ['send-failed', 'sending to 198.51.100.1:3478 failed: EHOSTUNREACH']);
    const closed = setup({ isOpen: () => false });
    const c = await closed.table.run(closed.options, 'm');
    assert.deepEqual(c.ok ? c : [c.reason, c.detail, c.attempts], ['send-failed', 'socket closed', 0]);
    assert.equal(closed.sent.length, 0);
  });
});
