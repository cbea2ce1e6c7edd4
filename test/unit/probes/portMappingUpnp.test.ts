import assert from 'node:assert/strict';
import { elementText, stripComments } from '../../../src/engine/probes/portMapping/boundedXml';
import { buildGetExternalIpSoap, parseDescription, parseGetExternalIpResponse } from '../../../src/engine/probes/portMapping/soap';
import { buildMSearch, gatewayUrl, parseSsdpResponse } from '../../../src/engine/probes/portMapping/ssdp';

const bytes = (s: string) => new TextEncoder().encode(s);

// Shaped like miniupnpd 2.3.1's rootDesc.xml (recorded in the lab), trimmed.
const MINIUPNPD_DESCRIPTION =
  '<?xml version="1.0"?>\r\n<root xmlns="urn:schemas-upnp-org:device-1-0" configId="1337"><specVersion><major>1</major><minor>1</minor></specVersion>' +
  '<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:2</deviceType><serviceList>' +
  '<service><serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType><serviceId>urn:upnp-org:serviceId:L3Forwarding1</serviceId><SCPDURL>/L3F.xml</SCPDURL><controlURL>/ctl/L3F</controlURL><eventSubURL>/evt/L3F</eventSubURL></service>' +
  '</serviceList><deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:2</deviceType><serviceList>' +
  '<service><serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType><controlURL>/ctl/CmnIfCfg</controlURL></service>' +
  '</serviceList><deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:2</deviceType><serviceList>' +
  '<service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:2</serviceType><serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId><SCPDURL>/WANIPCn.xml</SCPDURL><controlURL>/ctl/IPConn</controlURL><eventSubURL>/evt/IPConn</eventSubURL></service>' +
  '</serviceList></device></deviceList></device></deviceList></device></root>';

const MINIUPNPD_SOAP_EMPTY =
  '<?xml version="1.0"?>\r\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body><u:GetExternalIPAddressResponse xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:1"><NewExternalIPAddress></NewExternalIPAddress></u:GetExternalIPAddressResponse></s:Body></s:Envelope>\r\n';

const soapWith = (inner: string) => MINIUPNPD_SOAP_EMPTY.replace('<NewExternalIPAddress></NewExternalIPAddress>', inner);

describe('port mapping: SSDP', () => {
  const answer = (extra = '', st = 'urn:schemas-upnp-org:device:InternetGatewayDevice:1') =>
    `HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: ${st}\r\nUSN: uuid:x::${st}\r\nEXT:\r\nSERVER: Debian UPnP/1.1 MiniUPnPd/2.3.1\r\nLOCATION: http://192.168.1.1:46105/rootDesc.xml\r\n${extra}\r\n`;
  it('builds an M-SEARCH with the search target and MX', () => {
    const m = new TextDecoder().decode(buildMSearch('urn:schemas-upnp-org:device:InternetGatewayDevice:1'));
    assert.match(m, /^M-SEARCH \* HTTP\/1\.1\r\nHOST: 239\.255\.255\.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n$/);
  });
  it('parses a real miniupnpd answer; header names are case-insensitive', () => {
    const r = parseSsdpResponse(bytes(answer()));
    assert.deepEqual(r.ok && [r.st, r.location, r.server], ['urn:schemas-upnp-org:device:InternetGatewayDevice:1', 'http://192.168.1.1:46105/rootDesc.xml', 'Debian UPnP/1.1 MiniUPnPd/2.3.1']);
    assert.equal(parseSsdpResponse(bytes(answer().replace('LOCATION', 'location').replace('ST:', 'st:'))).ok, true);
  });
  it('rejects NOTIFYs, errors, other targets, missing LOCATION, huge and binary answers', () => {
    const bad = [
      'NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\nLOCATION: http://192.168.1.1/\r\n\r\n',
      'HTTP/1.1 404 Not Found\r\n\r\n',
      answer('', 'urn:schemas-upnp-org:device:MediaRenderer:1'),
      answer().replace(/LOCATION:[^\r]*\r\n/, ''),
      answer().replace(/ST:[^\r]*\r\n/, ''),
      answer('X-PAD: ' + 'a'.repeat(5000) + '\r\n'),
      '\x00\x01\x02\xff',
      '',
    ];
    for (const b of bad) assert.equal(parseSsdpResponse(bytes(b)).ok, false, b.slice(0, 40));
  });
  it('ignores over-long or non-printable header values (a LOCATION with a NUL is dropped)', () => {
    assert.equal(parseSsdpResponse(bytes(answer().replace('rootDesc.xml', 'root\x00Desc.xml'))).ok, false);
  });
  it('URLs: only plain http on the gateway’s own address, no credentials', () => {
    assert.deepEqual(gatewayUrl('http://192.168.1.1:46105/rootDesc.xml', '192.168.1.1'), { ok: true, url: 'http://192.168.1.1:46105/rootDesc.xml' });
    assert.deepEqual(gatewayUrl('/ctl/IPConn', '192.168.1.1', 'http://192.168.1.1:46105/rootDesc.xml'), { ok: true, url: 'http://192.168.1.1:46105/ctl/IPConn' });
    for (const [u, base] of [
      ['http://192.168.1.7:80/desc.xml', undefined],
      ['https://192.168.1.1/desc.xml', undefined],
      ['http://user:pw@192.168.1.1/', undefined],
      ['http://192.168.1.1.evil.example/', undefined],
      ['file:///etc/passwd', undefined],
      ['//203.0.113.9/ctl', 'http://192.168.1.1:5000/d.xml'],
      ['http://[::1]/', undefined],
      ['not a url', undefined],
      ['', undefined],
      ['http://192.168.1.1/' + 'a'.repeat(600), undefined],
    ] as const) {
      assert.equal(gatewayUrl(u, '192.168.1.1', base).ok, false, u);
    }
  });
});

describe('port mapping: device description (bounded string parsing)', () => {
  it('finds WANIPConnection and its control URL in miniupnpd’s description', () => {
    const d = parseDescription(MINIUPNPD_DESCRIPTION);
    assert.ok(d.ok);
    assert.equal(d.services.length, 3);
    assert.deepEqual(d.wan, { serviceType: 'urn:schemas-upnp-org:service:WANIPConnection:2', controlURL: '/ctl/IPConn' });
  });
  it('falls back to WANPPPConnection; reports none when neither is there', () => {
    const ppp = parseDescription(MINIUPNPD_DESCRIPTION.replace('WANIPConnection:2', 'WANPPPConnection:1'));
    assert.equal(ppp.ok && ppp.wan?.serviceType, 'urn:schemas-upnp-org:service:WANPPPConnection:1');
    const none = parseDescription(MINIUPNPD_DESCRIPTION.replace('WANIPConnection:2', 'Layer3Forwarding:1'));
    assert.equal(none.ok && none.wan, undefined);
  });
  it('reads URLBase and decodes entities; refuses markup inside a value', () => {
    const d = parseDescription(MINIUPNPD_DESCRIPTION.replace('<specVersion>', '<URLBase>http://192.168.1.1:5000/</URLBase><specVersion>').replace('/ctl/IPConn', '/ctl/IP?a=1&amp;b=2'));
    assert.ok(d.ok);
    assert.equal(d.urlBase, 'http://192.168.1.1:5000/');
    assert.equal(d.wan?.controlURL, '/ctl/IP?a=1&b=2');
    const evil = parseDescription(MINIUPNPD_DESCRIPTION.replace('/ctl/IPConn', '<![CDATA[http://203.0.113.9/]]>'));
    assert.equal(evil.ok && evil.wan, undefined);
  });
  it('a service hidden in a comment is not a service', () => {
    const commented = MINIUPNPD_DESCRIPTION.replace(
      /<service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:2[\s\S]*?<\/service>/,
      (m) => `<!-- ${m} -->`,
    );
    const d = parseDescription(commented);
    assert.equal(d.ok && d.wan, undefined);
    assert.equal(stripComments('a<!-- b -->c<!-- unclosed'), 'ac');
  });
  it('nested <service> blocks: the innermost complete one is used', () => {
    const nested =
      '<root><service><serviceType>urn:schemas-upnp-org:service:Outer:1</serviceType>' +
      '<service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>/inner</controlURL></service>' +
      '<controlURL>/outer</controlURL></service></root>';
    const d = parseDescription(nested);
    assert.equal(d.ok && d.wan?.controlURL, '/inner');
  });
  it('similar tag names (<serviceList>, <serviceTypeX>) are not confused with <service>/<serviceType>', () => {
    assert.equal(elementText('<serviceTypeX>a</serviceTypeX><serviceType>b</serviceType>', 'serviceType'), 'b');
  });
  it('hostile inputs: huge, truncated, deeply nested, unclosed, wrong content — no throw, bounded time', () => {
    const inputs = [
      'x'.repeat(70 * 1024),
      MINIUPNPD_DESCRIPTION.slice(0, MINIUPNPD_DESCRIPTION.length / 2),
      '<root>' + '<service>'.repeat(7000) + '</root>',
      '<root>' + '<service><serviceType>'.repeat(3000) + '</service>'.repeat(3000) + '</root>',
      '<root>' + '<!--'.repeat(10000),
      '<html><body>Not Found</body></html>',
      '{"json": true}',
      '<root>' + '<serviceType>'.repeat(8000),
      '<root>' + '<service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>/x</controlURL>'.repeat(600) + '</service>',
    ];
    for (const x of inputs) {
      const t0 = performance.now();
      const d = parseDescription(x);
      const ms = performance.now() - t0;
      assert.ok(ms < 1000, `${ms} ms for ${x.slice(0, 30)}`);
      if (d.ok) assert.ok(d.services.length <= 64);
    }
    assert.equal(parseDescription('x'.repeat(70 * 1024)).ok, false);
    assert.equal(parseDescription('<html><body>Not Found</body></html>').ok, false);
  });
});

describe('port mapping: SOAP GetExternalIPAddress', () => {
  it('builds the envelope and the quoted SOAPAction', () => {
    const s = buildGetExternalIpSoap('urn:schemas-upnp-org:service:WANIPConnection:2');
    assert.equal(s.soapAction, '"urn:schemas-upnp-org:service:WANIPConnection:2#GetExternalIPAddress"');
    assert.match(s.body, /<u:GetExternalIPAddress xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:2"><\/u:GetExternalIPAddress>/);
  });
  it('reads an address, and miniupnpd’s empty answer (its WAN is private/shared)', () => {
    assert.deepEqual(parseGetExternalIpResponse(200, soapWith('<NewExternalIPAddress>100.64.0.2</NewExternalIPAddress>')), { kind: 'address', address: '100.64.0.2' });
    assert.deepEqual(parseGetExternalIpResponse(200, MINIUPNPD_SOAP_EMPTY), { kind: 'empty', raw: '' });
    assert.deepEqual(parseGetExternalIpResponse(200, soapWith('<NewExternalIPAddress/>')), { kind: 'empty', raw: '' });
    assert.deepEqual(parseGetExternalIpResponse(200, soapWith('<NewExternalIPAddress> 0.0.0.0 </NewExternalIPAddress>')), { kind: 'empty', raw: '0.0.0.0' });
    assert.deepEqual(parseGetExternalIpResponse(200, soapWith('<m:NewExternalIPAddress>203.0.113.7</m:NewExternalIPAddress>')), { kind: 'address', address: '203.0.113.7' });
  });
  it('a SOAP fault gives the UPnP error code', () => {
    const fault = '<s:Envelope><s:Body><s:Fault><detail><UPnPError><errorCode>501</errorCode><errorDescription>Action Failed</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>';
    assert.deepEqual(parseGetExternalIpResponse(500, fault), { kind: 'fault', status: 500, code: 501, description: 'Action Failed' });
    assert.deepEqual(parseGetExternalIpResponse(500, 'garbage'), { kind: 'fault', status: 500 });
  });
  it('refuses non-addresses, wrong responses, hidden and huge answers', () => {
    for (const body of [
      soapWith('<NewExternalIPAddress>example.com</NewExternalIPAddress>'),
      soapWith('<NewExternalIPAddress>1.2.3.4.5</NewExternalIPAddress>'),
      soapWith('<NewExternalIPAddress>256.1.1.1</NewExternalIPAddress>'),
      soapWith('<NewExternalIPAddress>01.2.3.4</NewExternalIPAddress>'),
      soapWith('<NewExternalIPAddress><b>1.2.3.4</b></NewExternalIPAddress>'),
      soapWith('<!-- <NewExternalIPAddress>1.2.3.4</NewExternalIPAddress> -->'),
      MINIUPNPD_SOAP_EMPTY.replace(/GetExternalIPAddressResponse/g, 'GetStatusInfoResponse'),
      soapWith('<NewExternalIPAddress>' + '1'.repeat(20000) + '</NewExternalIPAddress>'),
      '<NewExternalIPAddress>1.2.3.4</NewExternalIPAddress>',
      '',
    ]) {
      const r = parseGetExternalIpResponse(200, body);
      assert.equal(r.kind, 'malformed', `${body.slice(150, 230)} → ${JSON.stringify(r)}`);
    }
  });
  it('pathological SOAP bodies finish quickly', () => {
    const bodies = ['<NewExternalIPAddress '.repeat(700), '<a:GetExternalIPAddressResponse>' + '<x:NewExternalIPAddress>'.repeat(600), '<'.repeat(16000)];
    for (const b of bodies) {
      const t0 = performance.now();
      parseGetExternalIpResponse(200, b);
      assert.ok(performance.now() - t0 < 1000);
    }
  });
});
