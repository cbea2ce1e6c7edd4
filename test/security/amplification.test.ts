// Amplification: bytes out per byte in, for every request an attacker can send (RFC 8489 §16.1.2).
import assert from 'node:assert/strict';
import { SERVE_SOFTWARE, answer } from '../../src/engine/server/reflectorLogic';
import { decodeMessage, getAttribute, Attr } from '../../src/engine/stun';
import { ATTACKS } from './attacks';
import { coturnAvailability, startLoopbackCoturn, askOnce } from './coturn';

const FULL = { primary: { address: '198.51.100.1', port: 3478 }, alternate: { address: '198.51.100.2', port: 3479 } };
const VICTIM = { address: '203.0.113.5', port: 40000 };

function ours(request: Uint8Array): number {
  const out = answer(FULL, SERVE_SOFTWARE, request, VICTIM, { ip: 0, port: 0 });
  return out.kind === 'reply' ? out.reply.data.length : 0;
}

describe('security: a spoofed request cannot buy a large answer', () => {
  for (const attack of ATTACKS.filter((a) => !a.binding)) {
    it(`${attack.name}: no answer, or one no larger than the request`, () => {
      const request = attack.build();
      assert.ok(ours(request) <= request.length, `${ours(request)} bytes out for ${request.length} in`);
    });
  }

  it('RFC 3489 RESPONSE-ADDRESS is never honoured: the only answer goes back to the source', () => {
    const request = ATTACKS.find((a) => a.name.includes('RESPONSE-ADDRESS'))!.build();
    const out = answer(FULL, 'natprobe', request, VICTIM, { ip: 0, port: 0 });
    if (out.kind === 'reply') assert.deepEqual(out.reply.to, VICTIM);
  });

  it('an answer to a classic (RFC 3489) request carries no SOFTWARE, which classic clients misparse', () => {
    const request = ATTACKS.find((a) => a.name === 'RFC 3489 classic Binding')!.build();
    const out = answer(FULL, 'natprobe 0.9.0', request, VICTIM, { ip: 0, port: 0 });
    assert.equal(out.kind, 'reply');
    if (out.kind !== 'reply') return;
    const decoded = decodeMessage(out.reply.data);
    assert.ok(decoded.ok);
    assert.equal(getAttribute(decoded.value, Attr.Software), undefined);
  });

  it('every attribute in an answer to a classic request is a multiple of 4 bytes long, errors included (RFC 3489 has no padding)', () => {
    const single = { primary: FULL.primary };
    for (const attack of ATTACKS.filter((a) => a.name.startsWith('RFC 3489'))) {
      for (const addresses of [FULL, single]) {
        const out = answer(addresses, SERVE_SOFTWARE, attack.build(), VICTIM, { ip: 0, port: 0 });
        assert.equal(out.kind, 'reply', attack.name);
        if (out.kind !== 'reply') continue;
        const decoded = decodeMessage(out.reply.data);
        assert.ok(decoded.ok);
        for (const a of decoded.value.attributes) assert.equal(a.value.length % 4, 0, `${attack.name}: attribute 0x${a.type.toString(16)} is ${a.value.length} bytes`);
      }
    }
  });

  describe('Binding answers are no larger than coturn\'s to the same request (loopback coturn, RFC 5780 mode)', function () {
    this.timeout(30000);
    let coturn: Awaited<ReturnType<typeof startLoopbackCoturn>> | undefined;
    before(async function () {
      const a = coturnAvailability();
      if (!a.ok) {
        console.log(`      skipped: ${a.reason}`);
        this.skip();
      }
      coturn = await startLoopbackCoturn();
    });
    after(() => coturn?.stop());
    for (const attack of ATTACKS.filter((a) => a.binding)) {
      it(attack.name, async () => {
        const request = attack.build();
        const theirs = await askOnce(coturn!.primary, request);
        const mine = ours(request);
        assert.ok(mine <= Math.max(theirs ?? 0, request.length), `ours ${mine} B, coturn ${theirs ?? 'no answer'}, request ${request.length} B`);
      });
    }
  });
});
