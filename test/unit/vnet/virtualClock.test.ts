import assert from 'node:assert/strict';
import { sleep } from '../../../src/engine/clock';
import type { Endpoint, UdpSocket } from '../../../src/engine/net/udp';
import {
  DeadlockError,
  Inbox,
  VirtualClock,
  VirtualNetwork,
  VirtualTimeLimitError,
  natModels,
  startReflector,
  text,
} from '../../support/vnet';

describe('vnet: VirtualClock', () => {
  it('starts at 0 and only moves when advanced', async () => {
    const clock = new VirtualClock();
    assert.equal(clock.now(), 0);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(clock.now(), 0);
    await clock.advance(1500);
    assert.equal(clock.now(), 1500);
    await clock.advanceTo(1000);
    assert.equal(clock.now(), 1500, 'never goes back');
  });

  it('fires timers by due time, then in insertion order', async () => {
    const clock = new VirtualClock();
    const order: string[] = [];
    clock.setTimeout(() => order.push('c@30'), 30);
    clock.setTimeout(() => order.push('a@10'), 10);
    clock.setTimeout(() => order.push('b@10'), 10);
    clock.setTimeout(() => order.push('z@0'), 0);
    clock.setTimeout(() => order.push('neg→0'), -5);
    await clock.advance(100);
    assert.deepEqual(order, ['z@0', 'neg→0', 'a@10', 'b@10', 'c@30']);
  });

  it('fires a timer exactly at its due time, not before', async () => {
    const clock = new VirtualClock();
    const at: number[] = [];
    clock.setTimeout(() => at.push(clock.now()), 250);
    await clock.advance(249);
    assert.deepEqual(at, []);
    await clock.advance(1);
    assert.deepEqual(at, [250]);
  });

  it('clearTimeout cancels; clearing twice or a foreign handle is harmless', async () => {
    const clock = new VirtualClock();
    let fired = false;
    const handle = clock.setTimeout(() => (fired = true), 10);
    assert.equal(clock.pendingTimers(), 1);
    clock.clearTimeout(handle);
    clock.clearTimeout(handle);
    clock.clearTimeout({});
    new VirtualClock().clearTimeout(handle);
    assert.equal(clock.pendingTimers(), 0);
    await clock.advance(100);
    assert.equal(fired, false);
    assert.equal(clock.nextTimerAt(), undefined);
  });

  it('lets promise continuations run between timers, so awaiting code keeps up', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    void (async () => {
      await sleep(clock, 10);
      log.push(`a@${clock.now()}`);
      await Promise.resolve();
      await sleep(clock, 10); // scheduled from a continuation of the first timer
      log.push(`b@${clock.now()}`);
    })();
    await clock.advance(20);
    assert.deepEqual(log, ['a@10', 'b@20']);
  });

  it('timers scheduled at 0 ms while firing still fire within the same advance', async () => {
    const clock = new VirtualClock();
    const log: number[] = [];
    clock.setTimeout(() => clock.setTimeout(() => log.push(clock.now()), 0), 5);
    await clock.advance(5);
    assert.deepEqual(log, [5]);
  });

  it('run() jumps from timer to timer and returns the result', async () => {
    const clock = new VirtualClock();
    const value = await clock.run(
      (async () => {
        await sleep(clock, 5000);
        await sleep(clock, 250);
        return 42;
      })(),
    );
    assert.equal(value, 42);
    assert.equal(clock.now(), 5250);
  });

  it('run() rethrows the rejection', async () => {
    const clock = new VirtualClock();
    const failing = (async () => {
      await sleep(clock, 10);
      throw new Error('boom');
    })();
    await assert.rejects(clock.run(failing), /boom/);
    assert.equal(clock.now(), 10);
  });

  it('run() detects a deadlock: pending promise and no timers', async () => {
    const clock = new VirtualClock();
    await assert.rejects(clock.run(new Promise<void>(() => undefined)), (e: unknown) => {
      assert.ok(e instanceof DeadlockError);
      assert.match(e.message, /deadlock: promise pending with no timers/);
      return true;
    });
  });

  it('run() detects a deadlock that appears after some timers', async () => {
    const clock = new VirtualClock();
    const stuck = (async () => {
      await sleep(clock, 30);
      await new Promise<void>(() => undefined);
    })();
    await assert.rejects(clock.run(stuck), DeadlockError);
    assert.equal(clock.now(), 30);
  });

  it('run() respects maxMs', async () => {
    const clock = new VirtualClock();
    await assert.rejects(clock.run(sleep(clock, 60_000), { maxMs: 1000 }), VirtualTimeLimitError);
    assert.equal(clock.now(), 1000);
    const clock2 = new VirtualClock();
    assert.equal(await clock2.run(sleep(clock2, 1000).then(() => 'just in time'), { maxMs: 1000 }), 'just in time');
  });

  it('run() gives up after 10 virtual minutes by default (a retry loop that never ends)', async () => {
    const clock = new VirtualClock();
    const forever = (async () => {
      for (;;) await sleep(clock, 1000);
    })();
    const started = performance.now();
    await assert.rejects(clock.run(forever), /maxMs=600000/);
    assert.equal(clock.now(), 600_000);
    assert.ok(performance.now() - started < 2000);
  });

  it('refuses overlapping advance()/run()', async () => {
    const clock = new VirtualClock();
    const running = clock.run(sleep(clock, 10));
    await assert.rejects(clock.advance(5), /in progress/);
    await running;
  });

  it('a timer callback that throws surfaces from advance()', async () => {
    const clock = new VirtualClock();
    clock.setTimeout(() => {
      throw new Error('callback failed');
    }, 1);
    await assert.rejects(clock.advance(10), /callback failed/);
  });
});

describe('vnet: engine-style code runs unchanged on the virtual network', () => {
  /** Sends, waits `rtoMs` on the clock, retransmits with doubling, like a STUN client. */
  async function request(socket: UdpSocket, inbox: Inbox, to: Endpoint, rtoMs: number, tries: number): Promise<number> {
    for (let i = 0, rto = rtoMs; i < tries; i++, rto *= 2) {
      await socket.send(text('req'), to);
      const reply = await inbox.next(rto, to);
      if (reply) return i + 1;
    }
    throw new Error('timed out');
  }

  it('a retransmitting client survives a lossy link and times out against a black hole', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 9 });
    const nat = net.addNat(natModels.portRestrictedCone('203.0.113.1'));
    const client = net.addHost({ addresses: ['192.168.1.10'], behind: nat, link: { delayMs: 20, lossRate: 0.25 } });
    const server = net.addHost({ addresses: ['198.51.100.1'], link: { delayMs: 30 } });
    await startReflector(server, clock, { family: 4, port: 3478 });
    const socket = await client.bind({ family: 4 });
    const inbox = new Inbox(socket, clock);

    const attempts: number[] = [];
    for (let i = 0; i < 20; i++) attempts.push(await clock.run(request(socket, inbox, { address: '198.51.100.1', port: 3478 }, 500, 9)));
    assert.ok(attempts.some((n) => n > 1), 'some requests needed a retransmission');

    const before = clock.now();
    await assert.rejects(clock.run(request(socket, inbox, { address: '198.51.100.9', port: 3478 }, 500, 3)), /timed out/);
    assert.equal(clock.now() - before, 500 + 1000 + 2000);
  });
});
