import assert from 'node:assert/strict';
import { VirtualClock, VirtualNetwork, natModels, type VirtualHost, type PacketEvent } from '../../support/vnet';
import type { Clock } from '../../../src/engine/clock';
import { probePortMapping, type HttpRequest, type HttpRequester, type HttpResponse } from '../../../src/engine/probes/portMapping';

// Shaped like miniupnpd 2.3.1's answers (recorded in the lab), trimmed.
const MINIUPNPD_DESCRIPTION =
  '<?xml version="1.0"?>\r\n<root xmlns="urn:schemas-upnp-org:device-1-0"><device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:2</deviceType>' +
  '<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:2</deviceType><deviceList><device><serviceList>' +
  '<service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:2</serviceType><serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId><SCPDURL>/WANIPCn.xml</SCPDURL><controlURL>/ctl/IPConn</controlURL><eventSubURL>/evt/IPConn</eventSubURL></service>' +
  '</serviceList></device></deviceList></device></deviceList></device></root>';
const MINIUPNPD_SOAP_EMPTY =
  '<?xml version="1.0"?>\r\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body><u:GetExternalIPAddressResponse xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:1"><NewExternalIPAddress></NewExternalIPAddress></u:GetExternalIPAddressResponse></s:Body></s:Envelope>\r\n';

const GW = '192.168.1.1';
const ROUTES = (iface: string, gwHex = '0101A8C0') =>
  `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n${iface}\t00000000\t${gwHex}\t0003\t0\t0\t100\t00000000\t0\t0\t0\n`;

function world() {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 5 });
  const nat = net.addNat(natModels.portRestrictedCone('203.0.113.5'));
  const gw = net.addHost({ addresses: [GW], behind: nat, name: 'gateway' });
  const client = net.addHost({ addresses: ['192.168.1.2'], behind: nat, name: 'client' });
  const neighbour = net.addHost({ addresses: ['192.168.1.50'], behind: nat, name: 'tv' });
  const packets: PacketEvent[] = [];
  net.onPacket((e) => packets.push(e));
  return { clock, net, gw, client, neighbour, packets };
}

async function serve(host: VirtualHost, port: number, answer: (req: Uint8Array) => Uint8Array | undefined): Promise<void> {
  const s = await host.bind({ family: 4, port });
  s.onMessage((data, from) => {
    const a = answer(data);
    if (a) s.send(a, from).catch(() => undefined);
  });
}

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (b) => parseInt(b, 16));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** miniupnpd 2.3.1 with a 100.64/10 WAN, as recorded in the lab. */
const miniupnpdNatPmp = (req: Uint8Array): Uint8Array | undefined => {
  if (req[0] === 0 && req[1] === 0) return hex('0080000300000006 00000000');
  if (req[0] === 2 && req[1] === 0) return hex('02800000 00000000 00000006' + '00'.repeat(12));
  return undefined;
};
const ssdpAnswer = (location = `http://${GW}:46105/rootDesc.xml`) => (req: Uint8Array) =>
  text(req).startsWith('M-SEARCH')
    ? new TextEncoder().encode(
        `HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nUSN: uuid:1\r\nEXT:\r\nSERVER: Test UPnP/1.1 MiniUPnPd/2.3.1\r\nLOCATION: ${location}\r\n\r\n`,
      )
    : undefined;

/** An injected HTTP: a table of URL → response, answered after `delayMs` of clock time, with the requester's timeout honoured. */
function fakeHttp(clock: Clock, table: Record<string, HttpResponse | ((req: HttpRequest) => HttpResponse)>, delayMs = 5) {
  const calls: HttpRequest[] = [];
  const requester: HttpRequester = (req) =>
    new Promise((resolve, reject) => {
      calls.push(req);
      const entry = table[req.url];
      const t = clock.setTimeout(() => reject(new Error(`no complete answer within ${req.timeoutMs} ms`)), req.timeoutMs);
      clock.setTimeout(() => {
        clock.clearTimeout(t);
        if (!entry) reject(new Error('ECONNREFUSED'));
        else resolve(typeof entry === 'function' ? entry(req) : entry);
      }, delayMs);
    });
  return { requester, calls };
}

const ok = (body: string): HttpResponse => ({ status: 200, headers: {}, body });

describe('port mapping probe on the virtual network (fake gateway, injected HTTP)', () => {
  it('a miniupnpd-like gateway with a 100.64/10 WAN: all three present, "no public address" from NAT-PMP and UPnP', async () => {
    const w = world();
    await serve(w.gw, 5351, miniupnpdNatPmp);
    await serve(w.gw, 1900, ssdpAnswer());
    const http = fakeHttp(w.clock, {
      [`http://${GW}:46105/rootDesc.xml`]: ok(MINIUPNPD_DESCRIPTION),
      [`http://${GW}:46105/ctl/IPConn`]: (req) => {
        assert.equal(req.method, 'POST');
        assert.equal(req.headers?.SOAPAction, '"urn:schemas-upnp-org:service:WANIPConnection:2#GetExternalIPAddress"');
        return ok(MINIUPNPD_SOAP_EMPTY);
      },
    });
    const r = await w.clock.run(probePortMapping({ factory: w.client, clock: w.clock, readRoutes: async () => ROUTES('eth0'), httpGet: http.requester, localAddress: '192.168.1.2' }));
    assert.equal(r.gateway, GW);
    assert.deepEqual([r.natPmp, r.pcp, r.upnp], ['yes', 'yes', 'yes']);
    assert.equal(r.natPmpResultCode, 3);
    assert.deepEqual(r.noPublicAddress, { natPmp: true, upnp: true });
    assert.deepEqual(r.externalAddresses, []);
    assert.ok(r.evidence.some((e) => /result 3 \(Network Failure\)/.test(e.observation)), JSON.stringify(r.evidence));
    assert.ok(r.durationMs <= 600, `${r.durationMs}`);
    assert.deepEqual(http.calls.map((c) => c.method), ['GET', 'POST']);
  });

  it('a gateway with a public address: the address from both NAT-PMP and UPnP', async () => {
    const w = world();
    await serve(w.gw, 5351, (req) => (req[0] === 0 && req[1] === 0 ? hex('00800000 00000010 cb007105') : undefined));
    await serve(w.gw, 1900, ssdpAnswer());
    const http = fakeHttp(w.clock, {
      [`http://${GW}:46105/rootDesc.xml`]: ok(MINIUPNPD_DESCRIPTION),
      [`http://${GW}:46105/ctl/IPConn`]: ok(MINIUPNPD_SOAP_EMPTY.replace('<NewExternalIPAddress></NewExternalIPAddress>', '<NewExternalIPAddress>203.0.113.5</NewExternalIPAddress>')),
    });
    const r = await w.clock.run(probePortMapping({ factory: w.client, clock: w.clock, gateway: GW, httpGet: http.requester }));
    assert.deepEqual(r.externalAddresses, [
      { protocol: 'upnp', address: '203.0.113.5' },
      { protocol: 'nat-pmp', address: '203.0.113.5' },
    ]);
    // A NAT-PMP-only server ignores the PCP packet here: silence, so PCP 'no'.
    assert.equal(r.pcp, 'no');
    assert.deepEqual(r.noPublicAddress, { natPmp: false, upnp: false });
  });

  it('a silent gateway: all three "no", with "no answer" evidence, within the budget', async () => {
    const w = world();
    const http = fakeHttp(w.clock, {});
    const t0 = w.clock.now();
    const r = await w.clock.run(probePortMapping({ factory: w.client, clock: w.clock, gateway: GW, httpGet: http.requester }));
    assert.deepEqual([r.natPmp, r.pcp, r.upnp], ['no', 'no', 'no']);
    assert.ok(r.evidence.filter((e) => /no answer in 2 tries over 500 ms/.test(e.observation)).length === 3, JSON.stringify(r.evidence));
    assert.match(r.reasons.natPmp, /no answer from the gateway in 2 tries/);
    assert.equal(w.clock.now() - t0, 500);
    assert.equal(http.calls.length, 0);
  });

  it('sends nothing but read-only requests: NAT-PMP opcode 0, PCP ANNOUNCE, M-SEARCH', async () => {
    const w = world();
    await serve(w.gw, 5351, miniupnpdNatPmp);
    await w.clock.run(probePortMapping({ factory: w.client, clock: w.clock, gateway: GW, httpGet: fakeHttp(w.clock, {}).requester }));
    const sent = w.packets.filter((p) => p.kind === 'send' && p.from.address === '192.168.1.2');
    for (const p of sent) {
      if (p.to.port === 5351) {
        const op = p.data[1] & 0x7f;
        assert.equal(op, 0, 'only opcode 0 (NAT-PMP external address / PCP ANNOUNCE)');
        if (p.data[0] === 2) assert.deepEqual([...p.data.subarray(4, 8)], [0, 0, 0, 0], 'ANNOUNCE lifetime 0');
      } else {
        assert.equal(p.to.port, 1900);
        assert.match(text(p.data), /^M-SEARCH \* HTTP\/1\.1\r\n/);
      }
    }
    assert.ok(sent.length > 0);
  });

  it('other LAN devices’ SSDP answers and LOCATIONs off the gateway are ignored and never fetched', async () => {
    const w = world();
    // The vnet has no multicast: the "TV" answers whatever M-SEARCH it sees on the wire, as it would the multicast one.
    const tv = await w.neighbour.bind({ family: 4, port: 1900 });
    const tvAnswer = ssdpAnswer('http://192.168.1.50:8080/desc.xml');
    w.net.onPacket((e) => {
      if (e.kind === 'send' && e.to.port === 1900 && e.from.address === '192.168.1.2') {
        const a = tvAnswer(e.data);
        if (a) tv.send(a, e.from).catch(() => undefined);
      }
    });
    // the gateway itself points at a foreign host
    await serve(w.gw, 1900, ssdpAnswer('http://203.0.113.66/desc.xml'));
    const http = fakeHttp(w.clock, {});
    const r = await w.clock.run(probePortMapping({ factory: w.client, clock: w.clock, gateway: GW, httpGet: http.requester }));
    assert.equal(http.calls.length, 0);
    assert.equal(r.upnp, 'unknown');
    assert.ok(r.evidence.some((e) => /ignored \d+ answer\(s\) from other devices than the gateway/.test(e.observation)), JSON.stringify(r.evidence));
    assert.ok(r.evidence.some((e) => /ignored LOCATION http:\/\/203\.0\.113\.66\/desc\.xml: points at 203\.0\.113\.66/.test(e.observation)), JSON.stringify(r.evidence));
  });

  it('a NAT-PMP-only gateway that answers PCP in NAT-PMP format: PCP no, NAT-PMP yes', async () => {
    const w = world();
    await serve(w.gw, 5351, (req) => (req[0] === 0 ? hex('00800000 00000010 cb007105') : hex('00800001 00000010')));
    const r = await w.clock.run(probePortMapping({ factory: w.client, clock: w.clock, gateway: GW, httpGet: fakeHttp(w.clock, {}).requester }));
    assert.equal(r.pcp, 'no');
    assert.match(r.reasons.pcp, /NAT-PMP but not PCP/);
    assert.equal(r.natPmp, 'yes');
  });

  it('a PCP-only gateway that answers NAT-PMP in PCP format: NAT-PMP no, PCP yes', async () => {
    const w = world();
    await serve(w.gw, 5351, (req) => (req[0] === 0 ? hex('02800001' + '00'.repeat(20)) : undefined));
    const r = await w.clock.run(probePortMapping({ factory: w.client, clock: w.clock, gateway: GW, httpGet: fakeHttp(w.clock, {}).requester }));
    assert.equal(r.natPmp, 'no');
    assert.equal(r.pcp, 'yes');
    assert.match(r.reasons.pcp, /answered the NAT-PMP request in PCP format/);
  });

  it('garbage from the gateway on 5351 is "unknown", not "no"', async () => {
    const w = world();
    await serve(w.gw, 5351, () => hex('ff'));
    const r = await w.clock.run(probePortMapping({ factory: w.client, clock: w.clock, gateway: GW, httpGet: fakeHttp(w.clock, {}).requester }));
    assert.equal(r.natPmp, 'unknown');
    assert.equal(r.pcp, 'unknown');
  });

  it('a slow description: UPnP stays within the budget and says what it could not do', async () => {
    const w = world();
    await serve(w.gw, 1900, ssdpAnswer());
    const http = fakeHttp(w.clock, { [`http://${GW}:46105/rootDesc.xml`]: ok(MINIUPNPD_DESCRIPTION) }, 5000);
    const r = await w.clock.run(probePortMapping({ factory: w.client, clock: w.clock, gateway: GW, httpGet: http.requester }));
    assert.equal(r.upnp, 'yes');
    assert.match(r.reasons.upnp, /description could not be read/);
    assert.ok(r.durationMs <= 600, `${r.durationMs}`);
    assert.ok(http.calls[0].timeoutMs <= 600 && http.calls[0].maxBytes === 64 * 1024);
  });

  it('no gateway, a tunnel default route, a bad gateway, an abort: unknown with a reason, nothing sent', async () => {
    const w = world();
    const none = await probePortMapping({ factory: w.client, clock: w.clock, readRoutes: async () => 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' });
    assert.deepEqual([none.upnp, none.natPmp, none.pcp, none.gateway], ['unknown', 'unknown', 'unknown', null]);
    assert.match(none.reasons.upnp, /no IPv4 default route/);
    const tun = await probePortMapping({ factory: w.client, clock: w.clock, readRoutes: async () => ROUTES('wg0', '0100080A') });
    assert.equal(tun.natPmp, 'unknown');
    assert.match(tun.reasons.natPmp, /tunnel interface wg0/);
    const bad = await probePortMapping({ factory: w.client, clock: w.clock, gateway: 'router.local' });
    assert.equal(bad.pcp, 'unknown');
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    const aborted = await w.clock.run(probePortMapping({ factory: w.client, clock: w.clock, gateway: GW, signal: ac.signal, httpGet: fakeHttp(w.clock, {}).requester }));
    assert.deepEqual([aborted.upnp, aborted.natPmp, aborted.pcp], ['unknown', 'unknown', 'unknown']);
    assert.equal(w.packets.filter((p) => p.kind === 'send').length, 0);
  });

  it('off Linux without a gateway: unknown with the platform named', async () => {
    const w = world();
    const r = await probePortMapping({ factory: w.client, clock: w.clock, platform: 'win32' });
    assert.match(r.reasons.natPmp, /only implemented on Linux \(this is win32\)/);
  });
});
