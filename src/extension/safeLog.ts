import { safeText } from '../report/safeText';

/** The log channel's line-writing methods: one call is one line in the log (and its file). */
const LINE_METHODS = new Set<PropertyKey>(['trace', 'debug', 'info', 'warn', 'error', 'appendLine', 'append', 'replace']);

/** Log lines can be longer than report fields (a whole command line), but not unbounded. */
const MAX_LOG_LINE = 4000;

/**
 * A log channel whose lines are written through safeText: the probe's log lines and many messages
 * quote what servers sent (SOFTWARE, reason phrases, realms, UPnP strings), and a CR, newline or
 * bidi override there must not forge or disguise a line in the NAT Probe log. Objects (an Error)
 * are passed on as they are. No vscode import: the channel is whatever object is given.
 */
export function withSafeLines<T extends object>(channel: T): T {
  return new Proxy(channel, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...a: unknown[]) => unknown;
      if (!LINE_METHODS.has(property)) return fn.bind(target);
      return (...args: unknown[]) => fn.apply(target, args.map((a) => (typeof a === 'string' ? safeText(a, MAX_LOG_LINE) : a)));
    },
  });
}
