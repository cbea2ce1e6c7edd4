// What a hostile server can put in the text fields of a report, and a real diagnosis against one.
import { diagnose } from '../../src/engine/discovery/discover';
import { startReflector } from '../../src/engine/server/reflector';
import type { Report } from '../../src/report/report';
import { VirtualClock, VirtualNetwork } from '../support/vnet';

/**
 * Window-title change (OSC 0 … BEL), clear screen, a colour, a carriage return that overwrites the
 * line with a fake verdict, a newline that forges a line, a C1 CSI (U+009B), a right-to-left
 * override, DEL and NUL, plus Markdown/HTML markup.
 */
export const HOSTILE =
  '\u001b]0;pwned\u0007\u001b[2J\u001b[31mred\rVerdict: No NAT\nfake line\u009b31m\u202eevil\u2066x\u007f\u0000 [click](https://evil.example) <img src=x onerror=alert(1)> **bold** &#x202e;';

/** Every character that must never reach a terminal or a log raw. */
// eslint-disable-next-line no-control-regex
export const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** A real diagnosis on the virtual network against an RFC 5780 server whose SOFTWARE is `software`. */
export async function reportFromHostileServer(software = HOSTILE): Promise<Report> {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 7 });
  const server = net.addHost({ addresses: ['198.51.100.1', '198.51.100.2'] });
  await startReflector({ factory: server, primary: { address: '198.51.100.1', port: 3478 }, alternate: { address: '198.51.100.2', port: 3479 }, software });
  const nat = net.addNat({ publicAddresses: ['203.0.113.5'], mapping: 'endpoint-independent', filtering: 'address-and-port-dependent' });
  const factory = net.addHost({ addresses: ['192.168.1.2'], behind: nat });
  return clock.run(
    diagnose({
      servers: [{ host: '198.51.100.1', port: 3478 }],
      factory,
      clock,
      resolve: async (host) => [{ address: host, family: 4 }],
      interfaces: () => [{ name: 'eth0', address: '192.168.1.2', family: 4, internal: false }],
      budgetMs: 5000,
      version: 'test',
      now: () => new Date(0),
    }),
  );
}

/** The same text in every free-text field a server or resolver can influence. */
export function everywhere(report: Report, text = HOSTILE): Report {
  const ev = [{ test: text, observation: text }];
  return {
    ...report,
    udpReason: text,
    servers: report.servers.map((s) => ({ ...s, host: text, software: text, error: text, otherAddress: text })),
    publicEndpoints: report.publicEndpoints.map((p) => ({ ...p, server: text })),
    mapping: { ...report.mapping, reason: text, evidence: ev },
    filtering: { ...report.filtering, reason: text, evidence: ev },
    portPreservation: { ...report.portPreservation, reason: text },
    natType: { value: 'unknown', reason: text },
    cgnat: { ...report.cgnat, reason: text, evidence: ev, excludedInterfaces: [text] },
    hairpinning: { value: 'unknown', reason: text },
    doubleNat: { value: 'unknown', reason: text },
    mappingLifetime: { value: null, idleSeconds: null, refreshedByInbound: 'unknown', absoluteSeconds: null, reason: text },
    ports: [{ protocol: 'udp', port: 51820, reachable: 'unknown', basis: text }],
    portMapping: { upnp: 'unknown', natPmp: 'unknown', pcp: 'unknown', gateway: text, reasons: { upnp: text, natPmp: text, pcp: text }, evidence: ev },
    turn: { value: 'no', relayedAddress: text, rttMs: null, error: text },
    // Two entries, so the ranking is drawn too.
    turnServers: [
      { url: text, value: 'yes', relayedAddress: text, rttMs: 12, error: null, released: true },
      { url: text, value: 'no', relayedAddress: text, rttMs: null, error: text, released: null },
    ],
    recommendations: [{ id: 'x', severity: 'warning', text, evidence: ev, rfc: text }],
  };
}
