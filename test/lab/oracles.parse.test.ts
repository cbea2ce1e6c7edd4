// The oracle parsers against real outputs recorded in the lab (fixtures/oracle-outputs.json),
// plus hand-made edge cases. Needs no root: runs everywhere.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GROUND_TRUTH, PROFILES, type LabProfile } from './lab';
import { natTypeFrom, natTypeFromStunReturn, parseNatDiscovery, parseStunClient } from './oracles';

interface Recorded {
  natdiscovery: string;
  natdiscoveryExit: number;
  stun: string;
  stunExit: number;
}
const FIXTURES = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'oracle-outputs.json'), 'utf8')) as {
  profiles: Record<LabProfile, Recorded>;
};

describe('lab oracles: parsers on recorded real outputs', function () {
  for (const profile of PROFILES) {
    const rec = FIXTURES.profiles[profile];
    const truth = GROUND_TRUTH[profile];

    it(`natdiscovery output of ${profile} parses to the ground truth`, function () {
      const v = parseNatDiscovery(rec.natdiscovery);
      assert.equal(rec.natdiscoveryExit, 0, 'natdiscovery exits 0 whatever it finds');
      assert.deepEqual(
        { mapping: v.mapping, filtering: v.filtering, natType: v.natType, blocked: v.blocked },
        { mapping: truth.mapping, filtering: truth.filtering, natType: truth.natType, blocked: truth.natType === 'udp-blocked' },
        rec.natdiscovery,
      );
    });

    it(`stun client output of ${profile} parses to the ground truth natType (text and exit code agree)`, function () {
      const v = parseStunClient(rec.stun, rec.stunExit);
      assert.equal(v.natType, truth.natType, rec.stun);
      assert.equal(v.natTypeFromExitCode, truth.natType, rec.stun);
      assert.equal(v.returnValue, rec.stunExit, 'the exit code is the printed return value');
    });
  }

  it('no-nat: "No NAT!" wins over the "NAT with Endpoint Independent Mapping!" printed after it', function () {
    const v = parseNatDiscovery(FIXTURES.profiles['no-nat'].natdiscovery);
    assert.match(FIXTURES.profiles['no-nat'].natdiscovery, /NAT with Endpoint Independent Mapping!/);
    assert.equal(v.mapping, 'none');
    assert.equal(v.mappedAddress?.split(':')[0], '203.0.113.2');
  });

  it('natdiscovery: a verdict line outside its section is not taken for that section', function () {
    const raw = '\n-= Mapping Behavior Discovery =-\nSTUN receive timeout..\n\n-= Filtering Behavior Discovery =-\n\nNAT with Endpoint Independent Mapping!\n';
    const v = parseNatDiscovery(raw);
    assert.equal(v.mapping, 'unknown');
    assert.equal(v.filtering, 'unknown');
    assert.equal(v.blocked, true);
  });

  it('natdiscovery: empty output is unknown, not blocked', function () {
    const v = parseNatDiscovery('');
    assert.deepEqual([v.mapping, v.filtering, v.natType, v.blocked], ['unknown', 'unknown', 'unknown', false]);
  });

  it('stun: symmetric reports neither mapping kind nor filtering; flags come from the text', function () {
    const v = parseStunClient(FIXTURES.profiles.symmetric.stun, 0x18);
    assert.deepEqual([v.natType, v.mapping, v.filtering, v.preservesPort, v.hairpin], ['symmetric', undefined, undefined, false, false]);
  });

  it('stun: "Open" takes hairpin / port flags from the return value', function () {
    const v = parseStunClient('STUN client version 0.97\nPrimary: Open\t\nReturn value is 0x000001\n', 1);
    assert.deepEqual([v.natType, v.mapping, v.filtering, v.preservesPort, v.hairpin], ['open-internet', 'none', 'endpoint-independent', true, true]);
  });

  it('stun: Firewall and unknown outputs', function () {
    assert.equal(parseStunClient('Primary: Firewall\t\nReturn value is 0x00001a\n', 0x1a).natType, 'symmetric-udp-firewall');
    assert.equal(parseStunClient('Primary: 9 unknown NAT type\t\n', 0x1e).natType, 'unknown');
    assert.equal(parseStunClient('', null).natTypeFromExitCode, 'unknown');
  });

  it('type helpers', function () {
    assert.equal(natTypeFromStunReturn(0x17), 'port-restricted-cone');
    assert.equal(natTypeFromStunReturn(0x1c), 'udp-blocked');
    assert.equal(natTypeFrom('none', 'address-and-port-dependent'), 'symmetric-udp-firewall');
    assert.equal(natTypeFrom('address-dependent', 'unknown'), 'symmetric');
    assert.equal(natTypeFrom('endpoint-independent', 'unknown'), 'unknown');
  });
});
