// The option table (checked against the real binary by test/lab/lint-openvpn-oracle.test.ts)
// is internally consistent.

import * as assert from 'node:assert/strict';
import {
  DEPRECATED, KEYWORD_PARAMS, NEEDS_MANAGEMENT, NOT_IN_SERVER, NUMERIC_PARAMS, OPTIONS, REMOVED, SECRET_INLINE, SERVER_ONLY, SINGLE_VALUED_INLINE, TLS_ONLY, TO_EVERY_CONNECTION, ZERO_MEANS,
  acceptsCount,
} from '../../../../src/lint/openvpn/options';

describe('OpenVPN option table', () => {
  it('inline-capable options are exactly the ones OpenVPN 2.6 allows', () => {
    const inline = [...OPTIONS.values()].filter((o) => o.inline).map((o) => o.name).sort();
    assert.deepEqual(inline, ['auth-gen-token-secret', 'auth-user-pass', 'ca', 'cert', 'connection', 'crl-verify', 'dh', 'extra-certs', 'http-proxy-user-pass', 'key', 'peer-fingerprint', 'pkcs12', 'secret', 'tls-auth', 'tls-crypt', 'tls-crypt-v2']);
  });
  it('every inline option takes one parameter (the block)', () => {
    for (const o of OPTIONS.values()) if (o.inline) assert.ok(acceptsCount(o, 1), o.name);
  });
  it('connection options include the ones the manual lists', () => {
    for (const name of ['bind', 'connect-retry', 'connect-retry-max', 'connect-timeout', 'explicit-exit-notify', 'float', 'fragment', 'http-proxy', 'http-proxy-option', 'key-direction', 'link-mtu', 'local', 'lport', 'mssfix', 'mtu-disc', 'nobind', 'port', 'proto', 'remote', 'rport', 'socks-proxy', 'tls-auth', 'tls-crypt', 'tls-crypt-v2', 'tun-mtu', 'tun-mtu-extra']) {
      assert.ok(OPTIONS.get(name)?.connection, name);
    }
  });
  it('removed options are not in the table; deprecated, numeric and keyword ones are', () => {
    for (const name of REMOVED.keys()) assert.ok(!OPTIONS.has(name), name);
    for (const name of [...DEPRECATED.keys(), ...NUMERIC_PARAMS.keys(), ...KEYWORD_PARAMS.keys()]) assert.ok(OPTIONS.has(name), name);
  });
  it('secret and single-valued inline sets name inline options', () => {
    for (const name of [...SECRET_INLINE, ...SINGLE_VALUED_INLINE]) assert.ok(OPTIONS.get(name)?.inline, name);
  });
  it('parameter counts stay within a line (15 after the name)', () => {
    for (const o of OPTIONS.values()) {
      assert.ok(o.min <= o.max && o.max <= 15, o.name);
      assert.ok(acceptsCount(o, o.min) && acceptsCount(o, o.max), o.name);
      assert.ok(!acceptsCount(o, 16), o.name);
    }
  });
  it('facts about parameters name parameters the option can have', () => {
    for (const [name, indexes] of NUMERIC_PARAMS) for (const i of indexes) assert.ok(i >= 1 && i <= (OPTIONS.get(name)?.max ?? 0), name);
    for (const [name, kw] of KEYWORD_PARAMS) assert.ok(kw.index >= 1 && kw.index <= (OPTIONS.get(name)?.max ?? 0), name);
    for (const name of ZERO_MEANS.keys()) assert.ok(NUMERIC_PARAMS.has(name), `${name}: zeroMeans without a numeric parameter`);
    // A default that still passes without TLS is compared with atoi() of the first parameter.
    for (const [name, dflt] of TLS_ONLY) if (dflt !== undefined) assert.ok(NUMERIC_PARAMS.get(name)?.includes(1), name);
  });
  it('mode facts do not contradict each other', () => {
    for (const name of SERVER_ONLY) assert.ok(!NOT_IN_SERVER.has(name), `${name} is both server-only and refused in server mode`);
    for (const name of [...SERVER_ONLY, ...NOT_IN_SERVER.keys(), ...TLS_ONLY.keys(), ...NEEDS_MANAGEMENT]) assert.ok(OPTIONS.has(name), name);
    for (const name of TO_EVERY_CONNECTION) assert.ok(OPTIONS.get(name)?.connection, name);
  });
});
