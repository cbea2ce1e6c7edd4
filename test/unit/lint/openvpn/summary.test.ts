// The ConfigSummary workspace checks use: where a config listens (server mode) and which
// endpoints it dials, with OpenVPN's defaults and <connection> inheritance.

import * as assert from 'node:assert/strict';
import { fixture, lint, under } from './helpers';

describe('OpenVPN config summary', () => {
  it('a server listens on port/lport with the protocol from proto', () => {
    const text = fixture('server-tcp443.conf');
    const s = lint(text).summary;
    assert.equal(s.format, 'openvpn');
    assert.deepEqual(s.listenPorts.map((p) => [p.protocol, p.port]), [['tcp', 443]]);
    assert.equal(under(text, s.listenPorts[0].range), '443');
    assert.deepEqual(s.endpoints, []);
    assert.deepEqual(s.peers, []);
  });

  it('lport wins over port for listening; udp6 counts as udp', () => {
    const s = lint('mode server\ntls-server\nproto udp6\nport 1194\nlport 1195\n').summary;
    assert.deepEqual(s.listenPorts.map((p) => [p.protocol, p.port]), [['udp', 1195]]);
  });

  it('a server without port listens on 1194 (the range is the server line)', () => {
    const text = 'dev tun\nserver 10.8.0.0 255.255.255.0\n';
    const s = lint(text).summary;
    assert.deepEqual(s.listenPorts.map((p) => [p.protocol, p.port]), [['udp', 1194]]);
    assert.equal(under(text, s.listenPorts[0].range), 'server');
  });

  it('no client and no remote counts as server mode; a client does not listen', () => {
    assert.deepEqual(lint('dev tun\nport 5000\n').summary.listenPorts.map((p) => p.port), [5000]);
    assert.deepEqual(lint('client\ndev tun\nport 5000\nremote a\n').summary.listenPorts, []);
  });

  it('every remote is an endpoint, with port/rport/proto defaults', () => {
    const text = 'client\nproto tcp-client\nrport 443\nremote a.example\nremote b.example 1194 udp\nremote c.example 8443\n';
    const s = lint(text).summary;
    assert.deepEqual(s.endpoints.map((e) => [e.host, e.port, e.protocol]), [
      ['a.example', 443, 'tcp'],
      ['b.example', 1194, 'udp'],
      ['c.example', 8443, 'tcp'],
    ]);
    assert.equal(under(text, s.endpoints[1].range), 'remote b.example 1194 udp');
  });

  it('<connection> blocks are endpoints too, taking the options above them as defaults', () => {
    const text = fixture('client-tcp443-fallback.ovpn');
    const s = lint(text).summary;
    assert.deepEqual(s.endpoints.map((e) => [e.host, e.port, e.protocol]), [
      ['vpn.example.com', 1194, 'udp'],
      ['vpn.example.com', 443, 'tcp'],
    ]);
    const t2 = 'client\nport 8000\nproto tcp-client\n<connection>\nremote a\n</connection>\nport 9000\n<connection>\nremote b\nproto udp\n</connection>\n';
    assert.deepEqual(lint(t2).summary.endpoints.map((e) => [e.host, e.port, e.protocol]), [
      ['a', 8000, 'tcp'],
      ['b', 9000, 'udp'],
    ]);
  });

  it('top-level remotes use the options as they stand at the end of the file', () => {
    const s = lint('client\nremote a\nport 7000\nproto tcp\n').summary;
    assert.deepEqual(s.endpoints.map((e) => [e.host, e.port, e.protocol]), [['a', 7000, 'tcp']]);
  });

  it('an unreadable file has an empty summary', () => {
    const s = lint('\u0000\u0001').summary;
    assert.deepEqual(s, { format: 'openvpn', listenPorts: [], endpoints: [], peers: [] });
  });
});
