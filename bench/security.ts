import * as dgram from 'node:dgram';
import { nodeUdpFactory } from '../src/engine/net/nodeUdp';
import { startReflector } from '../src/engine/server/reflector';
import { serve } from '../test/cli/serve';
import { SERVE_SOFTWARE } from '../src/engine/server/reflectorLogic';
import { DEFAULT_BURST, DEFAULT_GLOBAL_RATE_PER_SECOND, DEFAULT_RATE_PER_SECOND } from '../src/engine/server/sourceRateLimit';
import { Method, encodeMessage, newTransactionId } from '../src/engine/stun';
import { ATTACKS } from '../test/security/attacks';
import { askOnce, coturnAvailability, startLoopbackCoturn } from '../test/security/coturn';

/**
 * `natprobe serve` as a public reflector, on loopback only (127.0.0.1-3), bounded, stops itself.
 * 1. Amplification: bytes out / bytes in for each request an attacker can send, ours (the real
 *    reflector on UDP sockets) beside coturn's turnserver in RFC 5780 mode answering the same
 *    bytes. Target: ours ≤ coturn for Binding, ≤ 1× (or silence) for everything else.
 * 2. The rate limit's effect: one source floods 20,000 Binding requests as fast as it can; the
 *    answers it gets with the default limit and with the limit lifted, and whether a second
 *    source is answered during the flood. Target: answers ≤ burst + rate × duration.
 * 3. The global cap's effect: 200 sources (127.1.0.1-200, as forged sources would be, each a
 *    different victim) send 100 requests each, inside every source's own burst; the answers in
 *    all with the default cap and with it lifted. Target: answers ≤ cap × (1 + duration).
 */
export async function benchSecurity(): Promise<{ ok: boolean; lines: string[] }> {
  const lines = ['serve on a public host (loopback; timings noisy on a shared machine)'];
  let ok = true;
  const base = 40000 + (process.pid % 10000) * 2;
  const ours = await startReflector({
    factory: nodeUdpFactory,
    primary: { address: '127.0.0.1', port: base },
    alternate: { address: '127.0.0.2', port: base + 1 },
    software: SERVE_SOFTWARE,
  });
  const a = coturnAvailability();
  const coturn = a.ok ? await startLoopbackCoturn().catch((err: unknown) => String(err)) : a.reason;
  try {
    lines.push('  Amplification (answer bytes / request bytes; "-" = no answer)');
    lines.push('  request                                     in B   ours B  coturn B   ours×  coturn×  ok');
    for (const attack of ATTACKS) {
      const request = attack.build();
      const mine = (await askOnce(ours.endpoints[0], request, 300)) ?? 0;
      const theirs = typeof coturn === 'string' ? undefined : ((await askOnce(coturn.primary, request, 300)) ?? 0);
      const pass = attack.binding ? theirs === undefined || mine <= Math.max(theirs, request.length) : mine <= request.length;
      ok &&= pass;
      const ratio = (n: number | undefined): string => (n === undefined ? 'n/a' : n === 0 ? '-' : (n / request.length).toFixed(2));
      lines.push(
        `  ${attack.name.padEnd(42)} ${String(request.length).padStart(4)} ${String(mine || '-').padStart(8)} ${String(theirs === undefined ? 'n/a' : theirs || '-').padStart(9)} ${ratio(mine).padStart(7)} ${ratio(theirs).padStart(8)}  ${pass ? 'yes' : 'NO'}`,
      );
    }
    if (typeof coturn === 'string') lines.push(`  coturn column skipped: ${coturn}`);
  } finally {
    ours.close();
    if (typeof coturn !== 'string') coturn.stop();
  }

  lines.push(`  Rate limit: natprobe serve (its own process) flooded with ${FLOOD} Binding requests from one source;`);
  lines.push('  a second source asks mid-flood (3 tries, 500 ms apart, as a client retransmits)');
  lines.push('  limit                      sent   answered   seconds  answers/s  second source  ok');
  for (const limited of [true, false]) {
    const port = base + 2;
    const child = await serve(['--primary', `127.0.0.1:${port}`, ...(limited ? [] : ['--rate', '100000', '--burst', '1000000', '--global-rate', '1000000'])]);
    try {
      const r = await flood({ address: '127.0.0.1', port }, FLOOD);
      const bound = DEFAULT_BURST + DEFAULT_RATE_PER_SECOND * r.seconds + 1;
      const pass = r.secondServed && (!limited || r.answered <= bound);
      ok &&= pass;
      lines.push(
        `  ${(limited ? `${DEFAULT_RATE_PER_SECOND}/s, burst ${DEFAULT_BURST} (default)` : 'none (--rate 100000)').padEnd(25)} ${String(r.sent).padStart(6)} ${String(r.answered).padStart(10)} ${r.seconds.toFixed(2).padStart(9)} ${(r.answered / r.seconds).toFixed(0).padStart(10)}  ${(r.secondServed ? 'answered' : 'NOT answered').padStart(13)}  ${pass ? 'yes' : 'NO'}`,
      );
    } finally {
      child.kill('SIGTERM');
    }
  }

  lines.push(`  Global cap: natprobe serve flooded by ${MANY_SOURCES} sources x ${PER_SOURCE} Binding requests (each inside its own burst)`);
  lines.push('  cap                        sent   answered   seconds  answers/s  ok');
  for (const capped of [true, false]) {
    const port = base + 3;
    const child = await serve(['--primary', `127.0.0.1:${port}`, ...(capped ? [] : ['--global-rate', '1000000'])]);
    try {
      const r = await floodFromMany({ address: '127.0.0.1', port });
      const bound = DEFAULT_GLOBAL_RATE_PER_SECOND * (1 + r.seconds);
      const pass = capped ? r.answered <= bound : r.answered > bound;
      ok &&= pass;
      lines.push(
        `  ${(capped ? `${DEFAULT_GLOBAL_RATE_PER_SECOND}/s (default)` : 'none (--global-rate 1e6)').padEnd(25)} ${String(r.sent).padStart(6)} ${String(r.answered).padStart(10)} ${r.seconds.toFixed(2).padStart(9)} ${(r.answered / r.seconds).toFixed(0).padStart(10)}  ${pass ? 'yes' : 'NO'}`,
      );
    } finally {
      child.kill('SIGTERM');
    }
  }
  return { ok, lines };
}

const FLOOD = 20_000;
const MANY_SOURCES = 200;
const PER_SOURCE = 100;

/** Each of MANY_SOURCES loopback addresses (127.1.0.1…) sends PER_SOURCE requests, interleaved; counts answers. */
async function floodFromMany(to: { address: string; port: number }): Promise<{ sent: number; answered: number; seconds: number }> {
  let answered = 0;
  const sockets = await Promise.all(
    Array.from({ length: MANY_SOURCES }, (_, i) => {
      const s = dgram.createSocket('udp4');
      s.on('message', () => answered++);
      return new Promise<dgram.Socket>((r) => s.bind(0, `127.1.${i >> 8}.${(i & 255) + 1}`, () => r(s)));
    }),
  );
  const started = performance.now();
  for (let k = 0; k < PER_SOURCE; k++) {
    await Promise.all(
      sockets.map((s) => {
        const request = encodeMessage({ cls: 'request', method: Method.Binding, transactionId: newTransactionId(), attributes: [] });
        return new Promise<void>((r) => s.send(request, to.port, to.address, () => r()));
      }),
    );
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 200));
  const seconds = (performance.now() - started) / 1000;
  for (const s of sockets) s.close();
  return { sent: MANY_SOURCES * PER_SOURCE, answered, seconds };
}

/** Sends `count` requests in batches of 100 (one batch per event-loop turn), counting answers. */
async function flood(to: { address: string; port: number }, count: number): Promise<{ sent: number; answered: number; seconds: number; secondServed: boolean }> {
  const attacker = dgram.createSocket('udp4');
  let answered = 0;
  attacker.on('message', () => answered++);
  await new Promise<void>((r) => attacker.bind(0, '127.0.0.1', r));
  const started = performance.now();
  let secondServed: Promise<number | undefined> | undefined;
  for (let i = 0; i < count; i += 100) {
    await Promise.all(
      Array.from({ length: 100 }, () => {
        const request = encodeMessage({ cls: 'request', method: Method.Binding, transactionId: newTransactionId(), attributes: [] });
        return new Promise<void>((r) => attacker.send(request, to.port, to.address, () => r()));
      }),
    );
    if (i === count / 2) secondServed = askFrom('127.0.0.3', to);
    await new Promise((r) => setImmediate(r));
  }
  const served = (await secondServed) !== undefined;
  await new Promise((r) => setTimeout(r, 200));
  const seconds = (performance.now() - started) / 1000;
  attacker.close();
  return { sent: count, answered, seconds, secondServed: served };
}

function askFrom(address: string, to: { address: string; port: number }): Promise<number | undefined> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const done = (n: number | undefined): void => {
      clearTimeout(t);
      clearInterval(resend);
      s.close();
      resolve(n);
    };
    const request = encodeMessage({ cls: 'request', method: Method.Binding, transactionId: newTransactionId(), attributes: [] });
    let tries = 0;
    const send = (): void => {
      if (tries++ < 3) s.send(request, to.port, to.address);
    };
    const resend = setInterval(send, 500);
    const t = setTimeout(() => done(undefined), 1600);
    s.on('message', (m) => done(m.length));
    s.bind(0, address, send);
  });
}
