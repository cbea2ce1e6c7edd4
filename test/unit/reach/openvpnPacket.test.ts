import assert from 'node:assert/strict';
import {
  buildClientReset,
  checkServerReply,
  EARLY_NEG_START,
  frameForTcp,
  MAX_REPLY_BYTES,
  P_CONTROL_HARD_RESET_CLIENT_V2,
  P_CONTROL_HARD_RESET_CLIENT_V3,
  TcpPacketReader,
} from '../../../src/engine/reach/openvpn/packet';
import { prng } from '../../support/prng';
import { bytes, captured, FIXTURE_WRAPS, wrapFor, type FixtureWrap } from './openvpnFixture';

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Where a client reset keeps its replay id (counter + time), per wrapping (none has none). */
const REPLAY_AT: Record<FixtureWrap, number | undefined> = { none: undefined, 'tls-auth': 9 + 20, 'tls-crypt': 9, 'tls-crypt-v2': 9 };

describe('OpenVPN reach: packets against a real OpenVPN 2.6 exchange', () => {
  it(`the fixture comes from OpenVPN 2.6 (${captured.openvpn.split(' ').slice(0, 2).join(' ')})`, () => {
    assert.match(captured.openvpn, /^OpenVPN 2\.6\./);
  });

  for (const wrap of FIXTURE_WRAPS) {
    for (const transport of ['udp', 'tcp'] as const) {
      it(`${wrap} over ${transport}: our reset is byte for byte the real client's, given its session id and replay id`, async () => {
        const real = bytes(captured.clientResets[wrap][transport]);
        const packet = transport === 'tcp' ? real.subarray(2) : real;
        if (transport === 'tcp') assert.equal(view(real).getUint16(0), packet.length, 'TCP length prefix');
        const opcode = packet[0] >> 3;
        assert.equal(opcode, wrap === 'tls-crypt-v2' ? P_CONTROL_HARD_RESET_CLIENT_V3 : P_CONTROL_HARD_RESET_CLIENT_V2);
        const at = REPLAY_AT[wrap];
        const replayId = at === undefined ? 0 : view(packet).getUint32(at);
        const time = at === undefined ? 0 : view(packet).getUint32(at + 4);
        if (wrap === 'tls-crypt-v2') assert.equal(replayId, EARLY_NEG_START + 1, 'a 2.6 tls-crypt-v2 client announces early negotiation');
        else if (at !== undefined) assert.equal(replayId, 1);
        const ours = buildClientReset(await wrapFor(wrap), { sessionId: packet.slice(1, 9), replayId, time });
        assert.equal(Buffer.from(transport === 'tcp' ? frameForTcp(ours) : ours).toString('hex'), captured.clientResets[wrap][transport]);
      });
    }
  }

  for (const wrap of FIXTURE_WRAPS) {
    for (const mode of ['p2p', 'server'] as const) {
      it(`${wrap}: the real ${mode === 'p2p' ? 'p2p (dev null)' : 'mode server'} answer acknowledges our session id`, async () => {
        const r = checkServerReply(bytes(captured.serverReplies[wrap][mode].reply), await wrapFor(wrap), bytes(captured.sessionId));
        assert.ok(r.ok, r.ok ? '' : r.error);
        assert.equal(r.reset.opcode, 'P_CONTROL_HARD_RESET_SERVER_V2');
        assert.equal(r.reset.messageId, 0);
        // Only 2.6's stateless tls-crypt-v2 answer (mode server, early negotiation) asks for WKc again.
        assert.equal(r.reset.resendWrappedKey, wrap === 'tls-crypt-v2' && mode === 'server');
        assert.equal(r.reset.otherPayloadBytes, 0);
      });
    }
  }
});

describe('OpenVPN reach: a p2p server busy with another peer only ACKs our reset', () => {
  for (const wrap of FIXTURE_WRAPS) {
    it(`${wrap}: the real P_ACK_V1 for our session counts (it is authenticated with our key)`, async () => {
      const reply = bytes(captured.serverReplies[wrap].p2p.busyReply ?? '');
      assert.equal(reply[0] >> 3, 5);
      const r = checkServerReply(reply, await wrapFor(wrap), bytes(captured.busySessionId));
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.equal(r.reset.opcode, 'P_ACK_V1');
      assert.equal(r.reset.messageId, undefined);
      assert.deepEqual(checkServerReply(reply, await wrapFor(wrap), bytes(captured.sessionId)), { ok: false, error: 'it ACKs a session id that is not ours' });
      for (let n = 0; n < reply.length; n++) assert.equal(checkServerReply(reply.subarray(0, n), await wrapFor(wrap), bytes(captured.busySessionId)).ok, false, `${n} bytes`);
    });
  }
});

describe('OpenVPN reach: the answer check refuses what is not an answer to us', () => {
  const sid = bytes(captured.sessionId);

  for (const wrap of FIXTURE_WRAPS) {
    it(`${wrap}: another session id is not ours`, async () => {
      const other = sid.slice();
      other[7] ^= 1;
      const r = checkServerReply(bytes(captured.serverReplies[wrap].server.reply), await wrapFor(wrap), other);
      assert.deepEqual(r, { ok: false, error: 'it ACKs a session id that is not ours' });
    });

    it(`${wrap}: every truncation is refused with a reason, none throws`, async () => {
      const w = await wrapFor(wrap);
      const reply = bytes(captured.serverReplies[wrap].server.reply);
      for (let n = 0; n < reply.length; n++) {
        const r = checkServerReply(reply.subarray(0, n), w, sid);
        assert.equal(r.ok, false, `accepted ${n} of ${reply.length} bytes`);
        if (!r.ok) assert.ok(r.error.length > 0 && r.error.length < 200);
      }
    });
  }

  for (const wrap of ['tls-auth', 'tls-crypt', 'tls-crypt-v2'] as const) {
    it(`${wrap}: any flipped bit anywhere fails the HMAC/tag`, async () => {
      const w = await wrapFor(wrap);
      const reply = bytes(captured.serverReplies[wrap].server.reply);
      for (let i = 0; i < reply.length; i++) {
        for (const bit of [0x01, 0x80]) {
          const bad = reply.slice();
          bad[i] ^= bit;
          const r = checkServerReply(bad, w, sid);
          assert.equal(r.ok, false, `byte ${i} bit ${bit} accepted`);
        }
      }
    });
  }

  it('tls-auth / tls-crypt with another key: the HMAC / tag does not match', async () => {
    const authWrong = await wrapFor('tls-auth', captured.keys.wrongTa);
    const cryptWrong = await wrapFor('tls-crypt', captured.keys.wrongTa);
    assert.deepEqual(checkServerReply(bytes(captured.serverReplies['tls-auth'].server.reply), authWrong, sid), { ok: false, error: 'its tls-auth HMAC does not match our key' });
    assert.deepEqual(checkServerReply(bytes(captured.serverReplies['tls-crypt'].server.reply), cryptWrong, sid), { ok: false, error: 'its tls-crypt tag does not match our key' });
  });

  it('a wrapped answer read as plain is refused', async () => {
    assert.equal(checkServerReply(bytes(captured.serverReplies['tls-auth'].server.reply), await wrapFor('none'), sid).ok, false);
  });

  for (const wrap of ['tls-auth', 'tls-crypt', 'tls-crypt-v2'] as const) {
    it(`${wrap}: a plain answer for our session is refused and recognised (a server without wrapping)`, async () => {
      const r = checkServerReply(bytes(captured.serverReplies.none.server.reply), await wrapFor(wrap), sid);
      assert.deepEqual(r, { ok: false, error: `it is not wrapped: the server answered without ${wrap}`, unwrapped: true });
    });
  }

  it('names the opcode of a packet that is not the server reset', async () => {
    const reply = bytes(captured.serverReplies.none.server.reply);
    reply[0] = (4 << 3) | 0;
    assert.deepEqual(checkServerReply(reply, await wrapFor('none'), sid), { ok: false, error: 'P_CONTROL_V1, not P_CONTROL_HARD_RESET_SERVER_V2 or P_ACK_V1' });
    reply[0] = (8 << 3) | 2;
    assert.deepEqual(checkServerReply(reply, await wrapFor('none'), sid), { ok: false, error: 'key id 2 in an answer to a hard reset (must be 0)' });
  });

  it('plain: no ACK, too many ACKs, an ACK of another packet, are refused', async () => {
    const w = await wrapFor('none');
    const head = [8 << 3, 9, 9, 9, 9, 9, 9, 9, 9];
    const ack = (ids: number[]): number[] => [ids.length, ...ids.flatMap((id) => [0, 0, 0, id]), ...sid];
    assert.deepEqual(checkServerReply(Uint8Array.from([...head, 0, 0, 0, 0, 0]), w, sid), { ok: false, error: 'no ACK of our reset' });
    assert.deepEqual(checkServerReply(Uint8Array.from([...head, ...ack([1]), 0, 0, 0, 0]), w, sid), { ok: false, error: 'it does not ACK our packet 0' });
    assert.deepEqual(checkServerReply(Uint8Array.from([...head, 9, ...new Array(60).fill(0)]), w, sid), { ok: false, error: '9 ACKs (OpenVPN sends at most 8)' });
    const two = checkServerReply(Uint8Array.from([...head, ...ack([3, 0]), 0, 0, 0, 0]), w, sid);
    assert.ok(two.ok);
  });

  it('refuses an oversized packet before looking at it', async () => {
    const huge = new Uint8Array(MAX_REPLY_BYTES + 1);
    huge.set(bytes(captured.serverReplies.none.server.reply));
    assert.deepEqual(checkServerReply(huge, await wrapFor('none'), sid), { ok: false, error: `${MAX_REPLY_BYTES + 1} bytes, more than an OpenVPN control packet (${MAX_REPLY_BYTES})` });
  });

  it('random bytes (seeded, 3000 packets per wrapping): never accepted, never a throw', async () => {
    const random = prng(12);
    for (const wrap of FIXTURE_WRAPS) {
      const w = await wrapFor(wrap);
      for (let i = 0; i < 3000; i++) {
        const n = Math.floor(random() * 200);
        const b = new Uint8Array(n);
        for (let j = 0; j < n; j++) b[j] = Math.floor(random() * 256);
        if (n > 0 && random() < 0.5) b[0] = 8 << 3;
        assert.equal(checkServerReply(b, w, sid).ok, false);
      }
    }
  });
});

describe('OpenVPN reach: TCP framing', () => {
  it('splits packets across and within chunks', () => {
    const a = Uint8Array.from([1, 2, 3]);
    const b = Uint8Array.from([4, 5]);
    const stream = Uint8Array.from([...frameForTcp(a), ...frameForTcp(b)]);
    const reader = new TcpPacketReader();
    const got: number[][] = [];
    for (const byte of stream) for (const p of reader.push(Uint8Array.of(byte)).packets) got.push([...p]);
    assert.deepEqual(got, [[1, 2, 3], [4, 5]]);
    const whole = new TcpPacketReader().push(stream);
    assert.deepEqual(whole.packets.map((p) => [...p]), [[1, 2, 3], [4, 5]]);
  });

  it('gives up on a length no control packet has (0 or too long), and stays given up', () => {
    const reader = new TcpPacketReader();
    const r = reader.push(Uint8Array.from([0xff, 0xff, 1, 2]));
    assert.equal(r.error, 'a packet length of 65535 bytes, which no OpenVPN control packet has');
    assert.equal(reader.push(frameForTcp(Uint8Array.of(1))).error, r.error);
    assert.match(new TcpPacketReader().push(Uint8Array.from([0, 0])).error ?? '', /length of 0 bytes/);
  });

  it('the reset over TCP is the UDP packet behind a 2-byte big-endian length', () => {
    const p = new Uint8Array(300).fill(7);
    const f = frameForTcp(p);
    assert.deepEqual([f[0], f[1]], [1, 44]);
    assert.deepEqual(f.subarray(2), p);
  });
});
