import assert from 'node:assert/strict';
import { DEFAULT_BUDGET_MS } from '../../../src/engine/defaults';
import type { Endpoint } from '../../../src/engine/net/udp';
import type { Behaviour, Report } from '../../../src/report/report';
import type { NatModel } from '../../support/vnet';
import { DEAD, LIAR_ORIGIN, LIAR_THIRD_PARTY, PLAIN, SLOW, SLOW_ALT, VICTIM, defaultsLikeMix, goodOnly, handMadeServer, name } from './defaultsWorld';

/**
 * The default server list on the virtual network (defaultsWorld.ts): public servers without
 * RFC 5780 next to ones that announce RFC 5780, some down, slow, or lying. The filtering verdict
 * must come from the one that passes the RFC 5780 checks, within the budget, and the report must
 * name it.
 */

const server = (report: Report, e: Endpoint) => report.servers.find((s) => s.host === e.address && s.port === e.port)!;

describe('default servers: plain ones, RFC 5780 ones, and some down, slow or lying', () => {
  const cases: [NatModel['filtering'], Behaviour, string][] = [
    ['endpoint-independent', 'endpoint-independent', 'full-cone'],
    ['address-dependent', 'address-dependent', 'restricted-cone'],
    ['address-and-port-dependent', 'address-and-port-dependent', 'port-restricted-cone'],
  ];
  for (const [nat, filtering, natType] of cases) {
    it(`${nat} filtering: the verdict comes from the one server that passes the RFC 5780 checks (300 ms away, last in the list), within the budget, and the report names it`, async () => {
      const { report } = await defaultsLikeMix({ filtering: nat });
      assert.equal(report.filtering.value, filtering, report.filtering.reason);
      assert.equal(report.filtering.server, name(SLOW));
      assert.equal(report.natType.value, natType);
      assert.ok(report.durationMs <= DEFAULT_BUDGET_MS, `${report.durationMs} ms`);
      assert.equal(server(report, SLOW).rfc5780, 'yes');
      for (const p of PLAIN) assert.equal(server(report, p).rfc5780, 'no');
    });
  }

  it('the servers that are down or lying cost no time: the run takes as long as with the good server alone (within 10 %)', async () => {
    for (const goodRttMs of [20, 300]) {
      for (const [nat] of cases) {
        const mix = (await defaultsLikeMix({ filtering: nat, goodRttMs })).report;
        const alone = await goodOnly(nat, goodRttMs);
        assert.equal(mix.filtering.value, alone.filtering.value);
        assert.ok(mix.durationMs <= alone.durationMs * 1.1, `${nat}, good server ${goodRttMs} ms away: ${mix.durationMs} ms with them, ${alone.durationMs} ms without`);
      }
    }
  });

  it('once a trusted server shows an open filter, the tests still waiting on the others stop: they are named as such, not as failures', async () => {
    const { report } = await defaultsLikeMix({ filtering: 'endpoint-independent', goodRttMs: 20 });
    assert.equal(report.filtering.value, 'endpoint-independent');
    assert.ok(report.durationMs <= 60, `${report.durationMs} ms: the dead server's silence window (about 350 ms) was waited for`);
    assert.equal(server(report, DEAD).rfc5780, 'unknown');
    assert.match(server(report, DEAD).error ?? '', /the verdict was complete without it/);
    assert.equal(report.udp, 'yes');
  });

  it('each bad server is named with what was wrong with it', async () => {
    const { report } = await defaultsLikeMix({ filtering: 'address-and-port-dependent' });
    assert.equal(server(report, DEAD).rttMs, null);
    assert.equal(server(report, LIAR_THIRD_PARTY).rfc5780 === 'yes', false);
    assert.match(server(report, LIAR_THIRD_PARTY).error ?? '', /does not answer/);
    assert.equal(server(report, LIAR_ORIGIN).rfc5780, 'no');
    assert.match(server(report, LIAR_ORIGIN).error ?? '', /RESPONSE-ORIGIN/);
  });

  // Attack: a server names a third party as its OTHER-ADDRESS, to make every client of the
  // default list send to that party. The third party gets at most the bounded datagrams an
  // unconfirmed address gets (2 per test, 3 tests), listed as an unconfirmed announced alternate.
  it('a third party named as OTHER-ADDRESS gets at most 2 datagrams per test, each listed; nothing undeclared is contacted', async () => {
    const { report, sentTo } = await defaultsLikeMix({ filtering: 'address-and-port-dependent' });
    const toVictim = [...sentTo].filter(([to]) => to.startsWith(`${VICTIM.address}:`));
    assert.ok(toVictim.length > 0, 'the announced alternate was tried');
    for (const [to, n] of toVictim) assert.ok(n <= 2, `${to} got ${n} datagrams`);
    const contacted = report.contacted ?? [];
    assert.ok(!contacted.some((c) => c.role === 'undeclared'), JSON.stringify(contacted));
    for (const [to, n] of sentTo) {
      const c = contacted.find((x) => name(x) === to);
      assert.ok(c, `${to} was sent ${n} datagrams but is not in report.contacted`);
      assert.equal(c.packets, n, to);
    }
    for (const c of contacted.filter((x) => x.address === VICTIM.address)) {
      assert.equal(c.role, 'announced alternate');
      assert.equal(c.confirmed, false);
      assert.equal(c.announcedBy, name(LIAR_THIRD_PARTY));
    }
  });

  // Attack: a server that claims the good server's alternate as its own OTHER-ADDRESS passes the
  // alternate checks (that address really answers, from where we sent), then stays silent to
  // CHANGE-REQUEST so the NAT looks like it filters everything. Its silence is not proof; the
  // good server's changed-source reply that got through is.
  it('a server that borrows another server’s alternate and stays silent to CHANGE-REQUEST cannot make an open NAT look filtered', async () => {
    const HIJACKER = { address: '198.51.100.70', port: SLOW.port };
    for (const [nat, filtering] of cases) {
      const { report } = await defaultsLikeMix({
        filtering: nat,
        extra: async (net) => {
          const h = net.addHost({ addresses: [HIJACKER.address] });
          await handMadeServer(h, [HIJACKER, { address: HIJACKER.address, port: SLOW_ALT.port }], { other: SLOW_ALT });
          return [HIJACKER];
        },
      });
      assert.equal(report.filtering.value, filtering, `${nat}: ${report.filtering.reason}`);
      if (filtering !== 'address-and-port-dependent') assert.equal(report.filtering.server, name(SLOW), nat);
    }
  });

  it('when every RFC 5780 server is down or lying, filtering is unknown with a short reason, and the hint to run natprobe serve is given once', async () => {
    const { report } = await defaultsLikeMix({ filtering: 'address-and-port-dependent', slowGood: false });
    assert.equal(report.filtering.value, 'unknown');
    assert.equal(report.filtering.server, undefined);
    assert.match(report.filtering.reason, /RFC 5780/);
    assert.ok(report.filtering.reason.length <= 160, report.filtering.reason);
    assert.equal(report.mapping.value, 'endpoint-independent', 'the plain servers still give the mapping');
    assert.equal(report.recommendations.filter((r) => r.id === 'filtering-needs-rfc5780-server').length, 1);
    assert.ok(report.durationMs <= DEFAULT_BUDGET_MS, `${report.durationMs} ms`);
  });
});
