// Per-source token bucket: a flood from one (spoofed) source is cut to the configured rate,
// other sources are still served, and the table of sources stays bounded. A global cap on top:
// spoofed requests from many sources (each a different victim) each get their own burst, so
// only a cap across all sources bounds what the reflector sends in total.
import assert from 'node:assert/strict';
import { startReflector } from '../../src/engine/server/reflector';
import { DEFAULT_BURST, DEFAULT_GLOBAL_RATE_PER_SECOND, SourceRateLimiter, sourceKey } from '../../src/engine/server/sourceRateLimit';
import { Method, encodeMessage, newTransactionId } from '../../src/engine/stun';
import { Inbox, VirtualClock, VirtualNetwork } from '../support/vnet';

const binding = (): Uint8Array => encodeMessage({ cls: 'request', method: Method.Binding, transactionId: newTransactionId(), attributes: [] });

describe('security: per-source rate limit', () => {
  it('a bucket gives a burst, then the rate; sources are independent', () => {
    let t = 0;
    const limiter = new SourceRateLimiter({ ratePerSecond: 10, burst: 5 }, () => t);
    const taken = (n: number, a: string): number => Array.from({ length: n }, () => limiter.take(a)).filter(Boolean).length;
    assert.equal(taken(100, '192.0.2.1'), 5);
    assert.equal(taken(1, '192.0.2.2'), 1, 'another source has its own bucket');
    t += 1000;
    assert.equal(taken(100, '192.0.2.1'), 5, 'a second refills up to the burst, not beyond');
    t += 300;
    assert.equal(taken(100, '192.0.2.1'), 3);
    assert.equal(limiter.refused, 95 + 95 + 97);
  });

  it('the table of sources is bounded: 200,000 spoofed sources keep at most maxSources buckets', () => {
    const limiter = new SourceRateLimiter({ ratePerSecond: 1, burst: 1, maxSources: 1000 }, () => 0);
    for (let i = 0; i < 200_000; i++) limiter.take(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    assert.equal(limiter.size, 1000);
  });

  it('IPv6 sources share a bucket per /64, so rotating addresses inside one LAN does not help', () => {
    assert.equal(sourceKey('2001:db8:1:2:aaaa::1'), sourceKey('2001:db8:1:2::ffff'));
    assert.notEqual(sourceKey('2001:db8:1:2::1'), sourceKey('2001:db8:1:3::1'));
    assert.equal(sourceKey('::ffff:192.0.2.1'), '192.0.2.1');
  });

  it('20,000 spoofed requests in 1.2 s get at most burst + rate x 1.2 s answers at the victim; a second source is still served', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 9 });
    const server = net.addHost({ addresses: ['198.51.100.1'] });
    const victim = net.addHost({ addresses: ['203.0.113.5'] });
    const other = net.addHost({ addresses: ['203.0.113.77'] });
    const reflector = await startReflector({
      factory: server,
      primary: { address: '198.51.100.1', port: 3478 },
      software: 'natprobe',
      clock,
    });
    const hit = new Inbox(await victim.bind({ family: 4, port: 40000 }), clock);
    const bystander = new Inbox(await other.bind({ family: 4, port: 40001 }), clock);
    for (let i = 0; i < 20_000; i++) {
      net.inject({ address: '203.0.113.5', port: 40000 }, { address: '198.51.100.1', port: 3478 }, binding());
      if (i % 1000 === 999) await clock.advance(60);
    }
    await bystander.socket.send(binding(), { address: '198.51.100.1', port: 3478 });
    await clock.advance(100);
    // Defaults: 20 a second, bursts of 100 — a diagnosis sends a few dozen in its first second.
    assert.ok(hit.received.length <= 100 + Math.ceil(20 * 1.3), `victim got ${hit.received.length} answers`);
    assert.ok(hit.received.length >= 100, 'the burst itself is answered');
    assert.equal(reflector.counters.rateLimited, 20_000 - hit.received.length);
    assert.equal(bystander.received.length, 1, 'a second source is still served during the flood');
    reflector.close();
  });

  it('a global cap bounds answers across all sources; a source refused by it keeps its token for later', () => {
    let t = 0;
    const limiter = new SourceRateLimiter({ ratePerSecond: 10, burst: 5, globalPerSecond: 100 }, () => t);
    let answered = 0;
    // 1,000 sources, 5 requests each: 5,000 answers without the cap; 100 (one second's worth) with it.
    for (let i = 0; i < 1000; i++) for (let k = 0; k < 5; k++) if (limiter.take(`10.0.${i >> 8}.${i & 255}`)) answered++;
    assert.equal(answered, 100);
    assert.equal(limiter.refusedGlobal, 4900);
    assert.equal(limiter.refused, 0, 'no source used up its own bucket');
    t += 500;
    assert.equal(Array.from({ length: 100 }, () => limiter.take('10.0.3.200')).filter(Boolean).length, 5, 'half a second refills 50 global tokens; the source still has its whole burst');
    assert.equal(limiter.refused, 95);
  });

  it('10,000 spoofed sources (each a victim) flooding for 1.2 s: the default global cap bounds the answers; a second source is still served after', async () => {
    const clock = new VirtualClock();
    const net = new VirtualNetwork(clock, { seed: 11 });
    const server = net.addHost({ addresses: ['198.51.100.1'] });
    const other = net.addHost({ addresses: ['203.0.113.77'] });
    const reflector = await startReflector({ factory: server, primary: { address: '198.51.100.1', port: 3478 }, software: 'natprobe', clock });
    const bystander = new Inbox(await other.bind({ family: 4, port: 40001 }), clock);
    const SOURCES = 10_000;
    const PER_SOURCE = 6;
    // Forged sources: 10.x.y.z, none of them the sender. Per source, well inside its own burst.
    for (let round = 0; round < PER_SOURCE; round++) {
      for (let i = 0; i < SOURCES; i++) net.inject({ address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 5000 }, { address: '198.51.100.1', port: 3478 }, binding());
      await clock.advance(200);
    }
    const seconds = 1.2;
    // Without the cap every request is answered: 60,000 (each source is under the per-source burst).
    assert.ok(PER_SOURCE <= DEFAULT_BURST);
    const bound = DEFAULT_GLOBAL_RATE_PER_SECOND * (1 + seconds);
    assert.ok(reflector.counters.answered <= bound, `${reflector.counters.answered} answers, bound ${bound}`);
    assert.ok(reflector.counters.answered >= DEFAULT_GLOBAL_RATE_PER_SECOND, 'the cap is a cap, not a stop');
    assert.equal(reflector.counters.globalLimited, SOURCES * PER_SOURCE - reflector.counters.answered);
    assert.equal(reflector.counters.rateLimited, 0, 'no source was over its own limit');
    await clock.advance(1000);
    await bystander.socket.send(binding(), { address: '198.51.100.1', port: 3478 });
    await clock.advance(100);
    assert.equal(bystander.received.length, 1, 'once the flood stops, a source is served again within a second');
    reflector.close();
  });
});
