// `natprobe serve --ports` on loopback: events on the extra ports reach the summary log too.
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { Method, encodeMessage, newTransactionId } from '../../src/engine/stun';
import { serve } from '../cli/serve';

describe('security: serve logs --ports events in its periodic summary (loopback)', function () {
  this.timeout(20000);
  it('a Binding answered on an extra UDP port shows up in the next summary line', async () => {
    const base = 31000 + (process.pid % 14000) * 2;
    const child = await serve(['--primary', `127.0.0.1:${base}`, '--ports', `udp:${base + 1}`, '--log-interval', '1']);
    let err = '';
    child.stderr!.on('data', (c) => (err += c));
    const socket = dgram.createSocket('udp4');
    try {
      const answered = new Promise<void>((resolve) => socket.once('message', () => resolve()));
      socket.send(encodeMessage({ cls: 'request', method: Method.Binding, transactionId: newTransactionId(), attributes: [] }), base + 1, '127.0.0.1');
      await answered;
      for (let i = 0; i < 50 && !/answered/.test(err); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(err, /^last 1 s: 1 answered, 0 rate-limited, 0 dropped from 1 sources$/m, err);
    } finally {
      socket.close();
      child.kill('SIGTERM');
    }
  });
});
