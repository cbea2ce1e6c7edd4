import assert from 'node:assert/strict';
import { type TurnResult, parseTurnUrl, probeTurn } from '../../../src/engine/probes/turn';
import { Method } from '../../../src/engine/stun';
import { VirtualClock, VirtualNetwork, type VirtualHost } from '../../support/vnet';
import { FakeTurn, type Quirk } from './fakeTurn';

describe('parseTurnUrl (RFC 7065)', () => {
  const good: [string, { host: string; port: number }][] = [
    ['turn:turn.example.com', { host: 'turn.example.com', port: 3478 }],
    ['turn:198.51.100.1:3482', { host: '198.51.100.1', port: 3482 }],
    ['TURN:198.51.100.1?transport=udp', { host: '198.51.100.1', port: 3478 }],
    ['turn:[2001:db8::1]:5349?transport=UDP', { host: '2001:db8::1', port: 5349 }],
    ['  turn:example.net:80  ', { host: 'example.net', port: 80 }],
  ];
  for (const [text, want] of good) {
    it(`parses ${text.trim()}`, () => {
      assert.deepEqual(parseTurnUrl(text), { ok: true, value: { ...want, transport: 'udp' } });
    });
  }
  const bad: [string, RegExp][] = [
    ['turns:turn.example.com', /turns: \(TURN over TLS\) is not supported: only UDP is supported for now/],
    ['turn:turn.example.com?transport=tcp', /TURN over TCP is not supported: only UDP is supported for now/],
    ['turn:turn.example.com?transport=sctp', /transport "sctp" is not udp or tcp/],
    ['turn:turn.example.com?foo=bar', /unknown query "\?foo=bar"/],
    ['stun:turn.example.com', /the scheme must be turn:, not stun:/],
    ['turn.example.com:3478', /the scheme must be turn:|starts with turn:/],
    ['turn://turn.example.com', /have no "\/\/"/],
    ['turn:alice@turn.example.com', /carries no username/],
    ['turn:', /no host after turn:/],
    ['turn:example.com:99999', /port must be a number from 1 to 65535/],
    ['turn:stun:example.com', /one scheme only|not a hostname/],
  ];
  for (const [text, error] of bad) {
    it(`rejects ${text} with a clear message`, () => {
      const r = parseTurnUrl(text);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, error);
    });
  }
});

const TURN = { address: '198.51.100.10', port: 3478 };

async function world(quirk: Quirk = 'none', opts: { loss?: number; seed?: number } = {}) {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: opts.seed ?? 3 });
  const serverHost = net.addHost({ addresses: [TURN.address], link: { delayMs: 10 } });
  const turn = new FakeTurn(await serverHost.bind({ family: 4, address: TURN.address, port: TURN.port }), quirk);
  const nat = net.addNat({ publicAddresses: ['203.0.113.5'], mapping: 'endpoint-independent', filtering: 'address-and-port-dependent' }, { link: { delayMs: 5, lossRate: opts.loss ?? 0 } });
  const client: VirtualHost = net.addHost({ addresses: ['192.168.1.2'], behind: nat });
  const logs: string[] = [];
  const run = (username = 'alice', password = 'wonderland', budgetMs = 3000): Promise<TurnResult> =>
    clock.run(probeTurn({ factory: client, clock, server: TURN, username, password, budgetMs, log: (l) => logs.push(l) }));
  return { clock, net, turn, run, logs };
}

function noPassword(r: TurnResult, logs: string[], turn: FakeTurn, password: string): void {
  const everything = JSON.stringify(r) + logs.join('\n');
  assert.ok(!everything.includes(password), 'the password must not appear in the result or the log');
  for (const d of turn.datagrams) assert.ok(!Buffer.from(d).toString('latin1').includes(password), 'the password must not go on the wire');
}

describe('probeTurn against a fake TURN server on the virtual network', () => {
  it('right credentials: relayed address and RTT, and the allocation is freed with Refresh lifetime 0', async () => {
    const w = await world();
    const r = await w.run();
    assert.equal(r.value, 'yes', JSON.stringify(r));
    assert.equal(r.error, null);
    assert.equal(r.relayedAddress, '198.51.100.10:49152');
    assert.ok(r.rttMs !== null && r.rttMs >= 30 && r.rttMs <= 31, `rtt ${r.rttMs}`);
    assert.equal(r.released, true);
    assert.equal(w.turn.allocated, 1);
    assert.equal(w.turn.freed, 1);
    assert.equal(w.turn.allocations.size, 0, 'nothing left on the server');
    noPassword(r, w.logs, w.turn, 'wonderland');
    // Allocate (401), Allocate (ok), Refresh: three transactions.
    assert.deepEqual([...w.turn.transactions.values()].map((t) => t.method), [Method.Allocate, Method.Allocate, Method.Refresh]);
  });

  it('wrong password: "no" with exactly "401 Unauthorized from the TURN server" and the realm, never a timeout', async () => {
    const w = await world();
    const t0 = w.clock.now();
    const r = await w.run('alice', 'hunter2');
    assert.deepEqual(r, { value: 'no', relayedAddress: null, rttMs: null, error: '401 Unauthorized from the TURN server (realm "lab.example")', released: null });
    assert.ok(w.clock.now() - t0 < 200, 'answered in two round trips');
    assert.equal(w.turn.allocated, 0);
    noPassword(r, w.logs, w.turn, 'hunter2');
  });

  it('unknown user: the same 401 verdict', async () => {
    const w = await world();
    const r = await w.run('mallory', 'wonderland');
    assert.equal(r.value, 'no');
    assert.match(r.error!, /^401 Unauthorized from the TURN server/);
  });

  it('438 Stale Nonce: retries once with the new nonce and succeeds', async () => {
    const w = await world('stale-once');
    const r = await w.run();
    assert.equal(r.value, 'yes', JSON.stringify(r));
    assert.equal(r.released, true);
    assert.equal(w.turn.allocations.size, 0);
    assert.ok(w.logs.some((l) => /438 Stale Nonce/.test(l)));
  });

  it('438 twice: "unknown", not an endless loop', async () => {
    const w = await world('stale-always');
    const r = await w.run();
    assert.equal(r.value, 'unknown');
    assert.match(r.error!, /438 Stale Nonce again/);
    assert.equal(w.turn.transactions.size, 3);
  });

  it('silence: "unknown" with "no answer from the TURN server at …", within the budget', async () => {
    const w = await world('silent');
    const t0 = w.clock.now();
    const r = await w.run('alice', 'wonderland', 2000);
    assert.equal(r.value, 'unknown');
    assert.match(r.error!, /^no answer from the TURN server at 198\.51\.100\.10:3478 \(\d tries over \d+ ms\)$/);
    assert.ok(w.clock.now() - t0 <= 2001);
    // All retransmissions of the Allocate carry one transaction ID (RFC 8489 §6.2.1).
    assert.equal(w.turn.transactions.size, 1);
    assert.ok([...w.turn.transactions.values()][0].count >= 3);
  });

  it('30 % loss each way: still allocates; retransmissions keep their transaction ID and the server\'s cache answers them', async () => {
    let successes = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const w = await world('none', { loss: 0.3, seed });
      const r = await w.run('alice', 'wonderland', 4000);
      if (r.value === 'yes') successes++;
      else assert.equal(r.value, 'unknown', JSON.stringify(r));
      // Never a new transaction per retransmission: at most 3 transactions (Allocate, Allocate, Refresh).
      assert.ok(w.turn.transactions.size <= 3, `${w.turn.transactions.size} transactions`);
      assert.equal(w.turn.allocated, w.turn.allocated > 0 ? 1 : 0, 'never two allocations');
    }
    assert.ok(successes >= 8, `${successes}/10`);
  });

  const malformed: [Quirk, RegExp][] = [
    ['no-realm', /401 has no REALM/],
    ['bad-integrity', /fails MESSAGE-INTEGRITY/],
    ['no-integrity', /carries no MESSAGE-INTEGRITY/],
    ['no-relayed', /malformed Allocate success .*no XOR-RELAYED-ADDRESS/],
    ['no-error-code', /malformed error response .*without ERROR-CODE/],
    ['garbage', /^the TURN server at .* answers, but not correctly: .*not STUN/],
  ];
  for (const [quirk, error] of malformed) {
    it(`malformed answer (${String(quirk)}): "unknown" with a reason`, async () => {
      const w = await world(quirk);
      const r = await w.run('alice', 'wonderland', 1500);
      assert.equal(r.value, 'unknown', JSON.stringify(r));
      assert.match(r.error!, error);
      assert.equal(r.relayedAddress, null);
      // An allocation that was made is freed even when its answer is not trusted.
      assert.equal(w.turn.allocations.size, 0);
    });
  }

  const refusals: [{ code: number; reason: string }, RegExp][] = [
    [{ code: 486, reason: 'Allocation Quota Reached' }, /^486 Allocation Quota Reached from the TURN server/],
    [{ code: 508, reason: 'Insufficient Capacity' }, /^508 Insufficient Capacity from the TURN server/],
    [{ code: 441, reason: 'Wrong Credentials' }, /^441 Wrong Credentials from the TURN server/],
    [{ code: 403, reason: 'Forbidden' }, /^403 Forbidden from the TURN server/],
    [{ code: 442, reason: 'Unsupported Transport Protocol' }, /^442 Unsupported Transport Protocol from the TURN server/],
  ];
  for (const [quirk, error] of refusals) {
    it(`${quirk.code}: "no" with the code and what it means`, async () => {
      const w = await world(quirk);
      const r = await w.run();
      assert.equal(r.value, 'no');
      assert.match(r.error!, error);
    });
  }

  it('437 Allocation Mismatch once: retries from a new local port and succeeds', async () => {
    const w = await world('mismatch-once');
    const r = await w.run();
    assert.equal(r.value, 'yes', JSON.stringify(r));
    assert.ok(w.logs.some((l) => /437/.test(l)));
  });

  it('a server without authentication: "yes", and the allocation is still freed', async () => {
    const w = await world('no-auth');
    const r = await w.run();
    assert.equal(r.value, 'yes');
    assert.equal(r.released, false, 'our fake refuses an unauthenticated Refresh: reported, not hidden');
  });
});
