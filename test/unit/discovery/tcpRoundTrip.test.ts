import assert from 'node:assert/strict';
import { measureTcpRoundTrip } from '../../../src/engine/discovery/tcpRoundTrip';
import { type FakeTcpBehaviour, fakeTcp } from '../../support/fakeTcp';
import { VirtualClock } from '../../support/vnet';

/**
 * The TCP round trip to a server (handshake, then one Binding over TCP, RFC 5389 §7.2.2): what
 * each kind of answer gives, when the RTT is handed out, and that nothing waits past its bound.
 */
const TO = { address: '198.51.100.1', port: 3478 };

async function measure(behaviour: FakeTcpBehaviour, opts: { timeoutMs?: number; stopAfterMs?: number } = {}) {
  const clock = new VirtualClock();
  const tcp = fakeTcp(clock, { '198.51.100.1:3478': behaviour }, 30);
  const stop = new AbortController();
  if (opts.stopAfterMs !== undefined) clock.setTimeout(() => stop.abort(), opts.stopAfterMs);
  const rtts: { at: number; ms: number }[] = [];
  const started = clock.now();
  const result = await clock.run(
    measureTcpRoundTrip({ connector: tcp, to: TO, clock, timeoutMs: opts.timeoutMs ?? 1000, signal: stop.signal, onRtt: (ms) => rtts.push({ at: clock.now() - started, ms }) }),
  );
  return { result, rtts, elapsed: clock.now() - started, open: tcp.openStreams() };
}

describe('TCP round trip to a STUN server', () => {
  it('STUN over TCP: the handshake RTT at once, then the STUN round trip; the stream is closed', async () => {
    const { result, rtts, open } = await measure('stun');
    assert.equal(result.outcome, 'stun');
    assert.equal(result.handshakeMs, 30);
    assert.equal(result.stunMs, 30);
    assert.deepEqual(rtts, [{ at: 30, ms: 30 }, { at: 60, ms: 30 }]);
    assert.equal(open, 0);
  });

  it('RST: "refused", the RTT handed out (the host is there), no stream', async () => {
    const { result, rtts } = await measure('refused');
    assert.equal(result.outcome, 'refused');
    assert.equal(result.handshakeMs, 30);
    assert.deepEqual(rtts, [{ at: 30, ms: 30 }]);
    assert.match(result.detail, /refused the connection in 30 ms/);
  });

  for (const behaviour of ['silent', 'unreachable'] as const) {
    it(`${behaviour}: no RTT at all (no evidence the host is there)`, async () => {
      const { result, rtts } = await measure(behaviour, { timeoutMs: 500 });
      assert.equal(result.outcome, behaviour);
      assert.equal(result.handshakeMs, undefined);
      assert.deepEqual(rtts, []);
    });
  }

  it('silent: ends at its timeout, or at once when the UDP tests end first', async () => {
    assert.equal((await measure('silent', { timeoutMs: 500 })).elapsed, 500);
    const stopped = await measure('silent', { timeoutMs: 5000, stopAfterMs: 120 });
    assert.equal(stopped.elapsed, 120);
    assert.equal(stopped.result.outcome, 'silent');
  });

  for (const behaviour of ['slowloris', 'dribble'] as const) {
    it(`attack: a server that accepts and then ${behaviour === 'slowloris' ? 'says nothing' : 'dribbles bytes'}: the RTT is out after the handshake, the wait ends at the bound, the stream is closed`, async () => {
      const { result, rtts, elapsed, open } = await measure(behaviour, { timeoutMs: 5000, stopAfterMs: 400 });
      assert.deepEqual(rtts, [{ at: 30, ms: 30 }]);
      assert.equal(result.outcome, 'accepted');
      assert.match(result.detail, /no STUN answer over it/);
      assert.equal(elapsed, 400);
      assert.equal(open, 0);
    });
  }

  it('attack: a server that floods answers to other transactions is cut off after 16 messages, not read forever', async () => {
    const { result, elapsed, open } = await measure('chatty', { timeoutMs: 5000 });
    assert.equal(result.outcome, 'accepted');
    assert.match(result.detail, /16 messages and none answered ours/);
    assert.equal(elapsed, 60);
    assert.equal(open, 0);
  });
});
