// A hostile router's UPnP side over real sockets on loopback (nothing leaves 127.0.0.1): the
// HTTP requester and the UPnP probe against a router that sends a huge SOAP body, lies about
// its length, or trickles bytes. Each attack is written next to its test.
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../src/engine/clock';
import { nodeUdpFactory } from '../../src/engine/net/nodeUdp';
import { nodeHttpRequester, probeUpnp } from '../../src/engine/probes/portMapping';
import { descriptionXml, ssdpAnswer } from '../support/routerResponder';

const GW = '127.0.0.1';

async function httpServer(handler: http.RequestListener): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, GW, resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('security: a hostile router’s UPnP HTTP side (real sockets on loopback)', function () {
  this.timeout(10000);
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const c of closers.splice(0)) c();
  });

  it('a 10 MB SOAP body without a length is cut at the limit, not buffered; a declared 1 GB is refused before reading', async () => {
    // Attack: the router answers GetExternalIPAddress with an endless chunked body, or announces a huge one.
    const { server, port } = await httpServer((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'Content-Length': String(1e9) });
        res.write('x'.repeat(1024));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      const chunk = 'A'.repeat(64 * 1024);
      let sent = 0;
      const pump = (): void => {
        while (sent < 160 && res.write(chunk)) sent++;
        if (sent < 160) res.once('drain', pump);
        else res.end();
      };
      pump();
    });
    closers.push(() => server.closeAllConnections(), () => server.close());
    const get = nodeHttpRequester(systemClock);
    const t0 = performance.now();
    await assert.rejects(get({ method: 'POST', url: `http://${GW}:${port}/ctl`, body: '<x/>', timeoutMs: 2000, maxBytes: 16 * 1024 }), /larger than 16384 bytes/);
    await assert.rejects(get({ method: 'GET', url: `http://${GW}:${port}/declared`, timeoutMs: 2000, maxBytes: 64 * 1024 }), /response of 1000000000 bytes \(limit 65536\)/);
    assert.ok(performance.now() - t0 < 1500, `${performance.now() - t0} ms`);
  });

  it('a router that trickles its answer a byte at a time is given up on at the timeout', async () => {
    // Attack: slowloris from the router side, headers then one byte every 50 ms, never done.
    const { server, port } = await httpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      const t = setInterval(() => res.write('<'), 50);
      res.on('close', () => clearInterval(t));
    });
    closers.push(() => server.closeAllConnections(), () => server.close());
    const t0 = performance.now();
    await assert.rejects(nodeHttpRequester(systemClock)({ method: 'GET', url: `http://${GW}:${port}/rootDesc.xml`, timeoutMs: 300, maxBytes: 64 * 1024 }), /no complete answer within 300 ms/);
    const took = performance.now() - t0;
    assert.ok(took >= 290 && took < 800, `${took} ms`);
  });

  it('the whole UPnP probe against a router whose SOAP answer is 10 MB: "yes, the request failed", no address, within its deadline', async () => {
    const { server, port } = await httpServer((req, res) => {
      if (req.method === 'GET' && req.url === '/rootDesc.xml') {
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        res.end(descriptionXml());
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end(`<?xml version="1.0"?><s:Envelope><s:Body><u:GetExternalIPAddressResponse><NewExternalIPAddress>203.0.113.5</NewExternalIPAddress>${'<x/>'.repeat(2_500_000)}</u:GetExternalIPAddressResponse></s:Body></s:Envelope>`);
    });
    closers.push(() => server.closeAllConnections(), () => server.close());
    const ssdp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => ssdp.bind(0, GW, resolve));
    closers.push(() => ssdp.close());
    const answer = ssdpAnswer(GW, port);
    ssdp.on('message', (data, from) => {
      const a = answer(new Uint8Array(data));
      if (a) ssdp.send(a, from.port, from.address);
    });
    const t0 = systemClock.now();
    const r = await probeUpnp({
      factory: nodeUdpFactory,
      clock: systemClock,
      gateway: GW,
      http: nodeHttpRequester(systemClock),
      deadline: t0 + 600,
      multicast: false,
      ssdpPort: ssdp.address().port,
    });
    const took = systemClock.now() - t0;
    assert.equal(r.present, 'yes');
    assert.equal(r.externalAddress, undefined, 'an address inside an over-long answer is not taken');
    assert.match(r.reason, /the external-address request failed/);
    assert.ok(r.evidence.some((e) => /SOAP GetExternalIPAddress/.test(e.test) && /larger than 16384 bytes/.test(e.observation)), JSON.stringify(r.evidence));
    assert.ok(took <= 700, `${took} ms`);
  });
});
