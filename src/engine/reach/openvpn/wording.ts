/**
 * What an OpenVPN hard-reset exchange means, in words a person can act on. The causes of
 * silence depend on the wrapping: with tls-auth / tls-crypt(-v2) a server drops a packet whose
 * HMAC does not match without a word, so a wrong key looks exactly like a blocked path.
 */
import { endpointKey, type Endpoint } from '../../net/udp';
import type { ReachResult } from '../types';
import type { RemotePlan } from './config';
import type { Exchange } from './exchange';
import { opcodeName, P_CONTROL_HARD_RESET_CLIENT_V2, P_CONTROL_HARD_RESET_CLIENT_V3 } from './packet';

const WRAP_TEXT = {
  none: 'no tls-auth/tls-crypt',
  'tls-auth': 'tls-auth',
  'tls-crypt': 'tls-crypt',
  'tls-crypt-v2': 'tls-crypt-v2',
} as const;

/** Measured times keep their 0.1 ms; budgets and waits are whole milliseconds. */
function ms(n: number): string {
  return `${Math.round(n * 10) / 10} ms`;
}

/**
 * One switch case per way the exchange ended, each only the words for it: long because it is a
 * table of messages, kept in one place so the wording of every outcome reads side by side.
 */
export function describeExchange(plan: RemotePlan, to: Endpoint, x: Exchange, evidence: string[], budgetMs: number): ReachResult {
  const { target, wrapKind } = plan;
  const where = endpointKey(to);
  const proto = target.transport.toUpperCase();
  const wrapped = wrapKind !== 'none';
  const keyName = wrapKind === 'tls-auth' ? 'tls-auth key (or key-direction)' : `${wrapKind} key`;
  const opcode = opcodeName(wrapKind === 'tls-crypt-v2' ? P_CONTROL_HARD_RESET_CLIENT_V3 : P_CONTROL_HARD_RESET_CLIENT_V2);
  const sentLine = (sent: number, bytes: number): string =>
    `sent ${opcode} (${WRAP_TEXT[wrapKind]}, ${bytes} bytes${target.transport === 'tcp' ? ' with the 2-byte length prefix' : ''}) to ${where} over ${proto}${sent > 1 ? `, ${sent} times (the same reset, repeated for loss)` : ''}`;
  const ignoredLines = (ignored: readonly string[]): string[] => ignored.slice(0, 4).map((why) => `ignored a packet from ${where}: ${why}`);
  const base = { target, address: to.address };

  switch (x.kind) {
    case 'answer': {
      const accepted = wrapped ? `, and accepted our ${WRAP_TEXT[wrapKind]} key` : '';
      const ackOnly = x.reset.opcode === 'P_ACK_V1';
      const busy = ackOnly ? '; it only acknowledged our reset (a point-to-point server busy with another peer does that)' : '';
      const lines = [...evidence, sentLine(x.sent, x.bytesSent), ...ignoredLines(x.ignored)];
      lines.push(`received ${x.reset.opcode} acknowledging our session id after ${ms(x.rttMs)}${wrapped ? `; its ${WRAP_TEXT[wrapKind]} ${wrapKind === 'tls-auth' ? 'HMAC' : 'tag'} checks with our key` : ''}`);
      if (x.reset.resendWrappedKey) lines.push('the server keeps no state for us yet (it asks for the wrapped client key again with the next packet)');
      lines.push('nothing more was sent; the server drops the half-open session on its own');
      return {
        ...base,
        outcome: 'reachable',
        rttMs: x.rttMs,
        summary: `The OpenVPN server at ${where} answered over ${proto} in ${ms(x.rttMs)}${accepted}${busy}.`,
        evidence: lines,
        packetsSent: x.sent,
      };
    }
    case 'unwrapped-answer':
      return {
        ...base,
        outcome: 'error',
        rttMs: x.rttMs,
        summary: `The OpenVPN server at ${where} answered over ${proto} in ${ms(x.rttMs)}, but without ${wrapKind}: it does not use the ${wrapKind} key this config has, and OpenVPN would drop its answer.`,
        evidence: [...evidence, sentLine(x.sent, x.bytesSent), `received P_CONTROL_HARD_RESET_SERVER_V2 for our session id after ${ms(x.rttMs)}, not wrapped with ${wrapKind}`],
        nextStep: `Give the server the same ${wrapKind} key, or remove ${wrapKind} from this config if the server really runs without it.`,
        packetsSent: x.sent,
      };
    case 'silence': {
      const lines = [...evidence, sentLine(x.sent, x.bytesSent), ...ignoredLines(x.ignored)];
      if (x.ignored.length > 0) {
        return {
          ...base,
          outcome: 'error',
          summary: `${where} answered over ${proto}, but not with an OpenVPN answer to our reset: ${x.ignored[0]}.`,
          evidence: lines,
          possibleCauses: wrapped
            ? [`another service listens on this port`, `the server's ${keyName} differs from this config's`]
            : ['another service listens on this port', 'a middlebox answers for it'],
          nextStep: `Check that OpenVPN listens on ${target.transport} ${to.port} at ${to.address}.`,
          packetsSent: x.sent,
        };
      }
      const tcpOpen = target.transport === 'tcp';
      lines.push(tcpOpen ? `the TCP connection opened, then no answer in ${ms(Math.round(x.waitedMs))}` : `no answer in ${ms(Math.round(x.waitedMs))}`);
      const causes = tcpOpen
        ? [
            ...(wrapped ? [`the server's ${keyName} differs from this config's, or the server wraps with something else (OpenVPN stays silent to a packet it cannot authenticate)`] : []),
            'something other than OpenVPN accepted the connection (a proxy or another service)',
            'the server is overloaded or stuck',
          ]
        : wrapped
          ? [
              `UDP to port ${to.port} is blocked on the path`,
              `the server is down or not listening on UDP ${to.port}`,
              `the server's ${keyName} differs from this config's, or the server wraps with something else (OpenVPN stays silent to a packet it cannot authenticate)`,
            ]
          : [
              `UDP to port ${to.port} is blocked on the path`,
              `the server is down or not listening on UDP ${to.port}`,
              'the server requires tls-auth or tls-crypt, which this config lacks',
            ];
      return {
        ...base,
        outcome: 'no-answer',
        summary: tcpOpen
          ? `${where} accepted the TCP connection but did not answer our OpenVPN reset in ${ms(Math.round(budgetMs))}.`
          : `No answer from ${where} over UDP in ${ms(Math.round(budgetMs))}.`,
        evidence: lines,
        possibleCauses: causes,
        nextStep: wrapped
          ? `Check that the server runs and listens on ${target.transport} ${to.port}, that firewalls on both ends let it through, and that the ${keyName} matches the server's.`
          : `Check that the server runs and listens on ${target.transport} ${to.port} and that firewalls on both ends let it through.`,
        packetsSent: x.sent,
      };
    }
    case 'refused':
      return {
        ...base,
        outcome: 'refused',
        rttMs: x.afterMs,
        summary: `${to.address} says nothing listens on UDP port ${to.port} (ICMP port unreachable).`,
        evidence: [...evidence, sentLine(x.sent, x.bytesSent), `ICMP port unreachable from ${to.address} after ${ms(x.afterMs)}`],
        nextStep: `Start the OpenVPN server, or fix the port: the host is up but nothing is bound to UDP ${to.port}.`,
        packetsSent: x.sent,
      };
    case 'closed': {
      const lines = [...evidence, sentLine(x.sent, x.bytesSent), ...ignoredLines(x.ignored), `the server closed the connection ${ms(x.afterMs)} after our reset (${x.why}), without an OpenVPN answer`];
      return {
        ...base,
        outcome: 'no-answer',
        summary: `${where} accepted the TCP connection, then dropped it without answering our OpenVPN reset.`,
        evidence: lines,
        possibleCauses: [
          ...(wrapped ? [`the server's ${keyName} differs from this config's`] : ['the server requires tls-auth or tls-crypt, which this config lacks']),
          'something other than OpenVPN listens on this port',
          'the server refuses new clients (max-clients, connect limits)',
        ],
        nextStep: wrapped ? `Compare the ${keyName} with the server's, and check the server's log for "TLS Error".` : `Check the server's log for why it closed the connection.`,
        packetsSent: x.sent,
      };
    }
    case 'connect-failed': {
      if (x.error === 'refused') {
        return {
          ...base,
          outcome: 'refused',
          rttMs: x.afterMs,
          summary: `Connection refused: nothing listens on TCP port ${to.port} at ${to.address}.`,
          evidence: [...evidence, `TCP connection to ${where} refused after ${ms(x.afterMs)}${x.detail ? ` (${x.detail})` : ''}; no OpenVPN packet was sent`],
          nextStep: `Start the OpenVPN server, or fix the port or the proto (the server may listen on UDP).`,
          packetsSent: 0,
        };
      }
      const unreachable = x.error === 'unreachable';
      return {
        ...base,
        outcome: 'no-answer',
        summary: unreachable
          ? `${to.address} is unreachable from here (${x.detail ?? 'no route'}).`
          : `No answer to the TCP connection request to ${where} in ${ms(x.afterMs)}.`,
        evidence: [...evidence, `TCP connection to ${where} failed: ${x.error}${x.detail && x.detail !== x.error ? ` (${x.detail})` : ''}; no OpenVPN packet was sent`],
        possibleCauses: unreachable
          ? ['no route to the server from this network', 'the server host is down']
          : [`TCP to port ${to.port} is blocked on the path`, 'the server host is down'],
        nextStep: `Check that the server is up and that firewalls let TCP ${to.port} through.`,
        packetsSent: 0,
      };
    }
    case 'local-error':
      return {
        ...base,
        outcome: 'not-tested',
        summary: `Not tested: ${x.error}.`,
        evidence: [...evidence, x.error],
        packetsSent: x.sent,
      };
    case 'aborted':
      return { ...base, outcome: 'not-tested', summary: 'Not tested: cancelled before an answer.', evidence, packetsSent: x.sent };
  }
}
