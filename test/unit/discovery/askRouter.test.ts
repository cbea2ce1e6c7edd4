// Asking the router on every diagnosis (issue 13): the CGNAT and double-NAT answers from the
// router's own view of its WAN side, weighed against the address the servers see. The router
// is the tests' own responder (test/support/routerResponder.ts) on the virtual network.
import assert from 'node:assert/strict';
import { diagnose, type DiagnoseOptions } from '../../../src/engine/discovery/discover';
import { startReflector } from '../../../src/engine/server/reflector';
import type { Report } from '../../../src/report/report';
import { natPmpAnswer, ssdpAnswer, startRouterUdp, upnpHttpTable } from '../../support/routerResponder';
import { VirtualClock, VirtualNetwork, natModels, type VirtualHost } from '../../support/vnet';

const PRIMARY = { address: '198.51.100.1', port: 3478 };
const ALTERNATE = { address: '198.51.100.2', port: 3479 };
const GW = '192.168.1.1';
const CLIENT = '192.168.1.2';
const PUBLIC = '203.0.113.5';
const HTTP_PORT = 5000;

interface RouterWorld {
  clock: VirtualClock;
  net: VirtualNetwork;
  nat: ReturnType<VirtualNetwork['addNat']>;
  gw: VirtualHost;
  asked?: { natPmp: number; pcp: number; ssdp: number; other: number };
  httpCalls: number;
  run(overrides?: Partial<DiagnoseOptions>): Promise<Report>;
}

/**
 * A client behind a home NAT whose public address is PUBLIC, an RFC 5780 server on the
 * internet, and the gateway at GW answering with `external` (null: "no public address";
 * 'silent': nothing listens).
 */
async function routerWorld(external: string | null | 'silent', options: { rfc5780?: boolean } = {}): Promise<RouterWorld> {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 7 });
  const server = net.addHost({ addresses: [PRIMARY.address, ALTERNATE.address] });
  await startReflector({ factory: server, primary: PRIMARY, alternate: options.rfc5780 === false ? undefined : ALTERNATE, software: 't', clock });
  const nat = net.addNat(natModels.portRestrictedCone(PUBLIC));
  const gw = net.addHost({ addresses: [GW], behind: nat, name: 'gateway' });
  const client = net.addHost({ addresses: [CLIENT], behind: nat, name: 'client' });
  const answer = { external: external === 'silent' ? null : external, gateway: GW, httpPort: HTTP_PORT };
  const router = external === 'silent' ? undefined : await startRouterUdp(gw, answer);
  const http = upnpHttpTable(answer, clock);
  const world: RouterWorld = {
    clock,
    net,
    nat,
    gw,
    asked: router?.asked,
    get httpCalls() {
      return http.calls.length;
    },
    run: (overrides = {}) =>
      clock.run(
        diagnose({
          servers: [{ host: PRIMARY.address, port: PRIMARY.port }],
          factory: client,
          clock,
          resolve: async (host) => [{ address: host, family: 4 }],
          interfaces: () => [{ name: 'eth0', address: CLIENT, family: 4, internal: false }],
          budgetMs: 3000,
          version: 'test',
          now: () => new Date(0),
          // What the CLI passes by default; the gateway is given (no /proc/net/route in a unit test).
          portMapping: { gateway: GW, localAddress: CLIENT, httpGet: external === 'silent' ? async () => Promise.reject(new Error('ECONNREFUSED')) : http.requester },
          ...overrides,
        }),
      ),
  };
  return world;
}

describe('asking the router on every diagnosis (virtual network, a NAT-PMP/UPnP responder of our own)', () => {
  it('the router reports the address the servers see: CGNAT "no", double NAT "no", and the path learns its WAN address', async () => {
    const w = await routerWorld(PUBLIC);
    const report = await w.run();
    assert.equal(report.natType.value, 'port-restricted-cone');
    assert.equal(report.cgnat.value, 'no', report.cgnat.reason);
    // Said once, naming both protocols that told it.
    assert.equal(report.cgnat.reason, "your router's own external address 203.0.113.5 (upnp and nat-pmp) is the public address the servers see: no NAT above it");
    assert.equal(report.doubleNat?.value, 'no');
    assert.deepEqual(report.portMapping?.externalAddresses, [
      { protocol: 'upnp', address: PUBLIC },
      { protocol: 'nat-pmp', address: PUBLIC },
    ]);
    assert.equal(report.portMapping?.noPublicAddress, false);
    assert.ok(!report.recommendations.some((r) => r.id === 'cgnat' || r.id === 'double-nat'));
    // Read-only: one external-address question per protocol and try, the description and one SOAP action.
    assert.ok(w.asked && w.asked.natPmp >= 1 && w.asked.ssdp >= 1 && w.asked.other === 0, JSON.stringify(w.asked));
    assert.equal(w.httpCalls, 2);
    const roles = (report.contacted ?? []).filter((c) => c.address === GW).map((c) => c.role);
    assert.ok(roles.length > 0 && roles.every((r) => r === 'gateway'), JSON.stringify(report.contacted));
  });

  it('the router reports a different public address: a second NAT beyond it, with both addresses named', async () => {
    const w = await routerWorld('198.51.100.77');
    const report = await w.run();
    assert.equal(report.doubleNat?.value, 'yes');
    assert.match(report.doubleNat?.reason ?? '', /198\.51\.100\.77 differs from the servers' view 203\.0\.113\.5/);
    // A public WAN address does not show whose the outer NAT is: not a guessed "carrier".
    assert.equal(report.cgnat.value, 'unknown');
    assert.match(report.cgnat.reason, /whether that outer NAT is the carrier's is not shown/);
    const rec = report.recommendations.find((r) => r.id === 'double-nat');
    assert.ok(rec, JSON.stringify(report.recommendations.map((r) => r.id)));
    assert.match(rec.text, /^A second NAT beyond your router: .*198\.51\.100\.77.*forward the port on the outer NAT too if it is yours/);
  });

  it('the router’s WAN address is in 100.64.0.0/10: CGNAT "yes", in the carrier’s words, RFC 6598 cited', async () => {
    const w = await routerWorld('100.64.0.2');
    const report = await w.run();
    assert.equal(report.cgnat.value, 'yes');
    assert.equal(report.doubleNat?.value, 'yes');
    assert.match(report.cgnat.reason, /external address 100\.64\.0\.2 is in 100\.64\.0\.0\/10/);
    assert.ok(report.cgnat.evidence.some((e) => /carrier-grade NAT/.test(e.observation)), JSON.stringify(report.cgnat.evidence));
    const rec = report.recommendations.find((r) => r.id === 'cgnat');
    assert.equal(rec?.rfc, 'RFC 6598');
    assert.match(rec?.text ?? '', /^Carrier-grade NAT: .*100\.64\.0\.2/);
  });

  it('the router reports no public address: a NAT above it, said as seen (no RFC 6598 claim)', async () => {
    const w = await routerWorld(null);
    const report = await w.run();
    assert.equal(report.cgnat.value, 'yes');
    assert.equal(report.portMapping?.noPublicAddress, true);
    const rec = report.recommendations.find((r) => r.id === 'cgnat');
    assert.ok(rec);
    assert.equal(rec.rfc, undefined);
    assert.doesNotMatch(rec.text, /6598|address space/);
    assert.match(rec.text, /reports no public address of its own.*a second router of your own would look the same/);
  });

  it('a silent router: CGNAT "unknown" because the router could not tell, and no extra wall time', async () => {
    const silent = await routerWorld('silent');
    const asked = await silent.run();
    const notAsked = await (await routerWorld('silent')).run({ portMapping: undefined });
    assert.equal(asked.cgnat.value, 'unknown');
    assert.match(asked.cgnat.reason, /the router did not tell its own external address/);
    assert.match(asked.doubleNat?.reason ?? '', /the router \(192\.168\.1\.1\) answered none of NAT-PMP, PCP and UPnP IGD/);
    assert.equal(asked.doubleNat?.value, 'unknown');
    assert.match(notAsked.cgnat.reason, /the router was not asked/);
    assert.equal(notAsked.portMapping, undefined);
    assert.equal(notAsked.doubleNat, undefined);
    // Same virtual network, same seed: the only difference is the router probe.
    assert.equal(asked.durationMs, notAsked.durationMs, `asked ${asked.durationMs} ms, not asked ${notAsked.durationMs} ms`);
    assert.deepEqual([asked.mapping.value, asked.filtering.value], [notAsked.mapping.value, notAsked.filtering.value]);
  });

  it('a silent router next to a fast diagnosis (no RFC 5780 server): at most 200 ms of silence is waited for', async () => {
    const asked = await (await routerWorld('silent', { rfc5780: false })).run();
    const notAsked = await (await routerWorld('silent', { rfc5780: false })).run({ portMapping: undefined });
    assert.ok(notAsked.durationMs < 200, `${notAsked.durationMs}`);
    assert.ok(asked.durationMs <= 200 + 1, `asked ${asked.durationMs} ms, not asked ${notAsked.durationMs} ms`);
    assert.ok(asked.portMapping?.evidence.some((e) => /no answer in 1 try over 200 ms/.test(e.observation)), JSON.stringify(asked.portMapping?.evidence));
  });

  it('a neighbour answering NAT-PMP and SSDP with our public address for a silent gateway is ignored: no "no"', async () => {
    // Attack: a device on the LAN races the silent gateway with "my external address is yours".
    const w = await routerWorld('silent');
    const neighbour = w.net.addHost({ addresses: ['192.168.1.50'], behind: w.nat, name: 'neighbour' });
    const pmp = await neighbour.bind({ family: 4, port: 5351 });
    const ssdp = await neighbour.bind({ family: 4, port: 1900 });
    const lie = natPmpAnswer(PUBLIC);
    const lieSsdp = ssdpAnswer('192.168.1.50', HTTP_PORT);
    let lies = 0;
    w.net.onPacket((e) => {
      if (e.kind !== 'send' || e.from.address !== CLIENT || e.to.address !== GW) return;
      const answer = e.to.port === 5351 ? lie(e.data) : e.to.port === 1900 ? lieSsdp(e.data) : undefined;
      if (!answer) return;
      lies++;
      (e.to.port === 5351 ? pmp : ssdp).send(answer, e.from).catch(() => undefined);
    });
    const report = await w.run();
    assert.ok(lies > 0);
    assert.equal(report.cgnat.value, 'unknown', report.cgnat.reason);
    assert.deepEqual(report.portMapping?.externalAddresses, []);
    assert.ok(report.portMapping?.evidence.some((e) => /ignored \d+ datagram\(s\) from other sources/.test(e.observation)), JSON.stringify(report.portMapping?.evidence));
    assert.ok(!(report.contacted ?? []).some((c) => c.address === '192.168.1.50'), 'nothing is sent to the neighbour');
  });

  it('a gateway that floods NAT-PMP garbage and SSDP noise: bounded evidence, "unknown", within the budget', async () => {
    // Attack: the gateway answers every request with 5000 malformed datagrams on each port.
    const w = await routerWorld('silent');
    const pmp = await w.gw.bind({ family: 4, port: 5351 });
    const ssdp = await w.gw.bind({ family: 4, port: 1900 });
    pmp.onMessage((_d, from) => {
      for (let i = 0; i < 5000; i++) pmp.send(Uint8Array.of(0xff, 0xff, 0xff, 0xff), from).catch(() => undefined);
    });
    ssdp.onMessage((_d, from) => {
      for (let i = 0; i < 5000; i++) ssdp.send(new TextEncoder().encode('HTTP/1.1 500 No\r\n\r\n'), from).catch(() => undefined);
    });
    const report = await w.run();
    const pm = report.portMapping;
    assert.ok(pm);
    assert.deepEqual([pm.natPmp, pm.pcp, pm.upnp], ['unknown', 'unknown', 'unknown'], JSON.stringify(pm.reasons));
    assert.ok(pm.evidence.length <= 16, `${pm.evidence.length} evidence lines`);
    assert.ok(pm.evidence.some((e) => /ignored \d+ more (datagram|answer)\(s\) from the gateway/.test(e.observation)), JSON.stringify(pm.evidence));
    assert.equal(report.cgnat.value, 'unknown');
    assert.ok(report.durationMs <= 3000, `${report.durationMs}`);
  });
});
