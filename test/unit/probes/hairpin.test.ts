import assert from 'node:assert/strict';
import { probeHairpin, type HairpinOptions } from '../../../src/engine/probes/hairpin';
import type { FilteringBehaviour } from '../../support/vnet';
import { PRIMARY, makeProbeWorld, type ProbeWorld } from './lifetimeWorld';

/** The NAT's public address, as a second witness would confirm it. */
const NAT_PUBLIC = { address: '203.0.113.5', basis: 'the test world says so' };

async function run(w: ProbeWorld, extra: Partial<HairpinOptions> = {}) {
  const t0 = w.clock.now();
  const result = await w.clock.run(probeHairpin({ factory: w.client, clock: w.clock, server: PRIMARY, family: 4, agreed: NAT_PUBLIC, ...extra }));
  return { result, wallMs: w.clock.now() - t0 };
}

describe('probes: hairpinning (RFC 4787 REQ-9)', () => {
  const filterings: FilteringBehaviour[] = ['endpoint-independent', 'address-dependent', 'address-and-port-dependent'];
  for (const filtering of filterings) {
    for (const hairpin of [true, false]) {
      it(`EIM + ${filtering} filtering, hairpin ${hairpin ? 'on' : 'off'} → ${hairpin ? 'yes' : 'no'} (filtering is not mistaken for it)`, async () => {
        const w = await makeProbeWorld({ nat: { mapping: 'endpoint-independent', filtering, hairpin } });
        const { result, wallMs } = await run(w);
        assert.equal(result.value, hairpin ? 'yes' : 'no', result.reason);
        if (hairpin) assert.match(result.reason, /REQ-9/);
        assert.ok(wallMs < 3000, `${wallMs}`);
      });
    }
  }

  it('the mapping behaviour given by the caller replaces the OTHER-ADDRESS test', async () => {
    const w = await makeProbeWorld({ nat: { hairpin: false }, server: 'plain' });
    const { result } = await run(w, { mapping: 'endpoint-independent' });
    assert.equal(result.value, 'no', result.reason);
    assert.match(result.reason, /per the diagnosis/);
  });

  it('no OTHER-ADDRESS and no hint: silence is "unknown", an arrival still "yes"', async () => {
    const off = await run(await makeProbeWorld({ nat: { hairpin: false }, server: 'plain' }));
    assert.equal(off.result.value, 'unknown', off.result.reason);
    assert.match(off.result.reason, /mapping behaviour is unknown/);
    const on = await run(await makeProbeWorld({ nat: { hairpin: true }, server: 'plain' }));
    assert.equal(on.result.value, 'yes', on.result.reason);
  });

  it('symmetric NAT (APDM + APDF): silence proves nothing → unknown, hairpin on or off', async () => {
    for (const hairpin of [true, false]) {
      const w = await makeProbeWorld({ nat: { mapping: 'address-and-port-dependent', filtering: 'address-and-port-dependent', portPreservation: false, hairpin } });
      const { result } = await run(w);
      assert.equal(result.value, 'unknown', result.reason);
      assert.match(result.reason, /maps each destination separately/);
    }
  });

  it('APDM + endpoint-independent filtering: measurable both ways', async () => {
    for (const hairpin of [true, false]) {
      const w = await makeProbeWorld({ nat: { mapping: 'address-and-port-dependent', filtering: 'endpoint-independent', hairpin } });
      const { result } = await run(w, { filtering: 'endpoint-independent' });
      assert.equal(result.value, hairpin ? 'yes' : 'no', result.reason);
    }
  });

  it('no NAT: unknown ("not applicable"), and no packet goes to our own address', async () => {
    const w = await makeProbeWorld({ publicClient: '203.0.113.9' });
    let toSelf = 0;
    w.net.onPacket((e) => {
      if (e.kind === 'send' && e.from.address === '203.0.113.9' && e.to.address === '203.0.113.9') toSelf++;
    });
    const { result } = await run(w);
    assert.equal(result.value, 'unknown');
    assert.equal(result.notApplicable, true);
    assert.equal(toSelf, 0);
  });

  it('under 20 % loss a hairpinning NAT is still seen (several rounds)', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const w = await makeProbeWorld({ nat: { hairpin: true }, seed, lossRate: 0.2 });
      const { result } = await run(w);
      assert.equal(result.value, 'yes', `seed ${seed}: ${result.reason}`);
    }
  });

  it('server silent: unknown with the reason; abort: "cancelled"', async () => {
    const w = await makeProbeWorld({ nat: { hairpin: true } });
    const { result } = await run(w, { server: { address: '198.51.100.77', port: 3478 } });
    assert.equal(result.value, 'unknown');
    assert.match(result.reason, /server did not help/);
    const ac = new AbortController();
    w.clock.setTimeout(() => ac.abort(), 100);
    const r2 = await run(w, { server: { address: '198.51.100.77', port: 3478 }, signal: ac.signal });
    assert.deepEqual(r2.result, { value: 'unknown', reason: 'cancelled' });
  });
});
