import assert from 'node:assert/strict';
import { parseServerSpec } from '../../../src/engine/discovery/serverSpec';

describe('server specs (host[:port], [v6]:port, stun: URIs)', () => {
  const ok = (text: string, host: string, port: number) =>
    it(`"${text}" → ${host} port ${port}`, () => assert.deepEqual(parseServerSpec(text), { ok: true, value: { host, port } }));
  ok('stun.example.org', 'stun.example.org', 3478);
  ok('stun.example.org:19302', 'stun.example.org', 19302);
  ok('198.51.100.1:3478', '198.51.100.1', 3478);
  ok('[2001:db8::1]:3479', '2001:db8::1', 3479);
  ok('[2001:db8::1]', '2001:db8::1', 3478);
  ok('2001:db8::1', '2001:db8::1', 3478);
  ok('stun:stun.example.org:3478', 'stun.example.org', 3478);
  ok('  198.51.100.1  ', '198.51.100.1', 3478);

  const bad = (text: string, fragment: RegExp) =>
    it(`rejects "${text}" with a clear message`, () => {
      const r = parseServerSpec(text);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, fragment);
    });
  bad('', /empty/);
  bad('host:0', /port must be a number from 1 to 65535/);
  bad('host:70000', /port must be/);
  bad('host:abc', /port must be/);
  bad('[not-v6]:1', /not an IPv6 address/);
  bad('bad host', /not a hostname/);
  bad('-x.example', /not a hostname/);
});
