import type { MappingLifetime } from '../../../report/report';

/** The lifetime answer when nothing was measured: every figure null, inbound refresh unknown, and why. */
export function unknownLifetime(reason: string): MappingLifetime {
  return { value: null, idleSeconds: null, refreshedByInbound: 'unknown', absoluteSeconds: null, reason };
}

/**
 * A RESPONSE-PORT answer sent to `port` of the public address `address`, a port this host never
 * sent from, reached it: nothing translates or filters, so no mapping exists to expire. Not
 * applicable rather than unknown: nothing failed, the question does not arise.
 */
export function nothingToExpire(port: number, address: string, ownAddress: boolean): MappingLifetime {
  return {
    ...unknownLifetime(
      `no mapping to expire: a packet to port ${port}, which this host never sent from, reached it ` +
        (ownAddress ? `(${address} is this host's own address: no NAT, no stateful firewall)` : '(no NAT, or a router forwarding every port to this host)'),
    ),
    notApplicable: true,
  };
}

/**
 * The same-socket fallback cannot tell an expired-and-re-created mapping from a survivor when the
 * public port equals the local one (`address` is this host's own, or the NAT preserves ports).
 */
export function notMeasurableBySameSocket(fallbackWhy: string, address: string, ownAddress: boolean): MappingLifetime {
  return unknownLifetime(
    `not measurable: ${fallbackWhy}, so the fallback would ask again from the same socket after idling and compare ` +
      `public ports; but ${ownAddress ? `${address} is this host's own address (no NAT)` : 'the NAT keeps the local port as the public port'}, ` +
      'so a mapping that expired and was re-created looks exactly like one that survived. ' +
      'Use a server that honours RESPONSE-PORT (natprobe serve, or coturn with two addresses).',
  );
}
