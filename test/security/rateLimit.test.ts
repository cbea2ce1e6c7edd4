// Per-source token bucket: a flood from one (spoofed) source is cut to the configured rate,
// other sources are still served, and the table of sources stays bounded.
import assert from 'node:assert/strict';
import { startReflector } from '../../src/engine/server/reflector';
import { SourceRateLimiter, sourceKey } from '../../src/engine/server/sourceRateLimit';
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
});
