/** One 'abort' listener per signal, however many operations wait on it. */
const waiting = new WeakMap<AbortSignal, { readonly callbacks: Set<() => void>; readonly fire: () => void }>();

/**
 * Calls `callback` when `signal` aborts (at once when it already has); the returned function
 * stops waiting. Every waiter on one signal shares a single 'abort' listener, taken off when the
 * last one stops: a run's signal lives for the whole run and many lookups and transactions wait
 * on it at once, and a listener each made Node print "MaxListenersExceededWarning: Possible
 * EventTarget memory leak detected. 11 abort listeners" (`natprobe reach` on a config with 11
 * host names, `diagnose` with 11 servers).
 */
export function whenAborted(signal: AbortSignal, callback: () => void): () => void {
  if (signal.aborted) {
    callback();
    return () => undefined;
  }
  let entry = waiting.get(signal);
  if (!entry) {
    const callbacks = new Set<() => void>();
    const fire = (): void => {
      waiting.delete(signal);
      for (const f of callbacks) f();
    };
    entry = { callbacks, fire };
    waiting.set(signal, entry);
    signal.addEventListener('abort', fire, { once: true });
  }
  const { callbacks, fire } = entry;
  callbacks.add(callback);
  return () => {
    callbacks.delete(callback);
    if (callbacks.size === 0 && waiting.get(signal)?.fire === fire) {
      waiting.delete(signal);
      signal.removeEventListener('abort', fire);
    }
  };
}
