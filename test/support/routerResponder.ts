/**
 * A small home router of the tests' own: it answers NAT-PMP opcode 0 (RFC 6886 §3.2), a PCP
 * ANNOUNCE in NAT-PMP format as a NAT-PMP-only box does (RFC 6887 §9), an SSDP M-SEARCH
 * (UPnP Device Architecture 2.0 §1.3.3) and, over HTTP, the IGD description and
 * GetExternalIPAddress. It says whatever external address the test gives it.
 *
 * Why not miniupnpd: miniupnpd refuses to tell a private, shared (100.64/10) or TEST-NET WAN
 * address (NAT-PMP result 3, an empty UPnP address), and every lab address is TEST-NET, so the
 * case "the router holds the public address" needs this responder.
 *
 * It runs on any UdpSocketFactory: the virtual network's hosts (unit tests, with the HTTP side
 * as an injected table) and node:dgram (the lab, with a real HTTP server, routerResponderMain.ts).
 */
import * as http from 'node:http';
import type { HttpRequest, HttpRequester, HttpResponse } from '../../src/engine/probes/portMapping';
import type { UdpSocket, UdpSocketFactory } from '../../src/engine/net/udp';

export interface RouterAnswerOptions {
  /** The WAN address the router reports; null: "no public address" (NAT-PMP result 3, UPnP empty). */
  readonly external: string | null;
  /** The router's LAN address (the client's gateway). */
  readonly gateway: string;
  readonly httpPort: number;
}

const SERVICE = 'urn:schemas-upnp-org:service:WANIPConnection:1';

/** NAT-PMP answers: opcode 0 → result 0 with the address (or 3 with 0.0.0.0); a PCP packet → "unsupported version" in NAT-PMP format. */
export function natPmpAnswer(external: string | null, epochSeconds = 4242): (req: Uint8Array) => Uint8Array | undefined {
  return (req) => {
    if (req.length < 2) return undefined;
    if (req[0] === 2) return Uint8Array.of(0, 0x80, 0, 1, 0, 0, 0, 0);
    if (req[0] !== 0 || req[1] !== 0) return undefined;
    const out = new Uint8Array(12);
    out[1] = 0x80;
    out[3] = external === null ? 3 : 0;
    new DataView(out.buffer).setUint32(4, epochSeconds);
    if (external !== null) out.set(external.split('.').map(Number), 8);
    return out;
  };
}

export function ssdpAnswer(gateway: string, httpPort: number): (req: Uint8Array) => Uint8Array | undefined {
  return (req) =>
    new TextDecoder().decode(req).startsWith('M-SEARCH')
      ? new TextEncoder().encode(
          'HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n' +
            `USN: uuid:natprobe-test::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nEXT:\r\nSERVER: natprobe-test-router/1\r\nLOCATION: http://${gateway}:${httpPort}/rootDesc.xml\r\n\r\n`,
        )
      : undefined;
}

export function descriptionXml(): string {
  return (
    '<?xml version="1.0"?>\r\n<root xmlns="urn:schemas-upnp-org:device-1-0"><device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>' +
    '<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType><deviceList><device><serviceList>' +
    `<service><serviceType>${SERVICE}</serviceType><serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId><SCPDURL>/WANIPCn.xml</SCPDURL><controlURL>/ctl/IPConn</controlURL><eventSubURL>/evt/IPConn</eventSubURL></service>` +
    '</serviceList></device></deviceList></device></deviceList></device></root>'
  );
}

export function externalIpSoap(external: string | null): string {
  return (
    '<?xml version="1.0"?>\r\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>' +
    `<u:GetExternalIPAddressResponse xmlns:u="${SERVICE}"><NewExternalIPAddress>${external ?? ''}</NewExternalIPAddress></u:GetExternalIPAddressResponse></s:Body></s:Envelope>\r\n`
  );
}

/** What the router's HTTP side answers, by path and method; undefined: 404. Only GET of the description and the one read-only action. */
export function upnpHttpAnswer(o: RouterAnswerOptions, method: string, path: string, soapAction: string | undefined): { status: number; body: string } {
  if (method === 'GET' && path === '/rootDesc.xml') return { status: 200, body: descriptionXml() };
  if (method === 'POST' && path === '/ctl/IPConn' && soapAction === `"${SERVICE}#GetExternalIPAddress"`) return { status: 200, body: externalIpSoap(o.external) };
  return { status: 404, body: '' };
}

/** The HTTP side as an injected requester (virtual network), answering after `delayMs` of clock time; `calls` records what was asked. */
export function upnpHttpTable(o: RouterAnswerOptions, clock: { setTimeout(fn: () => void, ms: number): unknown }, delayMs = 3): { requester: HttpRequester; calls: HttpRequest[] } {
  const calls: HttpRequest[] = [];
  const prefix = `http://${o.gateway}:${o.httpPort}`;
  const requester: HttpRequester = (req) =>
    new Promise<HttpResponse>((resolve, reject) => {
      calls.push(req);
      clock.setTimeout(() => {
        if (!req.url.startsWith(prefix)) return reject(new Error('ECONNREFUSED'));
        const a = upnpHttpAnswer(o, req.method, req.url.slice(prefix.length), req.headers?.SOAPAction);
        resolve({ status: a.status, headers: {}, body: a.body });
      }, delayMs);
    });
  return { requester, calls };
}

/** Binds the router's UDP services (NAT-PMP/PCP on 5351, SSDP on 1900) on `factory`; what was asked is counted by opcode. */
export async function startRouterUdp(
  factory: UdpSocketFactory,
  o: RouterAnswerOptions & { readonly bindAddress?: string; readonly natPmpPort?: number; readonly ssdpPort?: number },
): Promise<{ readonly asked: { natPmp: number; pcp: number; ssdp: number; other: number }; close(): void }> {
  const asked = { natPmp: 0, pcp: 0, ssdp: 0, other: 0 };
  const answerPmp = natPmpAnswer(o.external);
  const answerSsdp = ssdpAnswer(o.gateway, o.httpPort);
  const sockets: UdpSocket[] = [];
  const serve = async (port: number, answer: (req: Uint8Array) => Uint8Array | undefined, count: (req: Uint8Array) => void): Promise<void> => {
    const s = await factory.bind({ family: 4, port, ...(o.bindAddress ? { address: o.bindAddress } : {}) });
    sockets.push(s);
    s.onMessage((data, from) => {
      count(data);
      const a = answer(data);
      if (a) s.send(a, from).catch(() => undefined);
    });
  };
  await serve(o.natPmpPort ?? 5351, answerPmp, (d) => {
    if (d[0] === 0 && d[1] === 0) asked.natPmp++;
    else if (d[0] === 2) asked.pcp++;
    else asked.other++;
  });
  await serve(o.ssdpPort ?? 1900, answerSsdp, (d) => {
    if (new TextDecoder().decode(d).startsWith('M-SEARCH')) asked.ssdp++;
    else asked.other++;
  });
  return { asked, close: () => sockets.forEach((s) => s.close()) };
}

/** The HTTP side as a real server (lab): only the two read-only requests are answered. */
export function startUpnpHttpServer(o: RouterAnswerOptions & { readonly bindAddress: string }): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 16 * 1024) req.destroy();
    });
    req.on('end', () => {
      const action = req.headers.soapaction;
      const a = upnpHttpAnswer(o, req.method ?? '', req.url ?? '', Array.isArray(action) ? action[0] : action);
      res.writeHead(a.status, { 'Content-Type': 'text/xml; charset="utf-8"', 'Content-Length': Buffer.byteLength(a.body) });
      res.end(a.body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.httpPort, o.bindAddress, () => resolve(server));
  });
}
