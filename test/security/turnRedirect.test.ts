import assert from 'node:assert/strict';
import { startReflector } from '../../src/engine/server/reflector';
import { Attr, ErrorCodes, Method, decodeMessage, encodeAddress, encodeErrorCode, encodeMessage, newTransactionId } from '../../src/engine/stun';
import { hostileWorld } from './hostileWorld';

const SERVER = { address: '198.51.100.1', port: 3478 };
const TURN = { address: '198.51.100.9', port: 3478 };
const VICTIM = { address: '192.0.2.55', port: 3478 };

describe('security: a TURN server cannot redirect the client', () => {
  it('300 Try Alternate naming a third party: not followed, the TURN answer is unknown, the TURN server listed', async () => {
    const w = hostileWorld();
    await startReflector({ factory: w.net.addHost({ addresses: [SERVER.address] }), primary: SERVER, software: 't' });
    w.net.addHost({ addresses: [VICTIM.address] });
    const turnHost = w.net.addHost({ addresses: [TURN.address] });
    const socket = await turnHost.bind({ family: 4, address: TURN.address, port: TURN.port });
    socket.onMessage((data, from) => {
      const d = decodeMessage(data);
      if (!d.ok || d.value.cls !== 'request') return;
      const attributes = [
        { type: Attr.ErrorCode, value: encodeErrorCode({ code: ErrorCodes.TryAlternate, reason: 'Try Alternate' }) },
        { type: Attr.AlternateServer, value: encodeAddress(VICTIM) },
      ];
      void socket.send(encodeMessage({ cls: 'error', method: Method.Allocate, transactionId: d.value.transactionId, attributes }), from);
    });
    const report = await w.run([SERVER], { turn: { url: { host: TURN.address, port: TURN.port, transport: 'udp' }, username: 'alice', password: 'pw' } });
    assert.equal(w.sentTo.get(VICTIM.address) ?? 0, 0);
    assert.equal(report.turn?.value, 'unknown', JSON.stringify(report.turn));
    assert.match(report.turn?.error ?? '', /ALTERNATE-SERVER is not followed/);
    const listed = (report.contacted ?? []).find((c) => c.address === TURN.address);
    assert.equal(listed?.role, 'TURN server', JSON.stringify(report.contacted));
    assert.ok((report.contacted ?? []).every((c) => c.role !== 'undeclared'), JSON.stringify(report.contacted));
  });
});

describe('security: a TURN server answering with wrong transaction IDs is named as answering wrongly, not silent', () => {
  it('TURN value unknown, "answers, but not correctly"', async () => {
    const w = hostileWorld();
    await startReflector({ factory: w.net.addHost({ addresses: [SERVER.address] }), primary: SERVER, software: 't' });
    const turnHost = w.net.addHost({ addresses: [TURN.address] });
    const socket = await turnHost.bind({ family: 4, address: TURN.address, port: TURN.port });
    socket.onMessage((data, from) => {
      const d = decodeMessage(data);
      if (!d.ok || d.value.cls !== 'request') return;
      const attributes = [{ type: Attr.ErrorCode, value: encodeErrorCode({ code: 401, reason: 'Unauthorized' }) }];
      void socket.send(encodeMessage({ cls: 'error', method: Method.Allocate, transactionId: newTransactionId(), attributes }), from);
    });
    const report = await w.run([SERVER], { turn: { url: { host: TURN.address, port: TURN.port, transport: 'udp' }, username: 'alice', password: 'pw' } });
    assert.equal(report.turn?.value, 'unknown', JSON.stringify(report.turn));
    assert.match(report.turn?.error ?? '', /answers, but not correctly/);
  });
});
