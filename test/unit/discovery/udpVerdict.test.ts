import assert from 'node:assert/strict';
import { type UdpObservations, classifyUdp } from '../../../src/engine/discovery/classify';
import type { TcpRoundTrip } from '../../../src/engine/discovery/tcpRoundTrip';

const A = { address: '198.51.100.1', port: 3478 };
const B = { address: '198.51.100.7', port: 3478 };
const tcpRefused: TcpRoundTrip = { server: A, outcome: 'refused', handshakeMs: 12.5, detail: 'x' };
const tcpStun: TcpRoundTrip = { server: B, outcome: 'stun', handshakeMs: 10, stunMs: 11.2, detail: 'x' };
const tcpAccepted: TcpRoundTrip = { server: B, outcome: 'accepted', handshakeMs: 9.8, detail: 'x' };
const tcpSilent: TcpRoundTrip = { server: A, outcome: 'silent', detail: 'x' };
const tcpUnreachable: TcpRoundTrip = { server: B, outcome: 'unreachable', detail: 'x' };

/** Two servers asked over IPv4, every send went out, nothing came back; no TCP tried. */
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
  refused: [],
  silent: ['198.51.100.1:3478', '198.51.100.7:3478'],
  window: { basis: 'budget', ms: 1480, reason: 'the whole budget' },
};
const none = { wrongTransaction: 0, unexpectedSource: 0, malformed: 0 };

/**
 * Every input that changes the answer, one row each, in the order the rules are tried: a row
 * also sets the inputs of the rules below it, to show that the earlier rule wins.
 */
const table: { name: string; change: Partial<UdpObservations>; value: 'yes' | 'no' | 'unknown'; reason: string }[] = [
  { name: 'nothing came back from two servers and nothing else was tried: not evidence of blocking', change: {}, value: 'unknown', reason: silentReason() },
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
    reason: 'no server answered: none of the 2 server(s) could be resolved (check the names: DNS says at least one does not exist)',
  },
  {
    name: 'no server could be resolved, DNS silent',
    change: { asked: 0, resolveErrors: ['a: DNS lookup of a took longer than 1200 ms', 'b: DNS lookup of b took longer than 1200 ms'], socketProblem: 'x' },
    value: 'unknown',
    reason: 'no server answered: none of the 2 server(s) could be resolved, so this machine looks offline (DNS did not answer)',
  },
  { name: 'the behaviour socket could not be opened', change: { socketProblem: 'cannot open a UDP socket for IPv4: EMFILE', sends: { attempted: 0, failed: 0 } }, value: 'unknown', reason: 'cannot open a UDP socket for IPv4: EMFILE' },
  {
    name: 'every send failed, with a server failure to quote',
    change: { sends: { attempted: 4, failed: 4, firstServerFailure: 'send failed: ENETUNREACH' } },
    value: 'unknown',
    reason: 'no packet could be sent: send failed: ENETUNREACH',
  },
  { name: 'every send failed, nothing to quote', change: { sends: { attempted: 4, failed: 4 } }, value: 'unknown', reason: 'no packet could be sent: the network refused every send' },
  { name: 'some sends failed, some went out: silence counts', change: { sends: { attempted: 4, failed: 3, firstServerFailure: 'x' } }, value: 'unknown', reason: silentReason() },
  {
    name: 'some sends failed, some went out, a host answers TCP: blocked',
    change: { sends: { attempted: 4, failed: 3, firstServerFailure: 'x' }, tcp: [tcpAccepted] },
    value: 'no',
    reason: 'UDP is blocked: no UDP answer from any of the 2 servers in 1480 ms, while 198.51.100.7:3478 answers over TCP (handshake in 9.8 ms), so the path works and UDP does not get through',
  },
  { name: 'no send was attempted at all (but the socket opened)', change: { sends: { attempted: 0, failed: 0 } }, value: 'unknown', reason: silentReason() },
  {
    name: 'ICMP port unreachable from one server, the other silent, even with TCP answering: nothing listens there',
    change: { refused: ['198.51.100.1:3478'], silent: ['198.51.100.7:3478'], tcp: [tcpStun] },
    value: 'unknown',
    reason:
      "nothing listens on 198.51.100.1:3478: its host answers with ICMP port unreachable, so UDP reaches it (a firewall on the way that rejects UDP would look the same); check the server's address and port; 198.51.100.7:3478 did not answer at all",
  },
  {
    name: 'ICMP port unreachable from both servers',
    change: { refused: ['198.51.100.1:3478', '198.51.100.7:3478'], silent: [] },
    value: 'unknown',
    reason:
      "nothing listens on 198.51.100.1:3478, 198.51.100.7:3478: their hosts answer with ICMP port unreachable, so UDP reaches them (a firewall on the way that rejects UDP would look the same); check the server's address and port",
  },
  {
    name: 'UDP silent while a host resets TCP (it is there): blocked',
    change: { tcp: [tcpRefused, tcpSilent], window: { basis: 'tcp-rtt', ms: 400, reason: 'x' } },
    value: 'no',
    reason: 'UDP is blocked: no UDP answer from any of the 2 servers in 400 ms, while 198.51.100.1:3478 answers over TCP (connection refused in 12.5 ms), so the path works and UDP does not get through',
  },
  {
    name: 'one server, UDP silent, STUN over TCP answers: blocked',
    change: { asked: 1, silent: ['198.51.100.7:3478'], tcp: [tcpStun], window: { basis: 'tcp-rtt', ms: 400, reason: 'x' } },
    value: 'no',
    reason: 'UDP is blocked: no UDP answer from 198.51.100.7:3478 in 400 ms, while its host answers over TCP (STUN over TCP in 11.2 ms), so the path works and UDP does not get through',
  },
  {
    name: 'one server, UDP silent, TCP handshake completes (no STUN over TCP): blocked',
    change: { asked: 1, silent: ['198.51.100.7:3478'], tcp: [tcpAccepted] },
    value: 'no',
    reason: 'UDP is blocked: no UDP answer from 198.51.100.7:3478 in 1480 ms, while its host answers over TCP (handshake in 9.8 ms), so the path works and UDP does not get through',
  },
  {
    name: 'one silent server and nothing else tried: down or blocked, named',
    change: { asked: 1, silent: ['198.51.100.1:3478'] },
    value: 'unknown',
    reason: 'the server is down or UDP is blocked: 198.51.100.1:3478 did not answer over UDP in 1480 ms, and nothing else answered to tell which',
  },
  {
    name: 'one silent server, TCP silent too',
    change: { asked: 1, silent: ['198.51.100.1:3478'], tcp: [tcpSilent] },
    value: 'unknown',
    reason: 'the server is down or UDP is blocked: 198.51.100.1:3478 did not answer over UDP in 1480 ms, nor over TCP, and nothing else answered to tell which',
  },
  {
    name: 'two silent servers, TCP silent or unreachable: not evidence of blocking',
    change: { tcp: [tcpSilent, tcpUnreachable] },
    value: 'unknown',
    reason: 'the servers are down, this machine is offline, or UDP is blocked: none of the 2 servers answered over UDP in 1480 ms, nor over TCP, and nothing else answered to tell which',
  },
];

function silentReason(): string {
  return 'the servers are down, this machine is offline, or UDP is blocked: none of the 2 servers answered over UDP in 1480 ms, and nothing else answered to tell which';
}

describe('the UDP verdict (classifyUdp)', () => {
  for (const row of table) {
    it(`${row.name}: ${row.value}`, () => {
      const v = classifyUdp({ ...silent, unusable: none, ...row.change });
      assert.deepEqual(v, { value: row.value, reason: row.reason });
    });
  }
});
