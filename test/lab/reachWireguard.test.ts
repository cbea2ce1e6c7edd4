// `natprobe reach` against a real WireGuard: wireguard-go (userspace, /dev/net/tun) in the
// public namespace with the client's public key as its one peer; the built CLI runs in the
// client namespace behind each NAT profile. Keys come from `wg genkey` / `wg pubkey`.
// Every output is checked for the private and preshared keys. REACH_PROFILES=a,b runs only those profiles.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ReachResult } from '../../src/engine/reach/types';
import { type BackgroundProcess, type Lab, type LabProfile, PROFILES, SERVERS, createLab, requireLabOrSkip, sweepStaleLabs } from './lab';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const BUDGET_MS = 1500;

function wg(args: string[], input?: string): string {
  return execFileSync('wg', args, { encoding: 'utf8', ...(input !== undefined ? { input } : {}) }).trim();
}
function keyPair(): { priv: string; pub: string } {
  const priv = wg(['genkey']);
  return { priv, pub: wg(['pubkey'], priv + '\n') };
}

function wireguardGoMissing(): string | undefined {
  try {
    execFileSync('sh', ['-c', 'command -v wireguard-go && command -v wg'], { stdio: 'ignore' });
  } catch {
    return 'wireguard-go or wg is not installed (apt-get install wireguard-go wireguard-tools, or scripts/lab/ensure-deps.sh)';
  }
  if (!fs.existsSync('/dev/net/tun')) return '/dev/net/tun does not exist (wireguard-go needs a TUN device)';
  return undefined;
}

describe('lab: natprobe reach against wireguard-go behind each NAT profile', function () {
  this.timeout(600000);
  const server = keyPair();
  const client = keyPair();
  const stranger = keyPair();
  const psk = wg(['genpsk']);
  const secrets = [server.priv, client.priv, stranger.priv, psk];

  before(function () {
    requireLabOrSkip(this);
    const missing = wireguardGoMissing();
    if (missing) {
      if (process.env.NATLAB_REQUIRE === '1') throw new Error(`the lab is required here (NATLAB_REQUIRE=1) but: ${missing}`);
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run node scripts/build.mjs first`);
    sweepStaleLabs();
  });

  for (const profile of (process.env.REACH_PROFILES ? (process.env.REACH_PROFILES.split(',') as LabProfile[]) : PROFILES)) {
    describe(profile, () => {
      let lab: Lab | undefined;
      let wgo: BackgroundProcess | undefined;
      // UAPI sockets live in /var/run/wireguard, shared by every namespace: a name of our own.
      const iface = `rw${process.pid.toString(36)}${PROFILES.indexOf(profile)}`.slice(0, 15);

      const config = (opts: { priv?: string; serverPub?: string; port?: number } = {}): string => {
        const file = path.join(lab!.tmpDir, `client-${Math.random().toString(36).slice(2, 8)}.conf`);
        fs.writeFileSync(
          file,
          `[Interface]\nPrivateKey = ${opts.priv ?? client.priv}\nAddress = 10.77.0.2/32\n\n[Peer]\nPublicKey = ${opts.serverPub ?? server.pub}\nPresharedKey = ${psk}\nAllowedIPs = 10.77.0.1/32\nEndpoint = ${SERVERS.primary}:${opts.port ?? 51820}\n`,
          { mode: 0o600 },
        );
        return file;
      };
      const reach = async (file: string): Promise<{ code: number | null; result: ReachResult; raw: string }> => {
        const r = await lab!.exec('client', process.execPath, [CLI, 'reach', file, '--json', '--budget', String(BUDGET_MS)], { timeoutMs: 30000 });
        const text = await lab!.exec('client', process.execPath, [CLI, 'reach', file, '--budget', String(BUDGET_MS)], { timeoutMs: 30000 });
        for (const out of [r.stdout, r.stderr, text.stdout, text.stderr]) {
          for (const s of secrets) assert.ok(!out.includes(s), 'key material in the output');
        }
        const parsed = JSON.parse(r.stdout) as { results: ReachResult[] };
        console.log(`        ${text.stdout.split('\n')[0]}`);
        return { code: r.code, result: parsed.results[0], raw: r.stdout };
      };

      before(async () => {
        lab = await createLab(profile);
        wgo = lab.spawnBackground('public', 'wireguard-go', 'wireguard-go', ['-f', iface], { env: { WG_PROCESS_FOREGROUND: '1' } });
        const keyFile = path.join(lab.tmpDir, 'server.key');
        const pskFile = path.join(lab.tmpDir, 'psk');
        fs.writeFileSync(keyFile, server.priv + '\n', { mode: 0o600 });
        fs.writeFileSync(pskFile, psk + '\n', { mode: 0o600 });
        let set = { code: 1 as number | null, stderr: '' };
        for (let i = 0; i < 50 && set.code !== 0; i++) {
          await new Promise((r) => setTimeout(r, 100));
          set = await lab.exec('public', 'wg', ['set', iface, 'listen-port', '51820', 'private-key', keyFile, 'peer', client.pub, 'preshared-key', pskFile, 'allowed-ips', '10.77.0.2/32']);
        }
        assert.equal(set.code, 0, `wg set: ${set.stderr}`);
        assert.equal((await lab.exec('public', 'ip', ['addr', 'add', '10.77.0.1/24', 'dev', iface])).code, 0);
        assert.equal((await lab.exec('public', 'ip', ['link', 'set', iface, 'up'])).code, 0);
      });

      after(async () => {
        await wgo?.stop();
        await lab?.destroy();
      });

      it('right keys: reachable with the RTT (udp-blocked: no answer, explained)', async () => {
        const r = await reach(config());
        if (profile === 'udp-blocked') {
          assert.equal(r.result.outcome, 'no-answer');
          assert.equal(r.code, 1);
          return;
        }
        assert.equal(r.result.outcome, 'reachable', r.raw);
        assert.equal(r.code, 0);
        assert.ok(typeof r.result.rttMs === 'number' && r.result.rttMs >= 0);
        // A responder only records a handshake once transport data confirms it (which reach never
        // sends), but it has roamed the peer's endpoint to the probe: the side effect the live
        // tunnel guard exists for, and proof that wireguard-go took the initiation as valid.
        const shown = await lab!.exec('public', 'wg', ['show', iface, 'endpoints']);
        assert.ok(shown.stdout.includes(`${client.pub}\t`), shown.stdout);
        assert.doesNotMatch(shown.stdout, /\(none\)/, 'wireguard-go learnt the probe as this peer\'s endpoint');
      });

      it('the server PublicKey wrong in the config: no answer, explained', async () => {
        const r = await reach(config({ serverPub: stranger.pub }));
        assert.equal(r.result.outcome, 'no-answer');
        assert.ok(r.result.possibleCauses?.some((c) => /PublicKey here is not the server/.test(c)), r.raw);
        assert.ok(r.result.nextStep);
      });

      it('the client key unknown to the server: no answer', async () => {
        const r = await reach(config({ priv: stranger.priv }));
        assert.equal(r.result.outcome, 'no-answer');
      });

      it('nothing listening on the port: refused (udp-blocked: no answer)', async () => {
        const r = await reach(config({ port: 51999 }));
        assert.equal(r.result.outcome, profile === 'udp-blocked' ? 'no-answer' : 'refused', r.raw);
      });

      it('UDP 51820 dropped at the router: no answer', async () => {
        const nft = await lab!.exec('router', 'nft', ['add', 'rule', 'ip', 'natlab', 'fwd_filter', 'iifname', `"${lab!.routerIfaces.lan}"`, 'udp', 'dport', '51820', 'counter', 'drop', 'comment', '"wg-blocked"']);
        assert.equal(nft.code, 0, nft.stderr);
        await lab!.resetNat();
        const r = await reach(config());
        assert.equal(r.result.outcome, 'no-answer');
        const counter = /counter packets (\d+) bytes \d+ drop comment "wg-blocked"/.exec(await lab!.ruleset());
        assert.ok(counter && Number(counter[1]) > 0 || profile === 'udp-blocked', 'the router dropped our initiations');
      });
    });
  }
});
