import assert from 'node:assert/strict';
import { methodFromCapability, responsePortVerdict, sameSocketVerdict } from '../../../src/engine/probes/lifetime/checks';
import { idleGrid, streamStarts } from '../../../src/engine/probes/lifetime/idleSearch';
import { Cancelled, Pacer } from '../../../src/engine/probes/lifetime/pacing';
import { notMeasurableBySameSocket, nothingToExpire } from '../../../src/engine/probes/lifetime/result';
import { VirtualClock } from '../../support/vnet';

const PROBE = { address: '203.0.113.5', port: 40001 };

describe('lifetime checks: what one look at an idle mapping says', () => {
  describe('RESPONSE-PORT (RFC 5780 §7.5): Y asks the server to answer at the probe\'s public port', () => {
    const answer = (receiver: 'probe' | 'requester' | 'other', extra: { success?: boolean; seen?: { address: string; port: number } } = {}) =>
      ({ kind: 'answer', receiver, receiverName: receiver === 'other' ? 'scout3' : receiver, success: extra.success ?? true, seen: extra.seen, age: 12.3 }) as const;

    it('the answer reached the probe through its mapping: alive, dated when it arrived', () => {
      assert.deepEqual(responsePortVerdict(PROBE, answer('probe'), 12), { kind: 'alive', age: 12.3, detail: 'answer arrived' });
    });

    it('an error answer that reached the probe is no verdict (the server did not do what was asked)', () => {
      assert.equal(responsePortVerdict(PROBE, answer('probe', { success: false }), 12).kind, 'unknown');
    });

    it('the answer reached another of our sockets: the public port was reused, so the mapping is dead, dated when the request arrived', () => {
      const v = responsePortVerdict(PROBE, answer('other'), 12);
      assert.deepEqual(v, { kind: 'dead', age: 12, detail: 'its public port now reaches another socket (scout3)' });
    });

    it('the answer came back to Y and shows Y on the probe\'s very public port: given to a new mapping, dead', () => {
      const v = responsePortVerdict(PROBE, answer('requester', { seen: { address: '203.0.113.5', port: 40001 } }), 12);
      assert.deepEqual(v, { kind: 'dead', age: 12, detail: 'its public port was given to a new mapping' });
    });

    it('the answer came back to Y on another port: the server ignores RESPONSE-PORT, no verdict', () => {
      const v = responsePortVerdict(PROBE, answer('requester', { seen: { address: '203.0.113.5', port: 40002 } }), 12);
      assert.deepEqual(v, { kind: 'unknown', detail: 'the server answered to the requesting socket: RESPONSE-PORT ignored' });
    });

    it('silence while Y\'s own request is answered on the probe\'s public IP: dead', () => {
      const v = responsePortVerdict(PROBE, { kind: 'silence', control: { address: '203.0.113.5', port: 40009 }, attempts: 3, waitedMs: 412.4 }, 20);
      assert.deepEqual(v, { kind: 'dead', age: 20, detail: 'no answer in 3 tries over 412 ms' });
    });

    it('silence while the control is unanswered too: the server or the path is down, no verdict', () => {
      const v = responsePortVerdict(PROBE, { kind: 'silence', control: undefined, attempts: 3, waitedMs: 400 }, 20);
      assert.deepEqual(v, { kind: 'unknown', detail: 'the server did not answer the control request either' });
    });

    it('silence while Y left the probe\'s public IP (a NAT with a pool of addresses): no verdict, and which addresses', () => {
      const v = responsePortVerdict(PROBE, { kind: 'silence', control: { address: '203.0.113.6', port: 1 }, attempts: 3, waitedMs: 400 }, 20);
      assert.deepEqual(v, { kind: 'unknown', detail: 'the control socket is on 203.0.113.6, the probe on 203.0.113.5' });
    });
  });

  describe('same-socket fallback: the probe asks again itself', () => {
    it('the same public address and port: alive', () => {
      assert.deepEqual(sameSocketVerdict(PROBE, { ...PROBE }, 8), { kind: 'alive', age: 8, detail: 'same public port 40001' });
    });

    it('the same IPv4 address seen as IPv4-mapped IPv6 (a dual-stack socket) is the same address', () => {
      assert.equal(sameSocketVerdict(PROBE, { address: '::ffff:203.0.113.5', port: 40001 }, 8).kind, 'alive');
    });

    it('another public port: the mapping expired and was re-created, dead', () => {
      const v = sameSocketVerdict(PROBE, { address: '203.0.113.5', port: 50000 }, 8);
      assert.deepEqual(v, { kind: 'dead', age: 8, detail: 'public port changed 203.0.113.5:40001 → 203.0.113.5:50000' });
    });
  });

  describe('which method: a RESPONSE-PORT check of a fresh mapping', () => {
    it('alive: RESPONSE-PORT works', () => {
      assert.deepEqual(methodFromCapability({ kind: 'alive', age: 0.1, detail: 'answer arrived' }), { mode: 'response-port' });
    });

    it('no verdict: the fallback, with the reason', () => {
      assert.deepEqual(methodFromCapability({ kind: 'unknown', detail: 'x' }), { mode: 'same-socket', why: 'RESPONSE-PORT does not work with this server (x)' });
    });

    it('"dead" for a mapping a moment old means the server drops RESPONSE-PORT: the fallback, and it says so', () => {
      const m = methodFromCapability({ kind: 'dead', age: 0.1, detail: 'no answer in 3 tries over 400 ms' });
      assert.equal(m.mode, 'same-socket');
      assert.match(m.mode === 'same-socket' ? m.why : '', /no answer in 3 tries over 400 ms\): the server ignores or drops RESPONSE-PORT$/);
    });
  });

  describe('results when there is nothing to measure', () => {
    it('no mapping to expire: names the port that was reached and why', () => {
      const own = nothingToExpire(40123, '203.0.113.9', true);
      assert.deepEqual([own.value, own.idleSeconds, own.refreshedByInbound, own.absoluteSeconds], [null, null, 'unknown', null]);
      assert.equal(own.notApplicable, true, 'no mapping exists: the question does not arise');
      assert.equal(nothingToExpire(40123, '203.0.113.9', false).notApplicable, true);
      assert.match(own.reason, /^no mapping to expire: a packet to port 40123, which this host never sent from, reached it \(203\.0\.113\.9 is this host's own address/);
      assert.match(nothingToExpire(40123, '203.0.113.9', false).reason, /\(no NAT, or a router forwarding every port to this host\)$/);
    });

    it('the fallback on a port-preserving NAT cannot tell survival from re-creation, and says what server to use', () => {
      const r = notMeasurableBySameSocket('WHY', '203.0.113.5', false);
      assert.equal(r.value, null);
      // A mapping (or a firewall's pinhole) may exist here; it could not be measured: unknown, not n/a.
      assert.equal(r.notApplicable, undefined);
      assert.match(r.reason, /^not measurable: WHY, .*the NAT keeps the local port as the public port.*honours RESPONSE-PORT/);
      assert.match(notMeasurableBySameSocket('WHY', '203.0.113.9', true).reason, /203\.0\.113\.9 is this host's own address \(no NAT\)/);
    });
  });

  describe('the idle search\'s timetable', () => {
    it('stream sockets start 1.6 s apart, then 40 % of their age apart, up to the widest grid step + 2 s', () => {
      assert.deepEqual(streamStarts(idleGrid(15)), [1.6, 3.2]);
      const starts = streamStarts(idleGrid(120));
      const widest = Math.max(...idleGrid(120).map((g, i, a) => (i === 0 ? g : g - a[i - 1])));
      assert.ok(starts[starts.length - 1] <= widest + 2);
      for (let i = 1; i < starts.length; i++) {
        const gap = starts[i] - starts[i - 1];
        assert.ok(Math.abs(gap - Math.max(1.6, 0.4 * starts[i - 1])) < 1e-9, `${starts[i - 1]} → ${starts[i]}`);
      }
    });
  });

  describe('Pacer: waits end on time, on wake(), or on the run\'s end', () => {
    it('a nap ends at its time, or at once on wake()', async () => {
      const clock = new VirtualClock();
      const pacer = new Pacer(clock);
      const ended: string[] = [];
      const long = pacer.nap(10_000).then(() => ended.push(`long at ${clock.now()}`));
      const short = pacer.nap(1_000).then(() => ended.push(`short at ${clock.now()}`));
      await clock.advance(1_000);
      await short;
      pacer.wake();
      await long;
      assert.deepEqual(ended, ['short at 1000', 'long at 1000']);
      pacer.finish();
    });

    it('the caller\'s cancel rejects pending waits with Cancelled, and later naps at once', async () => {
      const clock = new VirtualClock();
      const outer = new AbortController();
      const pacer = new Pacer(clock, outer.signal);
      const nap = pacer.nap(5_000);
      const sleep = pacer.sleepUntil(5_000);
      outer.abort();
      await assert.rejects(nap, Cancelled);
      await assert.rejects(sleep, Cancelled);
      await assert.rejects(pacer.nap(1), Cancelled);
      assert.equal(await pacer.quiet(pacer.sleepUntil(1)), undefined);
      assert.ok(pacer.cancelled(new Error('any')), 'after the cancel every error counts as cancellation');
    });

    it('finish() ends the run: a later cancel from the caller changes nothing and a real fault is not swallowed before it', async () => {
      const clock = new VirtualClock();
      const outer = new AbortController();
      const pacer = new Pacer(clock, outer.signal);
      assert.equal(pacer.cancelled(new Error('fault')), false);
      await assert.rejects(pacer.quiet(Promise.reject(new Error('fault'))), /fault/);
      pacer.finish();
      assert.ok(pacer.signal.aborted);
      assert.ok(pacer.signal.reason instanceof Cancelled);
      outer.abort();
      assert.equal((pacer.signal.reason as Error).message, 'done');
    });
  });
});
