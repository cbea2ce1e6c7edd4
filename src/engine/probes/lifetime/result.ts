import type { MappingLifetime } from '../../../report/report';

/** The lifetime answer when nothing was measured: every figure null, inbound refresh unknown, and why. */
export function unknownLifetime(reason: string): MappingLifetime {
  return { value: null, idleSeconds: null, refreshedByInbound: 'unknown', absoluteSeconds: null, reason };
}
