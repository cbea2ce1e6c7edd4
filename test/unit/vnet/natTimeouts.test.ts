import assert from 'node:assert/strict';
import { text, whoAmI } from '../../support/vnet';
import { CLIENT_PORT, reaches, scene, type Scene } from './fixture';
import type { Endpoint } from '../../../src/engine/net/udp';

async function mapped(s: Scene): Promise<Endpoint> {
  const m = await s.clock.run(whoAmI(s.inbox, s.a1.endpoint));
  assert.ok(m, 'no mapping');
  return m;
}

describe('vnet: RFC 4787 §4.3 mapping refresh and timeouts', () => {
  it('a mapping is alive just before bindingTimeoutMs and gone just after', async () => {
    const s = await scene({ bindingTimeoutMs: 30_000 });
    const m = await mapped(s);
    await s.clock.advanceTo(29_999);
    assert.equal(await reaches(s, s.a1, m), true, 'alive at 29 999 ms');
    await s.clock.advanceTo(30_001);
    assert.equal(await reaches(s, s.a1, m), false, 'gone at 30 001 ms');
    assert.equal(s.net.stats.dropped.expired, 1);
    assert.deepEqual(s.nat.mappings(), []);
  });

  it('the default binding timeout is 120 s', async () => {
    const s = await scene();
    const m = await mapped(s);
    await s.clock.advanceTo(119_999);
    assert.equal(await reaches(s, s.a1, m), true);
    await s.clock.advanceTo(120_000);
    assert.equal(await reaches(s, s.a1, m), false);
  });

  it('outbound traffic refreshes the mapping (REQ-6)', async () => {
    const s = await scene({ bindingTimeoutMs: 30_000 });
    const m = await mapped(s);
    await s.clock.advanceTo(20_000);
    await s.inbox.socket.send(text('keepalive'), s.b1.endpoint);
    await s.clock.advanceTo(49_999);
    assert.equal(await reaches(s, s.a1, m), true, 'alive 29 999 ms after the keepalive');
    await s.clock.advanceTo(50_000);
    assert.equal(await reaches(s, s.a1, m), false);
  });

  it('inbound traffic does not refresh by default', async () => {
    const s = await scene({ bindingTimeoutMs: 30_000 });
    const m = await mapped(s);
    await s.clock.advanceTo(20_000);
    assert.equal(await reaches(s, s.a1, m), true);
    await s.clock.advanceTo(30_000);
    assert.equal(await reaches(s, s.a1, m), false);
  });

  it('refreshOnInbound: admitted inbound traffic refreshes too', async () => {
    const s = await scene({ bindingTimeoutMs: 30_000, refreshOnInbound: true });
    const m = await mapped(s);
    await s.clock.advanceTo(20_000);
    assert.equal(await reaches(s, s.a1, m), true);
    await s.clock.advanceTo(49_999);
    assert.equal(await reaches(s, s.a1, m), true, 'the inbound packet at 29 999 refreshed it again');
    await s.clock.advanceTo(79_998);
    assert.equal(s.nat.mappings()[0].lastActivity, 49_999);
    await s.clock.advanceTo(79_999);
    assert.equal(await reaches(s, s.a1, m), false);
  });

  it('refreshOnInbound: filtered inbound packets do not refresh', async () => {
    const s = await scene({ bindingTimeoutMs: 30_000, refreshOnInbound: true, filtering: 'address-and-port-dependent' });
    const m = await mapped(s);
    await s.clock.advanceTo(20_000);
    assert.equal(await reaches(s, s.b1, m), false);
    await s.clock.advanceTo(30_000);
    assert.equal(await reaches(s, s.a1, m), false);
    assert.equal(s.net.stats.dropped.expired, 1);
  });

  it('absoluteTimeoutMs: the mapping dies after that long even with traffic', async () => {
    const s = await scene({ bindingTimeoutMs: 30_000, absoluteTimeoutMs: 60_000 });
    const m = await mapped(s);
    for (const t of [20_000, 40_000, 59_000]) {
      await s.clock.advanceTo(t);
      await s.inbox.socket.send(text('keepalive'), s.a1.endpoint);
    }
    await s.clock.advanceTo(59_999);
    assert.equal(await reaches(s, s.a1, m), true);
    await s.clock.advanceTo(60_000);
    assert.equal(await reaches(s, s.a1, m), false);
    assert.equal(s.net.stats.dropped.expired, 1);
  });

  it('after expiry a fresh outbound packet makes a new mapping: same port with preservation', async () => {
    const s = await scene({ bindingTimeoutMs: 30_000, portPreservation: true });
    const first = await mapped(s);
    await s.clock.advanceTo(40_000);
    const second = await mapped(s);
    assert.deepEqual(second, first);
    assert.equal(s.nat.mappings()[0].createdAt, 40_000);
  });

  it('after expiry a fresh outbound packet makes a new mapping: a new port without preservation', async () => {
    const s = await scene({ bindingTimeoutMs: 30_000, portPreservation: false });
    const first = await mapped(s);
    await s.clock.advanceTo(40_000);
    const second = await mapped(s);
    assert.notEqual(second.port, first.port);
    assert.notEqual(second.port, CLIENT_PORT);
    assert.equal(await reaches(s, s.a1, first), false, 'the old external port stays dead');
    assert.equal(s.net.stats.dropped.expired, 1);
  });
});
