import assert from 'node:assert/strict';
import { decodeExternalAddressResponse, encodeExternalAddressRequest } from '../../../src/engine/probes/portMapping/natPmp';
import { decodeAnnounceResponse, encodeAnnounceRequest } from '../../../src/engine/probes/portMapping/pcp';
import { decodeRouteHex, parseProcNetRoute, findDefaultGateway } from '../../../src/engine/probes/portMapping/gateway';
import { prngUint32 } from '../../support/prng';

const isUint = (n: number, max: number): boolean => Number.isInteger(n) && n >= 0 && n <= max;

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (b) => parseInt(b, 16));

describe('port mapping: NAT-PMP codec (RFC 6886, opcode 0 only)', () => {
  it('the request is the 2 bytes 00 00', () => {
    assert.deepEqual([...encodeExternalAddressRequest()], [0, 0]);
  });
  it('decodes a success with the external address', () => {
    assert.deepEqual(decodeExternalAddressResponse(hex('00 80 0000 00000010 cb007105')), {
      kind: 'natpmp',
      resultCode: 0,
      epochSeconds: 16,
      externalAddress: '203.0.113.5',
    });
  });
  it('decodes miniupnpd’s real answer for a 100.64/10 WAN: result 3 (Network Failure), 0.0.0.0', () => {
    // recorded in the lab: miniupnpd 2.3.1, WAN 100.64.0.2
    assert.deepEqual(decodeExternalAddressResponse(hex('0080000300000006 00000000')), {
      kind: 'natpmp',
      resultCode: 3,
      epochSeconds: 6,
      externalAddress: '0.0.0.0',
    });
  });
  it('an error answer may stop after the epoch (8 bytes); a success may not', () => {
    assert.deepEqual(decodeExternalAddressResponse(hex('0080000200000001')), { kind: 'natpmp', resultCode: 2, epochSeconds: 1 });
    assert.equal(decodeExternalAddressResponse(hex('0080000000000001')).kind, 'malformed');
  });
  it('a PCP-format answer (version 2) is recognised as PCP, not NAT-PMP', () => {
    assert.deepEqual(decodeExternalAddressResponse(hex('0280 0001' + '00'.repeat(20))), { kind: 'pcp', version: 2, resultCode: 1 });
  });
  it('rejects short, wrong-version, wrong-opcode, request-shaped and over-long packets', () => {
    for (const bad of ['', '00', '0080', '008000', '00800000000000', '0100', '0300 0000', '0000', '0081 0000 00000000 00000000', '0082 0000 00000000', '0180', '0200', '0280 00', '0080' + '00'.repeat(20)]) {
      const d = decodeExternalAddressResponse(hex(bad));
      assert.equal(d.kind, 'malformed', `${bad} → ${JSON.stringify(d)}`);
    }
  });
  it('random bytes: never a throw, always a typed answer (malformed with a reason, or fields in range)', () => {
    const next = prngUint32(7);
    const rnd = () => next() & 0xff;
    const kinds = { natpmp: 0, pcp: 0, malformed: 0 };
    for (let i = 0; i < 2000; i++) {
      const b = Uint8Array.from({ length: rnd() % 40 }, rnd);
      // A quarter each get a NAT-PMP (version 0, opcode 128) or a PCP ANNOUNCE answer header (version 2, opcode 0x80), so more than the first check is reached.
      if (i % 4 === 1 && b.length >= 2) b.set([0, 128]);
      if (i % 4 === 2 && b.length >= 2) b.set([2, 0x80]);
      const d = decodeExternalAddressResponse(b);
      const a = decodeAnnounceResponse(b);
      const seen = `${Buffer.from(b).toString('hex')} → ${JSON.stringify(d)} / ${JSON.stringify(a)}`;
      for (const r of [d, a]) {
        assert.ok(r.kind in kinds, seen);
        kinds[r.kind]++;
        if (r.kind === 'malformed') assert.ok(typeof r.reason === 'string' && r.reason.length > 0, seen);
        else assert.ok(isUint(r.resultCode, 0xffff), seen);
      }
      if (d.kind === 'natpmp') {
        assert.ok(isUint(d.epochSeconds, 0xffffffff), seen);
        if (d.externalAddress !== undefined) assert.match(d.externalAddress, /^\d{1,3}(\.\d{1,3}){3}$/, seen);
      }
      if (a.kind === 'pcp') assert.ok(isUint(a.lifetime, 0xffffffff) && isUint(a.epochSeconds, 0xffffffff), seen);
    }
    // Every kind came up, so every branch above was checked.
    assert.ok(kinds.malformed > 0 && kinds.natpmp > 0 && kinds.pcp > 0, JSON.stringify(kinds));
  });
});

describe('port mapping: PCP codec (RFC 6887, ANNOUNCE only)', () => {
  it('ANNOUNCE: version 2, opcode 0, lifetime 0, client address as ::ffff:a.b.c.d', () => {
    const r = encodeAnnounceRequest('192.168.1.2');
    assert.equal(r.length, 24);
    assert.deepEqual([...r.subarray(0, 8)], [2, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual([...r.subarray(8, 24)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 2]);
  });
  it('without a known address the field is ::ffff:0.0.0.0; a bad address is not written', () => {
    assert.deepEqual([...encodeAnnounceRequest().subarray(16)], [0, 0, 0xff, 0xff, 0, 0, 0, 0]);
    assert.deepEqual([...encodeAnnounceRequest('300.1.1.1').subarray(20)], [0, 0, 0, 0]);
    // "010" is octal to some parsers and decimal to others: refused, as everywhere else in the engine.
    assert.deepEqual([...encodeAnnounceRequest('010.0.0.1').subarray(20)], [0, 0, 0, 0]);
  });
  it('decodes miniupnpd’s real ANNOUNCE answer (SUCCESS)', () => {
    assert.deepEqual(decodeAnnounceResponse(hex('02800000 00000000 00000006' + '00'.repeat(12))), { kind: 'pcp', resultCode: 0, lifetime: 0, epochSeconds: 6 });
  });
  it('a NAT-PMP-only server answering in its own format is recognised', () => {
    assert.deepEqual(decodeAnnounceResponse(hex('0080 0001 00000005')), { kind: 'natpmp', opcode: 0, resultCode: 1 });
  });
  it('rejects short, odd-length, over-long, request, wrong-opcode and unknown-version answers', () => {
    const ok = '02800000 00000000 00000006' + '00'.repeat(12);
    const cases = [
      '02',
      ok.slice(0, 40), // 20 bytes
      ok + '00', // not a multiple of 4
      '02800000' + '00'.repeat(1100), // > 1100
      '02000000' + '00'.repeat(20), // R bit clear: a request
      '02810000' + '00'.repeat(20), // response to MAP
      '03800000' + '00'.repeat(20),
      '0000',
      '0000 0000',
    ];
    for (const c of cases) assert.equal(decodeAnnounceResponse(hex(c)).kind, 'malformed', c.slice(0, 30));
  });
});

describe('port mapping: default gateway from /proc/net/route', () => {
  const header = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT';
  it('decodes the kernel’s host-order hex', () => {
    assert.equal(decodeRouteHex('0101A8C0', true), '192.168.1.1');
    assert.equal(decodeRouteHex('C0A80101', false), '192.168.1.1');
    assert.equal(decodeRouteHex('XYZ', true), undefined);
  });
  it('takes the default route with a gateway and the lowest metric', () => {
    const text = [
      header,
      'wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0',
      'eth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0',
      'eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0',
    ].join('\n');
    assert.deepEqual(parseProcNetRoute(text), { ok: true, gateway: '192.168.0.1', iface: 'eth0', metric: 100, tunnel: false });
  });
  it('a tunnel default route is flagged; a gateway-less default route (wg, ppp) gives a reason', () => {
    const t = parseProcNetRoute(`${header}\ntun0\t00000000\t0100080A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n`);
    assert.equal(t.ok && t.tunnel, true);
    const w = parseProcNetRoute(`${header}\nwg0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n`);
    assert.equal(w.ok, false);
    assert.match(w.ok ? '' : w.reason, /no gateway address/);
  });
  it('garbage, empty or huge input gives a reason, never a throw', () => {
    for (const t of ['', 'hello', `${header}\n`, 'x'.repeat(300_000), `${header}\neth0\t00000000\tZZZZZZZZ\t0003\t0\t0\t0\t00000000\t0\t0\t0`]) {
      assert.equal(parseProcNetRoute(t).ok, false);
    }
  });
  it('off Linux without a reader: unknown with the reason; a failing reader: its message', async () => {
    const r = await findDefaultGateway({ platform: 'darwin' });
    assert.equal(r.ok, false);
    assert.match(r.ok ? '' : r.reason, /only implemented on Linux \(this is darwin\)/);
    const f = await findDefaultGateway({ readRoutes: () => Promise.reject(new Error('EACCES')) });
    assert.match(f.ok ? '' : f.reason, /EACCES/);
  });
});
