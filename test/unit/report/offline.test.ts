import assert from 'node:assert/strict';
import { classifyUdp } from '../../../src/engine/discovery/classify';
import { resolveWithin } from '../../../src/engine/discovery/resolve';
import { offlineEvidence } from '../../../src/report/offline';
import type { Report } from '../../../src/report/report';
import { VirtualClock } from '../../support/vnet';
import { makeWorld } from '../discovery/world';

const failing = (code: string) => async () => {
  throw Object.assign(new Error(`getaddrinfo ${code}`), { code });
};

/** The resolver's own words for a failed lookup (so a change of wording fails here, not in the field). */
async function resolveError(code: string): Promise<string> {
  const r = await resolveWithin(failing(code), 'stun.example.net', new VirtualClock(), 1000);
  assert.equal(r.ok, false);
  return (r as { error: string }).error;
}

async function goodReport(): Promise<Report> {
  return (await makeWorld({})).run();
}

describe('offline, from evidence', () => {
  it('a machine with loopback and link-local addresses only is offline', async () => {
    const world = await makeWorld({});
    const report = await world.run({
      interfaces: () => [
        { name: 'lo', address: '127.0.0.1', family: 4, internal: true },
        { name: 'eth0', address: 'fe80::1c2b:3aff:fe4d:5e6f', family: 6, internal: false },
      ],
      servers: [{ host: 'stun.example.net', port: 3478 }],
      resolve: failing('EAI_AGAIN'),
    });
    const v = offlineEvidence(report);
    assert.equal(v.offline, true);
    assert.match((v as { reason: string }).reason, /no network address/);
  });

  it('every server name unresolvable because DNS cannot be reached is offline', async () => {
    const report = { ...(await goodReport()), udp: 'unknown', publicEndpoints: [], servers: [{ host: 'stun.example.net', port: 3478, address: null, rttMs: null, rfc5780: 'unknown', otherAddress: null, error: await resolveError('EAI_AGAIN') }] } as Report;
    assert.equal(offlineEvidence(report).offline, true);
  });

  it('"no such host" is an answer from DNS (a typo), not offline', async () => {
    const report = { ...(await goodReport()), udp: 'unknown', publicEndpoints: [], servers: [{ host: 'stun.exmaple.net', port: 3478, address: null, rttMs: null, rfc5780: 'unknown', otherAddress: null, error: await resolveError('ENOTFOUND') }] } as Report;
    assert.equal(offlineEvidence(report).offline, false);
  });

  const nothingSent = (failure: string) =>
    classifyUdp({
      configuredServers: 1,
      resolveErrors: [],
      asked: 1,
      elapsedMs: 5,
      answered: false,
      ipv6Answered: false,
      unusable: { wrongTransaction: 0, unexpectedSource: 0, malformed: 0 },
      cancelled: false,
      sends: { attempted: 3, failed: 3, firstServerFailure: failure },
    });

  it('no route (the system refused every datagram: ENETUNREACH) is offline', async () => {
    const udp = nothingSent('sending to 198.51.100.1:3478 failed: ENETUNREACH');
    const report = { ...(await goodReport()), udp: udp.value, udpReason: udp.reason, publicEndpoints: [] } as Report;
    assert.equal(offlineEvidence(report).offline, true, udp.reason);
  });

  it('a send refused for another reason (EACCES: a broadcast address as the server) is about that server, not offline', async () => {
    const udp = nothingSent('sending to 255.255.255.255:3478 failed: EACCES');
    const report = { ...(await goodReport()), udp: udp.value, udpReason: udp.reason, publicEndpoints: [] } as Report;
    assert.equal(offlineEvidence(report).offline, false, udp.reason);
  });

  it('UDP blocked (sent, nothing came back) is not offline; neither is a working network', async () => {
    const blocked = await (await makeWorld({ nat: { blockUdp: true } })).run();
    assert.equal(blocked.udp, 'no');
    assert.equal(offlineEvidence(blocked).offline, false);
    assert.equal(offlineEvidence(await goodReport()).offline, false);
  });

  it('a run cancelled before any answer is not offline (it says nothing either way)', async () => {
    const report = { ...(await goodReport()), udp: 'unknown', udpReason: 'cancelled before any server answered', publicEndpoints: [] } as Report;
    assert.equal(offlineEvidence(report).offline, false);
  });
});
