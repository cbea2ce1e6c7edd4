import type { PortResult } from './report';

/**
 * The one line a person reads after "Test VPN ports" ("udp/51820 blocked, 5 reachable"): the
 * ports that did not get through by name (they are what needs doing), the others counted. Pure
 * and unit-tested; the words come from the caller (translated in the extension).
 */
export interface PortsSummaryWords {
  blocked(ports: string): string;
  reachable(count: number): string;
  unknown(count: number): string;
  /** Joins the parts: "udp/51820 blocked" + "5 reachable". */
  join(parts: readonly string[]): string;
  more(count: number): string;
  none: string;
}

export const ENGLISH_PORTS_WORDS: PortsSummaryWords = {
  blocked: (ports) => `${ports} blocked`,
  reachable: (n) => (n === 1 ? '1 reachable' : `${n} reachable`),
  unknown: (n) => (n === 1 ? '1 could not be told' : `${n} could not be told`),
  join: (parts) => parts.join(', '),
  more: (n) => `+${n} more`,
  none: 'no port tested',
};

/** At most this many blocked ports are named; the rest are counted ("+2 more"). */
const NAMED = 3;

export function portsSummary(ports: readonly PortResult[] | undefined, words: PortsSummaryWords = ENGLISH_PORTS_WORDS): string {
  if (!ports || ports.length === 0) return words.none;
  const blocked = ports.filter((p) => p.reachable === 'no').map((p) => `${p.protocol}/${p.port}`);
  const reachable = ports.filter((p) => p.reachable === 'yes').length;
  const unknown = ports.length - blocked.length - reachable;
  const parts: string[] = [];
  if (blocked.length) {
    const named = blocked.slice(0, NAMED).join(', ');
    parts.push(words.blocked(blocked.length > NAMED ? `${named} ${words.more(blocked.length - NAMED)}` : named));
  }
  if (reachable) parts.push(words.reachable(reachable));
  if (unknown) parts.push(words.unknown(unknown));
  return words.join(parts);
}
