import assert from 'node:assert/strict';
import { type UdpObservations, classifyUdp } from '../../../src/engine/discovery/classify';

/** Two servers asked over IPv4 for 1500 ms, every send went out, nothing came back. */
const silent: UdpObservations = {
  configuredServers: 2,
  resolveErrors: [],
  asked: 2,
  elapsedMs: 1500,
  answered: false,
  ipv6Answered: false,
  unusable: { wrongTransaction: 0, unexpectedSource: 0, malformed: 0 },
  cancelled: false,
  sends: { attempted: 6, failed: 0 },
};
const none = { wrongTransaction: 0, unexpectedSource: 0, malformed: 0 };

/**
 * Every input that changes the answer, one row each, in the order the rules are tried: a row
 * also sets the inputs of the rules below it, to show that the earlier rule wins.
 */
const table: { name: string; change: Partial<UdpObservations>; value: 'yes' | 'no' | 'unknown'; reason: string }[] = [
  { name: 'nothing came back from requests that went out', change: {}, value: 'no', reason: 'no server answered: 2 server(s) were sent binding requests for 1500 ms and none replied (UDP blocked, offline, or the servers are down)' },
  {
    name: 'a usable answer, whatever else went wrong',
    change: { answered: true, ipv6Answered: true, unusable: { wrongTransaction: 3, unexpectedSource: 0, malformed: 0 }, cancelled: true, socketProblem: 'x', sends: { attempted: 2, failed: 2 } },
    value: 'yes',
    reason: 'STUN servers answered over UDP',
  },
  {
    name: 'only the IPv6 socket got an answer',
    change: { ipv6Answered: true, unusable: { wrongTransaction: 1, unexpectedSource: 0, malformed: 0 }, cancelled: true },
    value: 'yes',
    reason: 'only IPv6 answered: 2 server(s) got binding requests over IPv4 for 1500 ms and none replied, so the NAT tests could not run',
  },
  {
    name: 'one unusable reply (singular), cancelled afterwards',
    change: { unusable: { wrongTransaction: 0, unexpectedSource: 0, malformed: 1 }, cancelled: true },
    value: 'yes',
    reason: 'the server answers, but not correctly: 1 reply came back and none could be used (1 malformed), so UDP gets through; the server is broken or hostile, try another',
  },
  {
    name: 'unusable replies of every kind',
    change: { unusable: { wrongTransaction: 2, unexpectedSource: 1, malformed: 1 } },
    value: 'yes',
    reason:
      'the server answers, but not correctly: 4 replies came back and none could be used (2 with a transaction ID we never sent, 1 with our transaction ID but from an address we did not send to, 1 malformed), so UDP gets through; the server is broken or hostile, try another',
  },
  { name: 'cancelled before any answer', change: { cancelled: true, asked: 0, socketProblem: 'x', sends: { attempted: 2, failed: 2 } }, value: 'unknown', reason: 'cancelled before any server answered' },
  { name: 'no server configured', change: { configuredServers: 0, asked: 0, socketProblem: 'x' }, value: 'unknown', reason: 'no server was configured' },
  {
    name: 'no server could be resolved',
    change: { asked: 0, resolveErrors: ['a: no such host', 'b: timed out'], socketProblem: 'x' },
    value: 'unknown',
    reason: 'no server answered: none of the 2 server(s) could even be resolved, so this machine looks offline (a: no such host; b: timed out)',
  },
  { name: 'the behaviour socket could not be opened', change: { socketProblem: 'cannot open a UDP socket for IPv4: EMFILE', sends: { attempted: 0, failed: 0 } }, value: 'unknown', reason: 'cannot open a UDP socket for IPv4: EMFILE' },
  {
    name: 'every send failed, with a server failure to quote',
    change: { sends: { attempted: 4, failed: 4, firstServerFailure: 'send failed: ENETUNREACH' } },
    value: 'unknown',
    reason: 'no packet could be sent: send failed: ENETUNREACH',
  },
  { name: 'every send failed, nothing to quote', change: { sends: { attempted: 4, failed: 4 } }, value: 'unknown', reason: 'no packet could be sent: the network refused every send' },
  { name: 'some sends failed, some went out: silence counts', change: { sends: { attempted: 4, failed: 3, firstServerFailure: 'x' } }, value: 'no', reason: silentReason() },
  { name: 'no send was attempted at all (but the socket opened)', change: { sends: { attempted: 0, failed: 0 } }, value: 'no', reason: silentReason() },
];

function silentReason(): string {
  return 'no server answered: 2 server(s) were sent binding requests for 1500 ms and none replied (UDP blocked, offline, or the servers are down)';
}

describe('the UDP verdict (classifyUdp)', () => {
  for (const row of table) {
    it(`${row.name}: ${row.value}`, () => {
      const v = classifyUdp({ ...silent, unusable: none, ...row.change });
      assert.deepEqual(v, { value: row.value, reason: row.reason });
    });
  }
});
