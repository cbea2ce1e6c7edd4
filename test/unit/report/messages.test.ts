import assert from 'node:assert/strict';
import {
  MAX_COPY_CHARS,
  WEBVIEW_COMMANDS,
  isHostToWebview,
  isWebviewToHost,
  parseWebviewMessage,
} from '../../../src/report/messages';
import type { Report } from '../../../src/report/report';

function refused(value: unknown): string {
  const r = parseWebviewMessage(value);
  assert.equal(r.ok, false, `accepted ${JSON.stringify(value)}`);
  return r.ok ? '' : r.error;
}

const REPORT: Report = {
  schemaVersion: 1,
  tool: { name: 'natprobe', version: '0.1.0' },
  startedAt: '2024-01-01T00:00:00.000Z',
  durationMs: 100,
  servers: [],
  udp: 'yes',
  udpReason: 'answered',
  localAddresses: ['192.168.1.2'],
  publicEndpoints: [],
  mapping: { value: 'endpoint-independent', reason: 'same port', evidence: [] },
  filtering: { value: 'unknown', reason: 'no RFC 5780 server', evidence: [] },
  portPreservation: { value: 'yes', reason: 'kept' },
  natType: { value: 'unknown', reason: 'filtering unknown' },
  cgnat: { value: 'no', reason: 'public', evidence: [], excludedInterfaces: [] },
  recommendations: [],
  ignoredPackets: { wrongTransaction: 0, unexpectedSource: 0, malformed: 0 },
};

describe('report panel messages (webview → host validator)', () => {
  it('accepts the four message types in their exact shape', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { ok: true, message: { type: 'ready' } });
    assert.deepEqual(parseWebviewMessage({ type: 'copy', text: 'Set PersistentKeepalive = 25' }), { ok: true, message: { type: 'copy', text: 'Set PersistentKeepalive = 25' } });
    assert.deepEqual(parseWebviewMessage({ type: 'apply', recommendationId: 'wireguard-keepalive' }), {
      ok: true,
      message: { type: 'apply', recommendationId: 'wireguard-keepalive' },
    });
    for (const command of WEBVIEW_COMMANDS) {
      assert.deepEqual(parseWebviewMessage({ type: 'openCommand', command }), { ok: true, message: { type: 'openCommand', command } });
    }
    assert.equal(isWebviewToHost({ type: 'ready' }), true);
  });

  it('returns a fresh object: extra prototype tricks do not travel through', () => {
    const input = { type: 'copy', text: 'x' };
    const r = parseWebviewMessage(input);
    assert.ok(r.ok);
    assert.notEqual(r.message, input);
  });

  it('refuses what is not a plain object', () => {
    for (const v of [undefined, null, 0, 'ready', true, [], [{ type: 'ready' }], new Date(), () => 1]) refused(v);
    class Ready {
      type = 'ready';
    }
    refused(new Ready());
  });

  it('refuses unknown and missing types, and says which (without echoing long junk)', () => {
    assert.match(refused({}), /unknown type/);
    assert.match(refused({ type: 'delete-everything' }), /unknown type "delete-everything"/);
    assert.match(refused({ type: 42 }), /unknown type \(number\)/);
    const long = refused({ type: 'x'.repeat(5000) });
    assert.ok(long.length < 100, long);
    refused({ type: 'toString' });
    refused({ type: '__proto__' });
    refused({ type: 'constructor' });
  });

  it('refuses extra fields (the shape is exact)', () => {
    assert.match(refused({ type: 'ready', extra: 1 }), /unexpected fields/);
    assert.match(refused({ type: 'copy', text: 'a', command: 'natProbe.runDiagnosis' }), /unexpected fields/);
    assert.match(refused({ type: 'apply', recommendationId: 'cgnat', text: 'a' }), /unexpected fields/);
  });

  it('copy: text must be a non-empty string within the size limit', () => {
    assert.match(refused({ type: 'copy' }), /not a string/);
    assert.match(refused({ type: 'copy', text: 5 }), /not a string/);
    assert.match(refused({ type: 'copy', text: { toString: () => 'x' } }), /not a string/);
    assert.match(refused({ type: 'copy', text: '' }), /empty/);
    assert.ok(parseWebviewMessage({ type: 'copy', text: 'x'.repeat(MAX_COPY_CHARS) }).ok);
    assert.match(refused({ type: 'copy', text: 'x'.repeat(MAX_COPY_CHARS + 1) }), /more than/);
  });

  it('apply: recommendationId must look like one of ours', () => {
    refused({ type: 'apply' });
    refused({ type: 'apply', recommendationId: '' });
    refused({ type: 'apply', recommendationId: 'Wireguard-Keepalive' });
    refused({ type: 'apply', recommendationId: '../../etc/passwd' });
    refused({ type: 'apply', recommendationId: 'a'.repeat(65) });
    refused({ type: 'apply', recommendationId: ['wireguard-keepalive'] });
    assert.ok(parseWebviewMessage({ type: 'apply', recommendationId: 'a'.repeat(64) }).ok);
  });

  it('openCommand: only the allow-listed NAT Probe commands', () => {
    assert.match(refused({ type: 'openCommand', command: 'workbench.action.terminal.sendSequence' }), /not an allowed command/);
    refused({ type: 'openCommand', command: 'natProbe.runDiagnosis ' });
    refused({ type: 'openCommand', command: 'NATPROBE.RUNDIAGNOSIS' });
    refused({ type: 'openCommand' });
    const long = refused({ type: 'openCommand', command: 'x'.repeat(10_000) });
    assert.ok(long.length < 120, long);
  });
});

describe('report panel messages (host → webview, and saved state)', () => {
  it('a report message must carry a whole report (parseReport), not an older or partial shape', () => {
    assert.equal(isHostToWebview({ type: 'report', report: { ...REPORT, schemaVersion: 2 } }), false);
    assert.equal(isHostToWebview({ type: 'report', report: { ...REPORT, natType: 'symmetric' } }), false);
    assert.equal(isHostToWebview({ type: 'report', report: { ...REPORT, servers: undefined } }), false);
    assert.equal(isHostToWebview({ type: 'report', report: '{}' }), false);
    assert.equal(isHostToWebview({ type: 'report', report: REPORT, partial: true }), true);
  });

  it('isHostToWebview checks each message type', () => {
    assert.equal(isHostToWebview({ type: 'report', report: REPORT }), true);
    assert.equal(isHostToWebview({ type: 'report', report: {} }), false);
    assert.equal(isHostToWebview({ type: 'config', config: null }), true);
    assert.equal(isHostToWebview({ type: 'config', config: { format: 'wireguard', fileName: 'wg0.conf', applicable: ['wireguard-keepalive'] } }), true);
    assert.equal(isHostToWebview({ type: 'config', config: { format: 'ipsec', fileName: 'x', applicable: [] } }), false);
    assert.equal(isHostToWebview({ type: 'result', action: 'apply', ok: true, message: 'done' }), true);
    assert.equal(isHostToWebview({ type: 'result', action: 'delete', ok: true, message: 'done' }), false);
    assert.equal(isHostToWebview({ type: 'other' }), false);
  });
});

describe('messages: "Your VPN servers" rows (reach)', () => {
  const row = { fileName: 'wg0.conf', label: 'peer abcdefgh… (line 9)', endpoint: 'vpn.example.net:51820/udp', outcome: 'reachable', rttMs: 23, summary: 'The WireGuard server accepted these keys; RTT 23 ms.' };
  it('accepts rows of known outcomes and refuses anything else', () => {
    assert.equal(isHostToWebview({ type: 'reach', rows: [row, { ...row, outcome: 'no-answer', rttMs: undefined, nextStep: 'Check the keys.' }] }), true);
    assert.equal(isHostToWebview({ type: 'reach', rows: [] }), true);
    assert.equal(isHostToWebview({ type: 'reach', rows: [{ ...row, outcome: 'maybe' }] }), false);
    assert.equal(isHostToWebview({ type: 'reach', rows: [{ ...row, rttMs: 'fast' }] }), false);
    assert.equal(isHostToWebview({ type: 'reach', rows: [{ ...row, summary: undefined }] }), false);
    assert.equal(isHostToWebview({ type: 'reach', rows: Array.from({ length: 201 }, () => row) }), false);
    assert.equal(isHostToWebview({ type: 'reach' }), false);
  });
});

describe('messages: "Direct path to a peer" (punch)', () => {
  const row = {
    via: 'rendezvous.example.org',
    direct: 'yes',
    reason: 'a check and its answer crossed srflx↔srflx',
    pair: { kind: 'srflx↔srflx', local: '127.0.0.1:40000', remote: '127.0.0.1:40001' },
    ms: 1100,
    rttMs: 0.4,
    prediction: { direct: 'unknown', reason: 'no prediction' },
    agrees: 'unknown',
    packetsSent: 14,
    at: '2026-12-02T17:00:00.000Z',
  };
  it('accepts a row, or null before any punch, and refuses a row with a field of the wrong kind', () => {
    assert.equal(isHostToWebview({ type: 'punch', row }), true);
    assert.equal(isHostToWebview({ type: 'punch', row: null }), true);
    assert.equal(isHostToWebview({ type: 'punch', row: { ...row, pair: undefined, ms: undefined, rttMs: undefined, direct: 'no' } }), true);
    assert.equal(isHostToWebview({ type: 'punch', row: { ...row, direct: true } }), false);
    assert.equal(isHostToWebview({ type: 'punch', row: { ...row, rttMs: -1 } }), false);
    assert.equal(isHostToWebview({ type: 'punch', row: { ...row, pair: { kind: 'srflx↔srflx', local: 1, remote: 'x' } } }), false);
    assert.equal(isHostToWebview({ type: 'punch', row: { ...row, prediction: { direct: 'maybe', reason: '' } } }), false);
    assert.equal(isHostToWebview({ type: 'punch', row: { ...row, packetsSent: 1.5 } }), false);
    assert.equal(isHostToWebview({ type: 'punch', row: { ...row, at: 'yesterday' } }), false);
    assert.equal(isHostToWebview({ type: 'punch' }), false);
  });
});
