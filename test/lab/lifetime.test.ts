// Mapping lifetime against real Linux conntrack: the router namespace's UDP timeouts are set
// to 12 s (nf_conntrack_udp_timeout: a flow that has not yet been two-way for 2 s, e.g. one
// STUN request and its answer) and 40 s (nf_conntrack_udp_timeout_stream: a flow that was
// two-way and still active after 2 s). These sysctls are per network namespace (checked
// below: the root namespace keeps its own values). Our probe runs in the client namespace
// against coturn (RFC 5780 mode, which honours RESPONSE-PORT) on 198.51.100.1:3478: once as a
// single request/response flow (expects 12 s) and once in stream mode (expects 40 s), both at
// the same time so the test takes about 45 s.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { MappingLifetime } from '../../src/report/report';
import { type Lab, SERVERS, createLab, requireLabOrSkip, sweepStaleLabs } from './lab';

const RUNNER = path.resolve(__dirname, 'lifetimeRunner.ts');

interface RunnerOutput {
  result: MappingLifetime;
  wallMs: number;
  log: string[];
}

async function runLifetime(lab: Lab, args: string[], timeoutMs: number): Promise<RunnerOutput> {
  const r = await lab.exec('client', process.execPath, ['--import', 'tsx', RUNNER, 'lifetime', `${SERVERS.primary}:${SERVERS.turnPort}`, ...args], {
    timeoutMs,
  });
  try {
    return JSON.parse(r.stdout) as RunnerOutput;
  } catch {
    throw new Error(`lifetime runner printed no JSON (exit ${r.code}${r.timedOut ? ', timed out' : ''}):\n${r.stdout}\n${r.stderr}`);
  }
}

function within(measured: number | null, truth: number): boolean {
  return measured !== null && Math.abs(measured - truth) <= Math.max(2, 0.1 * truth);
}

describe('lab: mapping lifetime against Linux conntrack (port-restricted profile)', function () {
  this.timeout(180000);
  let lab: Lab | undefined;
  before(async function () {
    requireLabOrSkip(this);
    sweepStaleLabs();
    lab = await createLab('port-restricted');
  });
  after(async () => {
    await lab?.destroy();
  });

  it('the conntrack UDP timeouts are per namespace: 12 s / 40 s in the router, untouched elsewhere', async () => {
    const set = await lab!.exec('router', 'sysctl', ['-w', 'net.netfilter.nf_conntrack_udp_timeout=12', 'net.netfilter.nf_conntrack_udp_timeout_stream=40']);
    assert.equal(set.code, 0, set.stderr);
    const inRouter = await lab!.exec('router', 'sysctl', ['-n', 'net.netfilter.nf_conntrack_udp_timeout', 'net.netfilter.nf_conntrack_udp_timeout_stream']);
    assert.deepEqual(inRouter.stdout.trim().split('\n'), ['12', '40']);
    const inClient = await lab!.exec('client', 'sysctl', ['-n', 'net.netfilter.nf_conntrack_udp_timeout']);
    assert.notEqual(inClient.stdout.trim(), '12', 'the client namespace must keep its own value');
  });

  it('idle timeout: 12 s for a request/response flow, 40 s for a stream; within ±max(2 s, 10 %), in ≤ 1.3 × the lifetime', async () => {
    await lab!.resetNat();
    const [single, stream] = await Promise.all([
      runLifetime(lab!, ['--max', '30'], 60000),
      runLifetime(lab!, ['--max', '60', '--stream'], 90000),
    ]);
    for (const [name, out, truth] of [
      ['request/response', single, 12],
      ['stream', stream, 40],
    ] as const) {
      const r = out.result;
      console.log(`      ${name}: true ${truth} s → measured ${r.idleSeconds} s in ${(out.wallMs / 1000).toFixed(1)} s (${(out.wallMs / 1000 / truth).toFixed(2)} ×); inbound refresh ${r.refreshedByInbound}; absolute ${r.absoluteSeconds}`);
      assert.ok(within(r.idleSeconds, truth), `${name}: measured ${r.idleSeconds}, true ${truth}: ${r.reason}\n${out.log.join('\n')}`);
      assert.equal(r.value, r.idleSeconds);
      assert.ok(out.wallMs <= 1.3 * truth * 1000, `${name}: took ${out.wallMs} ms for a ${truth} s lifetime`);
      assert.match(r.reason, /RESPONSE-PORT/, 'coturn honours RESPONSE-PORT: no fallback');
      // conntrack refreshes an entry on packets in either direction.
      assert.equal(r.refreshedByInbound, 'yes', r.reason);
      assert.equal(r.absoluteSeconds, null, r.reason);
    }
  });
});
