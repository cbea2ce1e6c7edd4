import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ReachResult } from '../src/engine/reach/types';
import { SERVERS, createLab, labAvailability } from '../test/lab/lab';

const CLI = path.resolve(__dirname, '../dist/cli.js');
const RUNS = Number(process.env.BENCH_REACH_RUNS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function wg(args: string[], input?: string): string {
  return execFileSync('wg', args, { encoding: 'utf8', ...(input !== undefined ? { input } : {}) }).trim();
}

/**
 * `natprobe reach` against wireguard-go behind the lab's port-restricted NAT: the whole CLI
 * process for a reachable endpoint (target: the CLI's start-up + one RTT + 300 ms), next to a
 * bare `node -e ''`, `natprobe --version`, and to what a tunnel takes to prove the same: wireguard-go up on the client
 * side, `wg set` (with PersistentKeepalive), link up, until `wg show` reports the first handshake.
 */
export async function benchReach(): Promise<{ ok: boolean; lines: string[] }> {
  const lines = [`Reach (natprobe reach vs bringing a tunnel up, lab port-restricted NAT, wireguard-go; medians of ${RUNS} runs, ms)`];
  const a = labAvailability();
  if (!a.ok) return { ok: true, lines: [...lines, `  skipped: ${a.reason}`] };
  try {
    execFileSync('sh', ['-c', 'command -v wireguard-go && command -v wg'], { stdio: 'ignore' });
  } catch {
    return { ok: true, lines: [...lines, '  skipped: wireguard-go or wg is not installed'] };
  }
  const lab = await createLab('port-restricted');
  const id = process.pid.toString(36);
  try {
    const server = { priv: wg(['genkey']) };
    const client = { priv: wg(['genkey']) };
    const serverPub = wg(['pubkey'], server.priv + '\n');
    const clientPub = wg(['pubkey'], client.priv + '\n');
    const sKey = path.join(lab.tmpDir, 'bs.key');
    const cKey = path.join(lab.tmpDir, 'bc.key');
    fs.writeFileSync(sKey, server.priv + '\n', { mode: 0o600 });
    fs.writeFileSync(cKey, client.priv + '\n', { mode: 0o600 });
    const sIf = `bs${id}`.slice(0, 15);
    const cIf = `bc${id}`.slice(0, 15);
    lab.spawnBackground('public', 'wg-server', 'wireguard-go', ['-f', sIf], { env: { WG_PROCESS_FOREGROUND: '1' } });
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if ((await lab.exec('public', 'wg', ['set', sIf, 'listen-port', '51820', 'private-key', sKey, 'peer', clientPub, 'allowed-ips', '10.78.0.2/32'])).code === 0) break;
    }
    await lab.exec('public', 'ip', ['addr', 'add', '10.78.0.1/24', 'dev', sIf]);
    await lab.exec('public', 'ip', ['link', 'set', sIf, 'up']);
    const conf = path.join(lab.tmpDir, 'bench.conf');
    fs.writeFileSync(conf, `[Interface]\nPrivateKey = ${client.priv}\n\n[Peer]\nPublicKey = ${serverPub}\nAllowedIPs = 10.78.0.1/32\nEndpoint = ${SERVERS.primary}:51820\n`, { mode: 0o600 });

    const nodeStart: number[] = [];
    const cliStart: number[] = [];
    const reachMs: number[] = [];
    const rtt: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      nodeStart.push((await lab.exec('client', process.execPath, ['-e', ''])).ms);
      cliStart.push((await lab.exec('client', process.execPath, [CLI, '--version'])).ms);
      const r = await lab.exec('client', process.execPath, [CLI, 'reach', conf, '--json']);
      const result = (JSON.parse(r.stdout) as { results: ReachResult[] }).results[0];
      if (result.outcome !== 'reachable') throw new Error(`reach said ${result.outcome}: ${result.summary}`);
      reachMs.push(r.ms);
      rtt.push(result.rttMs ?? NaN);
    }

    // The same proof the tunnel way: a client interface up, then traffic until the handshake.
    const tunnelMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const proc = lab.spawnBackground('client', `wg-client-${i}`, 'wireguard-go', ['-f', cIf], { env: { WG_PROCESS_FOREGROUND: '1' } });
      for (let j = 0; j < 100; j++) {
        if ((await lab.exec('client', 'wg', ['set', cIf, 'private-key', cKey, 'peer', serverPub, 'endpoint', `${SERVERS.primary}:51820`, 'allowed-ips', '10.78.0.1/32', 'persistent-keepalive', '25'])).code === 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await lab.exec('client', 'ip', ['addr', 'add', '10.78.0.2/24', 'dev', cIf]);
      await lab.exec('client', 'ip', ['link', 'set', cIf, 'up']);
      let done = false;
      // PersistentKeepalive makes wireguard-go send at once when the link comes up (as wg-quick
      // with PersistentKeepalive does), so no traffic generator is needed to start the handshake.
      for (let j = 0; j < 500 && !done; j++) {
        if (j > 0) await new Promise((r) => setTimeout(r, 10));
        const hs = await lab.exec('client', 'wg', ['show', cIf, 'latest-handshakes']);
        done = /\s[1-9]\d*\s*$/.test(hs.stdout);
      }
      if (!done) {
        const hs = await lab.exec('client', 'wg', ['show', cIf]);
        throw new Error(`the tunnel never completed a handshake: ${hs.stdout} ${hs.stderr} ${fs.readFileSync(proc.logFile, 'utf8').slice(-500)}`);
      }
      tunnelMs.push(performance.now() - started);
      await proc.stop();
      // Let the server forget the roamed endpoint's state between runs as a fresh client would.
      await new Promise((r) => setTimeout(r, 200));
    }
    const [n, c, re, rt, tu] = [median(nodeStart), median(cliStart), median(reachMs), median(rtt), median(tunnelMs)];
    // Target: the CLI's own start-up (node + the bundle) + one handshake RTT + 300 ms of work.
    const pass = re <= c + rt + 300;
    lines.push('  node -e   natprobe --version   natprobe reach   handshake RTT   wireguard-go up + first handshake   ok');
    lines.push(`  ${n.toFixed(0).padStart(7)} ${c.toFixed(0).padStart(20)} ${re.toFixed(0).padStart(16)} ${rt.toFixed(1).padStart(15)} ${tu.toFixed(0).padStart(35)}   ${pass ? 'yes' : 'NO'}`);
    lines.push('  (shared CPUs: absolute figures are noisy; reach needs no root, no interface, no route)');
    return { ok: pass, lines };
  } finally {
    await lab.destroy();
  }
}
