import assert from 'node:assert/strict';
import type { BehaviourVerdict } from '../../../src/report/report';
import { classifyFiltering, classifyMapping, deriveNatType, portPreservation, sequentialPorts } from '../../../src/engine/discovery/classify';

const A1P1 = { address: '198.51.100.1', port: 3478 };
const A2P1 = { address: '198.51.100.2', port: 3478 };
const A2P2 = { address: '198.51.100.2', port: 3479 };
const A1P2 = { address: '198.51.100.1', port: 3479 };
const m = (port: number, address = '203.0.113.7') => ({ address, port });
const base = { localPort: 40000, localAddresses: ['192.168.1.2'], others: [] };

describe('RFC 5780 §4.3 mapping classification', () => {
  it('X1 = X2: endpoint-independent', () => {
    const v = classifyMapping({ ...base, primary: { server: A1P1, mapped: m(40000) }, altIp: { server: A2P1, mapped: m(40000) }, altBoth: { server: A2P2, mapped: m(40000) } });
    assert.equal(v.value, 'endpoint-independent');
    assert.equal(v.evidence.length, 3);
  });
  it('X1 ≠ X2, X2 = X3: address-dependent', () => {
    const v = classifyMapping({ ...base, primary: { server: A1P1, mapped: m(1) }, altIp: { server: A2P1, mapped: m(2) }, altBoth: { server: A2P2, mapped: m(2) } });
    assert.equal(v.value, 'address-dependent');
  });
  it('X1 ≠ X2 ≠ X3: address-and-port-dependent', () => {
    const v = classifyMapping({ ...base, primary: { server: A1P1, mapped: m(1) }, altIp: { server: A2P1, mapped: m(2) }, altBoth: { server: A2P2, mapped: m(3) } });
    assert.equal(v.value, 'address-and-port-dependent');
  });
  it('the mapped address is our own: none (no NAT)', () => {
    const v = classifyMapping({ ...base, localAddresses: ['203.0.113.7'], primary: { server: A1P1, mapped: m(40000) } });
    assert.equal(v.value, 'none');
  });
  it('same address but another port is still a NAT (not "none")', () => {
    const v = classifyMapping({ ...base, localAddresses: ['203.0.113.7'], primary: { server: A1P1, mapped: m(40001) }, altIp: { server: A2P1, mapped: m(40001) } });
    assert.equal(v.value, 'endpoint-independent');
  });
  it('without RFC 5780: equal mappings from two server addresses are endpoint-independent', () => {
    const v = classifyMapping({ ...base, others: [{ server: A1P1, mapped: m(5) }, { server: A2P1, mapped: m(5) }] });
    assert.equal(v.value, 'endpoint-independent');
  });
  it('without RFC 5780: differing mappings from two addresses are unknown-but-varying, which derives "symmetric"', () => {
    const v = classifyMapping({ ...base, others: [{ server: A1P1, mapped: m(5) }, { server: A2P1, mapped: m(6) }] });
    assert.equal(v.value, 'unknown');
    assert.match(v.reason, /changes with the destination/);
    assert.equal(deriveNatType('yes', v, { value: 'unknown', reason: 'x', evidence: [] }).value, 'symmetric');
  });
  it('one server only: unknown, saying that two are needed', () => {
    const v = classifyMapping({ ...base, others: [{ server: A1P1, mapped: m(5) }] });
    assert.equal(v.value, 'unknown');
    assert.match(v.reason, /needs two/);
  });
  it('nothing answered: unknown', () => {
    assert.equal(classifyMapping(base).value, 'unknown');
  });
});

describe('RFC 5780 §4.4 filtering classification', () => {
  const server = { primary: A1P1, other: A2P2 };
  it('test II answered from the other address and port: endpoint-independent', () => {
    const v = classifyFiltering({ server, changeBoth: { state: 'answered', from: A2P2 }, changePort: { state: 'answered', from: A1P2 } });
    assert.equal(v.value, 'endpoint-independent');
  });
  it('only test III answered: address-dependent', () => {
    const v = classifyFiltering({ server, changeBoth: { state: 'silent', detail: 'x' }, changePort: { state: 'answered', from: A1P2 } });
    assert.equal(v.value, 'address-dependent');
  });
  it('both silent: address-and-port-dependent', () => {
    const v = classifyFiltering({ server, changeBoth: { state: 'silent', detail: 'x' }, changePort: { state: 'silent', detail: 'y' } });
    assert.equal(v.value, 'address-and-port-dependent');
  });
  it('a server answering CHANGE-REQUEST from its primary address is caught, not trusted', () => {
    const v = classifyFiltering({ server, changeBoth: { state: 'wrong-source', from: A1P1 }, changePort: { state: 'wrong-source', from: A1P1 } });
    assert.equal(v.value, 'unknown');
    assert.match(v.reason, /does not really honour CHANGE-REQUEST/);
  });
  it('no RFC 5780 server: unknown with the reason given', () => {
    const v = classifyFiltering({ missing: 'no OTHER-ADDRESS' });
    assert.deepEqual([v.value, v.reason], ['unknown', 'no OTHER-ADDRESS']);
  });
});

describe('the classic NAT type is derived from mapping × filtering', () => {
  const v = (value: BehaviourVerdict['value']): BehaviourVerdict => ({ value, reason: 'r', evidence: [] });
  const cases: [BehaviourVerdict['value'], BehaviourVerdict['value'], string][] = [
    ['endpoint-independent', 'endpoint-independent', 'full-cone'],
    ['endpoint-independent', 'address-dependent', 'restricted-cone'],
    ['endpoint-independent', 'address-and-port-dependent', 'port-restricted-cone'],
    ['address-dependent', 'endpoint-independent', 'symmetric'],
    ['address-and-port-dependent', 'address-and-port-dependent', 'symmetric'],
    ['none', 'endpoint-independent', 'open-internet'],
    ['none', 'address-and-port-dependent', 'symmetric-udp-firewall'],
    ['endpoint-independent', 'unknown', 'unknown'],
  ];
  for (const [mapping, filtering, expected] of cases) {
    it(`${mapping} mapping + ${filtering} filtering → ${expected}`, () => assert.equal(deriveNatType('yes', v(mapping), v(filtering)).value, expected));
  }
  it('a port that changes per destination is symmetric, not port-restricted (the seed article got this wrong)', () => {
    assert.equal(deriveNatType('yes', v('address-and-port-dependent'), v('address-and-port-dependent')).value, 'symmetric');
  });
  it('no UDP at all: udp-blocked; UDP untested: unknown', () => {
    assert.equal(deriveNatType('no', v('unknown'), v('unknown')).value, 'udp-blocked');
    assert.equal(deriveNatType('unknown', v('unknown'), v('unknown')).value, 'unknown');
  });
});

describe('port preservation', () => {
  it('yes when every mapping kept the local port', () => assert.equal(portPreservation(false, [{ local: 5, mapped: 5 }]).value, 'yes'));
  it('no when one changed', () => assert.equal(portPreservation(false, [{ local: 5, mapped: 5 }, { local: 6, mapped: 9 }]).value, 'no'));
  it('not applicable without a NAT: its own state, still "unknown" for readers that predate it', () => {
    const a = portPreservation(true, [{ local: 5, mapped: 5 }]);
    assert.deepEqual([a.value, a.notApplicable], ['unknown', true]);
  });
  it('unknown (could not tell, not "not applicable") without observations', () => {
    const a = portPreservation(false, []);
    assert.deepEqual([a.value, a.notApplicable], ['unknown', undefined]);
  });
});

describe('sequential ports: does a NAT whose mapping changes per destination count its ports up?', () => {
  const varies: BehaviourVerdict = { value: 'address-and-port-dependent', reason: 'test III', evidence: [] };
  it('yes, with the step, when the new mappings sit in a narrow block (one per destination, one per filtering socket)', () => {
    const a = sequentialPorts(varies, [30002, 30000, 30001, 30001, 30003, 30005]);
    assert.equal(a.value, 'yes', a.reason);
    assert.equal(a.stride, 1, 'the step taken most often; a wider gap is other traffic in between');
    assert.match(a.reason, /30000, 30001, 30002, 30003, 30005/);
  });
  it('a NAT that steps by two', () => assert.equal(sequentialPorts(varies, [5000, 5002, 5004]).stride, 2));
  it('no when the ports are spread (random allocation)', () => {
    const a = sequentialPorts(varies, [41234, 1299, 60001]);
    assert.deepEqual([a.value, a.stride], ['no', null]);
    assert.match(a.reason, /cannot be predicted/);
  });
  it('one gap wider than 16 is enough for no: the next port is not predictable from the last', () => assert.equal(sequentialPorts(varies, [100, 101, 130]).value, 'no'));
  it('unknown with fewer than three distinct ports: two close ports happen by chance one time in 2,000', () => {
    const a = sequentialPorts(varies, [30000, 30001, 30001]);
    assert.deepEqual([a.value, a.notApplicable, a.stride], ['unknown', undefined, null]);
  });
  it('not applicable to an endpoint-independent mapping or no NAT: a peer aims at the one port', () => {
    for (const value of ['endpoint-independent', 'none'] as const) {
      const a = sequentialPorts({ value, reason: '', evidence: [] }, [1, 2, 3]);
      assert.deepEqual([a.value, a.notApplicable], ['unknown', true]);
    }
  });
  it('unknown (could not tell) when the mapping behaviour is unknown', () => {
    const a = sequentialPorts({ value: 'unknown', reason: 'no usable answer came back', evidence: [] }, [1, 2, 3]);
    assert.deepEqual([a.value, a.notApplicable], ['unknown', undefined]);
  });
});
