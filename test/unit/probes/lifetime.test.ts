import assert from 'node:assert/strict';
import { idleGrid, measureMappingLifetime, type MeasureLifetimeOptions } from '../../../src/engine/probes/mappingLifetime';
import type { MappingLifetime } from '../../../src/report/report';
import type { NatModel } from '../../support/vnet';
import { PRIMARY, makeProbeWorld, type ProbeWorld } from './lifetimeWorld';

interface Run {
  result: MappingLifetime;
  wallS: number;
  progress: { lowSeconds: number; highSeconds: number | null; elapsedMs: number }[];
}

async function measure(w: ProbeWorld, extra: Partial<MeasureLifetimeOptions> = {}): Promise<Run> {
  const t0 = w.clock.now();
  const progress: Run['progress'] = [];
  const result = await w.clock.run(
    measureMappingLifetime({ factory: w.client, clock: w.clock, server: PRIMARY, family: 4, onProgress: (p) => progress.push(p), ...extra }),
    { maxMs: 30 * 60 * 1000 },
  );
  return { result, wallS: (w.clock.now() - t0) / 1000, progress };
}

function tolerance(trueS: number): number {
  return Math.max(2, 0.1 * trueS);
}

function assertNear(measured: number | null, trueS: number, r: MappingLifetime): void {
  assert.notEqual(measured, null, r.reason);
  assert.ok(Math.abs((measured as number) - trueS) <= tolerance(trueS), `measured ${measured} s, true ${trueS} s: ${r.reason}`);
}

async function natWorld(nat: Partial<NatModel>, opts: { seed?: number; lossRate?: number; delayMs?: number } = {}): Promise<ProbeWorld> {
  return makeProbeWorld({ nat, ...opts });
}

describe('probes: mapping lifetime (RFC 5780 §4.6)', function () {
  this.timeout(60000);

  it('idle grid: 2 s steps to 14 s, then ×1.15, ending exactly at maxSeconds', () => {
    assert.deepEqual(idleGrid(15), [2, 4, 6, 8, 10, 12, 14, 15]);
    const g = idleGrid(120);
    assert.equal(g[g.length - 1], 120);
    for (let i = 1; i < g.length; i++) assert.ok(g[i] / g[i - 1] <= 1.16 || g[i] - g[i - 1] <= 2 + 1e-9, `${g[i - 1]} → ${g[i]}`);
  });

  for (const seconds of [12, 30, 65, 120]) {
    it(`idle timeout ${seconds} s: within ±max(2 s, 10 %), in at most 1.3 × the lifetime`, async () => {
      const w = await natWorld({ bindingTimeoutMs: seconds * 1000 });
      const { result, wallS, progress } = await measure(w);
      assertNear(result.idleSeconds, seconds, result);
      assert.equal(result.value, result.idleSeconds);
      assert.ok(wallS <= 1.3 * seconds, `took ${wallS} s of virtual time for a ${seconds} s lifetime`);
      assert.equal(result.refreshedByInbound, 'no', result.reason);
      assert.equal(result.absoluteSeconds, null, result.reason);
      assert.match(result.reason, /RESPONSE-PORT/);
      // The bracket only ever narrows.
      for (let i = 1; i < progress.length; i++) {
        assert.ok(progress[i].lowSeconds >= progress[i - 1].lowSeconds);
        assert.ok((progress[i].highSeconds ?? Infinity) <= (progress[i - 1].highSeconds ?? Infinity));
      }
      console.log(`      true ${seconds} s → measured ${result.idleSeconds} s in ${wallS.toFixed(1)} s (${(wallS / seconds).toFixed(2)} ×)`);
    });
  }

  it('the same on every filtering behaviour and without port preservation (symmetric NAT)', async () => {
    for (const nat of [
      { filtering: 'endpoint-independent' as const },
      { filtering: 'address-dependent' as const },
      { mapping: 'address-and-port-dependent' as const, portPreservation: false },
    ]) {
      const w = await natWorld({ bindingTimeoutMs: 30_000, ...nat });
      const { result } = await measure(w);
      assertNear(result.idleSeconds, 30, result);
    }
  });

  it('inbound refresh: yes when admitted inbound packets refresh the mapping', async () => {
    const w = await natWorld({ bindingTimeoutMs: 20_000, refreshOnInbound: true });
    const { result, wallS } = await measure(w);
    assert.equal(result.refreshedByInbound, 'yes', result.reason);
    assertNear(result.idleSeconds, 20, result);
    assert.ok(wallS <= 1.3 * 20, `${wallS}`);
  });

  it('inbound refresh: no when only outbound packets refresh (RFC 4787 REQ-6 minimum)', async () => {
    const w = await natWorld({ bindingTimeoutMs: 20_000, refreshOnInbound: false });
    const { result } = await measure(w);
    assert.equal(result.refreshedByInbound, 'no', result.reason);
  });

  it('absolute timeout shorter than the idle one: absoluteSeconds ≈ 50, idle unknown (null)', async () => {
    const w = await natWorld({ bindingTimeoutMs: 120_000, absoluteTimeoutMs: 50_000 });
    const { result, wallS } = await measure(w);
    assertNear(result.absoluteSeconds, 50, result);
    assert.equal(result.idleSeconds, null, result.reason);
    assert.equal(result.value, null);
    assert.equal(result.refreshedByInbound, 'unknown');
    assert.match(result.reason, /absolute timeout/);
    assert.ok(wallS <= 1.3 * 50, `${wallS}`);
  });

  it('absolute timeout longer than the idle one: seen when asked to watch up to maxSeconds', async () => {
    const w = await natWorld({ bindingTimeoutMs: 20_000, absoluteTimeoutMs: 50_000 });
    const { result, wallS } = await measure(w, { maxSeconds: 70, absoluteUpToMax: true });
    assertNear(result.idleSeconds, 20, result);
    assertNear(result.absoluteSeconds, 50, result);
    assert.ok(wallS < 60, `stops once seen: ${wallS}`);
  });

  it('absolute timeout longer than the idle one: by default not watched for, and the reason says so', async () => {
    const w = await natWorld({ bindingTimeoutMs: 20_000, absoluteTimeoutMs: 50_000 });
    const { result, wallS } = await measure(w);
    assertNear(result.idleSeconds, 20, result);
    assert.equal(result.absoluteSeconds, null);
    assert.match(result.reason, /no absolute timeout seen within \d+(\.\d)? s \(watched only while/);
    assert.ok(wallS <= 1.3 * 20);
  });

  it('no absolute timeout within maxSeconds: "none seen within N s"', async () => {
    const w = await natWorld({ bindingTimeoutMs: 20_000 });
    const { result, wallS } = await measure(w, { maxSeconds: 40, absoluteUpToMax: true });
    assert.equal(result.absoluteSeconds, null);
    assert.match(result.reason, /no absolute timeout seen within 4\d(\.\d)? s\)?/);
    assert.ok(wallS >= 40 && wallS < 45, `${wallS}`);
  });

  it('mapping outlives maxSeconds: value null, "no mapping expired within N s"', async () => {
    const w = await natWorld({ bindingTimeoutMs: 300_000 });
    const { result, wallS } = await measure(w, { maxSeconds: 30 });
    assert.equal(result.value, null);
    assert.equal(result.idleSeconds, null);
    assert.match(result.reason, /no mapping expired within 30 s idle/);
    assert.ok(wallS < 33, `${wallS}`);
  });

  it('no NAT, no firewall: value null, "no mapping to expire", decided in about a second', async () => {
    const w = await makeProbeWorld({ publicClient: '203.0.113.9' });
    const { result, wallS } = await measure(w);
    assert.equal(result.value, null);
    assert.match(result.reason, /no mapping to expire/);
    assert.match(result.reason, /own address: no NAT/);
    // Not "could not tell": there is nothing to measure (report.ts, notApplicable).
    assert.equal(result.notApplicable, true);
    assert.ok(wallS < 2, `${wallS}`);
  });

  it('no NAT but a stateful firewall: its pinhole timeout is measured like a mapping', async () => {
    const w = await natWorld({ mapping: 'none', publicAddresses: [], bindingTimeoutMs: 30_000 });
    const { result } = await measure(w);
    assertNear(result.idleSeconds, 30, result);
  });

  it('server without RESPONSE-PORT, NAT without port preservation: the same-socket fallback measures it and says how', async () => {
    const w = await makeProbeWorld({ server: 'plain', nat: { bindingTimeoutMs: 30_000, portPreservation: false } });
    const { result, wallS } = await measure(w);
    assertNear(result.idleSeconds, 30, result);
    assert.match(result.reason, /fallback/);
    assert.match(result.reason, /RESPONSE-PORT ignored/);
    assert.match(result.reason, /changed port proves expiry/);
    assert.equal(result.refreshedByInbound, 'unknown');
    assert.ok(wallS <= 1.3 * 30, `${wallS}`);
  });

  it('server without RESPONSE-PORT, port-preserving NAT: null, and the reason says why it cannot tell', async () => {
    const w = await makeProbeWorld({ server: 'plain', nat: { bindingTimeoutMs: 30_000 } });
    const { result, wallS } = await measure(w);
    assert.equal(result.value, null);
    assert.match(result.reason, /not measurable/);
    assert.match(result.reason, /keeps the local port/);
    assert.ok(wallS < 3, `${wallS}`);
  });

  it('rfc5780: false skips the RESPONSE-PORT test and uses the fallback', async () => {
    const w = await natWorld({ bindingTimeoutMs: 30_000, portPreservation: false });
    const { result } = await measure(w, { rfc5780: false });
    assertNear(result.idleSeconds, 30, result);
    assert.match(result.reason, /caller said/);
  });

  it('stream mode (flows made two-way and older than 2 s) measures the same NAT the same', async () => {
    const w = await natWorld({ bindingTimeoutMs: 30_000 });
    const { result, wallS } = await measure(w, { stream: true });
    assertNear(result.idleSeconds, 30, result);
    assert.match(result.reason, /two-way/);
    assert.ok(wallS <= 1.3 * 30 + 2.5, `${wallS}`);
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`10 % loss each way on the uplink (seed ${seed}): still within tolerance`, async () => {
      const w = await natWorld({ bindingTimeoutMs: 30_000, refreshOnInbound: seed % 2 === 0 }, { seed, lossRate: 0.1 });
      const { result, wallS } = await measure(w);
      assertNear(result.idleSeconds, 30, result);
      assert.equal(result.refreshedByInbound, seed % 2 === 0 ? 'yes' : 'no', result.reason);
      assert.ok(wallS <= 1.3 * 30 + 5, `${wallS}`);
    });
  }

  it('server that never answers: null with the reason, within seconds', async () => {
    const w = await natWorld({ bindingTimeoutMs: 30_000 });
    const { result, wallS } = await measure(w, { server: { address: '198.51.100.77', port: 3478 } });
    assert.equal(result.value, null);
    assert.match(result.reason, /did not answer/);
    assert.ok(wallS < 10, `${wallS}`);
  });

  it('abort: resolves promptly with reason "cancelled"', async () => {
    const w = await natWorld({ bindingTimeoutMs: 60_000 });
    const ac = new AbortController();
    w.clock.setTimeout(() => ac.abort(), 15_000);
    const { result, wallS } = await measure(w, { signal: ac.signal });
    assert.deepEqual(result, { value: null, idleSeconds: null, refreshedByInbound: 'unknown', absoluteSeconds: null, reason: 'cancelled' });
    assert.ok(wallS < 15.5, `${wallS}`);
    // Nothing of ours keeps running: only the reflector's and the network's in-flight timers may remain.
    await w.clock.advance(5000);
    assert.equal(w.clock.pendingTimers(), 0);
  });

  it('an already aborted signal returns at once', async () => {
    const w = await natWorld({});
    const ac = new AbortController();
    ac.abort();
    const { result, wallS } = await measure(w, { signal: ac.signal });
    assert.equal(result.reason, 'cancelled');
    assert.equal(wallS, 0);
  });
});
