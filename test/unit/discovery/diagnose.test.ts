import assert from 'node:assert/strict';
import type { Behaviour, Report } from '../../../src/report/report';
import { startReflector } from '../../../src/engine/server/reflector';
import { endpointKey } from '../../../src/engine/net/udp';
import { fakeTcp } from '../../support/fakeTcp';
import { PRIMARY, makeWorld } from './world';

type Dependent = Exclude<Behaviour, 'none' | 'unknown'>;
const BEHAVIOURS: Dependent[] = ['endpoint-independent', 'address-dependent', 'address-and-port-dependent'];

function expectedNatType(mapping: Dependent, filtering: Dependent): string {
  if (mapping !== 'endpoint-independent') return 'symmetric';
  return { 'endpoint-independent': 'full-cone', 'address-dependent': 'restricted-cone', 'address-and-port-dependent': 'port-restricted-cone' }[filtering];
}

describe('diagnosis on the virtual network (RFC 5780 server, NAT models)', () => {
  for (const mapping of BEHAVIOURS) {
    for (const filtering of BEHAVIOURS) {
      it(`${mapping} mapping × ${filtering} filtering is classified as such (${expectedNatType(mapping, filtering)})`, async () => {
        const world = await makeWorld({ nat: { mapping, filtering } });
        const report = await world.run();
        assert.equal(report.udp, 'yes');
        assert.equal(report.mapping.value, mapping, report.mapping.reason);
        assert.equal(report.filtering.value, filtering, report.filtering.reason);
        assert.equal(report.natType.value, expectedNatType(mapping, filtering));
        assert.equal(report.servers[0].rfc5780, 'yes', report.servers[0].error);
        assert.equal(report.servers[0].otherAddress, '198.51.100.2:3479');
        assert.deepEqual(
          report.publicEndpoints.map((p) => p.address),
          ['203.0.113.5'],
        );
      });
    }
  }

  it('no NAT and no firewall: mapping none, open-internet, CGNAT no', async () => {
    const report = await (await makeWorld({ publicClient: '203.0.113.9' })).run();
    assert.equal(report.mapping.value, 'none');
    assert.equal(report.filtering.value, 'endpoint-independent');
    assert.equal(report.natType.value, 'open-internet');
    assert.equal(report.cgnat.value, 'no');
    assert.equal(report.portPreservation.value, 'unknown');
  });

  it('no NAT behind a filtering firewall: symmetric-udp-firewall', async () => {
    const world = await makeWorld({ nat: { mapping: 'none', filtering: 'address-and-port-dependent', publicAddresses: [] } });
    const report = await world.run();
    assert.equal(report.mapping.value, 'none');
    assert.equal(report.filtering.value, 'address-and-port-dependent');
    assert.equal(report.natType.value, 'symmetric-udp-firewall');
  });

  it('UDP blocked (the server answers over TCP): udp "no", natType udp-blocked, within the TCP-sized window', async () => {
    const world = await makeWorld({ nat: { blockUdp: true } });
    const report = await world.run({ budgetMs: 2000, tcp: fakeTcp(world.clock, { [endpointKey(PRIMARY)]: 'stun' }) });
    assert.equal(report.udp, 'no');
    assert.equal(report.natType.value, 'udp-blocked');
    assert.match(report.udpReason, /no UDP answer from 198\.51\.100\.1:3478 in \d+ ms, while its host answers over TCP/);
    assert.ok(report.durationMs <= 600, `took ${report.durationMs} ms of virtual time`);
    assert.equal(report.mapping.value, 'unknown');
    assert.equal(report.filtering.value, 'unknown');
  });

  it('a NAT that does not preserve ports is reported as such', async () => {
    const report = await (await makeWorld({ nat: { portPreservation: false } })).run();
    assert.equal(report.portPreservation.value, 'no');
  });

  it('a NAT that preserves ports is reported as such', async () => {
    const report = await (await makeWorld({ nat: { portPreservation: true } })).run();
    assert.equal(report.portPreservation.value, 'yes');
  });

  it('a single-address server: mapping unknown (one address), filtering unknown with the reason, no crash', async () => {
    const report = await (await makeWorld({ rfc5780: false })).run();
    assert.equal(report.udp, 'yes');
    assert.equal(report.servers[0].rfc5780, 'no');
    assert.equal(report.filtering.value, 'unknown');
    assert.match(report.filtering.reason, /CHANGE-REQUEST/);
    assert.equal(report.natType.value, 'unknown');
  });

  // An announced alternate the server alone vouches for gets two datagrams per test until it
  // has answered (ARCHITECTURE, invariants), so under 20 % loss each way both can be lost now
  // and then (about 0.36² per test): the run then says 'unknown' with that reason. What loss
  // must never do is give a wrong verdict.
  it('with 20 % loss and 20 ms of delay each way on the uplink: never a wrong verdict, the right one in at least 90 % of runs (3 NATs × 50 seeds)', async () => {
    const nats = [
      { mapping: 'endpoint-independent', filtering: 'address-dependent', natType: 'restricted-cone' },
      { mapping: 'endpoint-independent', filtering: 'address-and-port-dependent', natType: 'port-restricted-cone' },
      { mapping: 'address-and-port-dependent', filtering: 'address-and-port-dependent', natType: 'symmetric' },
    ] as const;
    let rightRuns = 0;
    for (const nat of nats) {
      for (let seed = 1; seed <= 50; seed++) {
        const world = await makeWorld({ seed, nat: { mapping: nat.mapping, filtering: nat.filtering }, uplink: { delayMs: 20, lossRate: 0.2 } });
        const report = await world.run();
        const right = report.mapping.value === nat.mapping && report.filtering.value === nat.filtering && report.natType.value === nat.natType;
        if (right) {
          rightRuns++;
          continue;
        }
        for (const v of [report.mapping, report.filtering]) assert.ok(v.value === 'unknown' || right, `seed ${seed}: a wrong verdict ${v.value}: ${v.reason}`);
        assert.equal(report.natType.value, 'unknown', `seed ${seed}`);
        // The reason names what was lost, not a guess.
        assert.match(report.servers[0].error ?? '', /198\.51\.100\.2:\d+ does not answer/, `seed ${seed}: ${report.servers[0].error}`);
      }
    }
    assert.ok(rightRuns >= 135, `right in ${rightRuns} of 150 runs`);
  });

  it('cancellation gives a report that says so, not a hang', async () => {
    const world = await makeWorld({ nat: { blockUdp: true } });
    const controller = new AbortController();
    world.clock.setTimeout(() => controller.abort(new Error('stop')), 100);
    const report = await world.run({ signal: controller.signal, budgetMs: 60000 });
    assert.equal(report.udp, 'unknown');
    assert.match(report.udpReason, /cancelled/);
    assert.ok(report.durationMs < 1000);
  });

  it('with lifetime on: the NAT\'s 30 s idle timeout is measured and the keepalive advice follows it', async () => {
    const world = await makeWorld({ nat: { bindingTimeoutMs: 30000 } });
    const report = await world.run({ lifetime: { maxSeconds: 60 } });
    const value = report.mappingLifetime?.value;
    assert.ok(value !== null && value !== undefined && Math.abs(value - 30) <= 3, JSON.stringify(report.mappingLifetime));
    const advice = report.recommendations.find((r) => r.id === 'wireguard-keepalive')?.text ?? '';
    assert.match(advice, new RegExp(`PersistentKeepalive = ${Math.min(25, Math.floor(value!) - 5)}\\b`));
  });

  it('hairpinning is only tested when asked, and then reported', async () => {
    const quiet = await (await makeWorld({ nat: { hairpin: true } })).run();
    assert.equal(quiet.hairpinning, undefined, 'no hairpin packets by default');
    // A second server is the second witness of our public address the probe needs before it sends.
    const twoServers = async (hairpin: boolean) => {
      const w = await makeWorld({ nat: { hairpin } });
      const second = { address: '198.51.100.7', port: 3478 };
      await startReflector({ factory: w.net.addHost({ addresses: [second.address] }), primary: second, software: 'second' });
      return w.run({ hairpin: true, servers: [{ host: PRIMARY.address, port: PRIMARY.port }, { host: second.address, port: second.port }] });
    };
    const on = await twoServers(true);
    assert.equal(on.hairpinning?.value, 'yes', on.hairpinning?.reason);
    const off = await twoServers(false);
    assert.equal(off.hairpinning?.value, 'no', off.hairpinning?.reason);
  });

  it('streams: the quick verdict arrives before the lifetime measurement ends, without the lifetime; the final report has it', async () => {
    const world = await makeWorld({ nat: { bindingTimeoutMs: 30000 } });
    const quick: Array<{ at: number; report: Report }> = [];
    const final = await world.run({ lifetime: { maxSeconds: 60 }, onQuickVerdict: (report) => quick.push({ at: world.clock.now(), report }) });
    assert.equal(quick.length, 1, 'exactly one quick verdict');
    assert.equal(quick[0].report.natType.value, final.natType.value);
    assert.equal(quick[0].report.mappingLifetime, undefined, 'the quick verdict does not wait for the lifetime');
    assert.ok(final.mappingLifetime?.value, JSON.stringify(final.mappingLifetime));
    assert.ok(quick[0].report.durationMs < 5000 && final.durationMs > 25000, `quick after ${quick[0].report.durationMs} ms, final after ${final.durationMs} ms`);
  });

  it('no quick verdict when nothing slower follows: the report itself is the verdict', async () => {
    let calls = 0;
    await (await makeWorld({})).run({ onQuickVerdict: () => calls++ });
    assert.equal(calls, 0);
  });
});
