import assert from 'node:assert/strict';
import { parseReport } from '../../../src/report/parseReport';
import { redactReport } from '../../../src/report/redact';
import { renderMarkdown } from '../../../src/report/renderMarkdown';
import type { Report } from '../../../src/report/report';
import { CLIENT_LAN, PRIMARY, makeWorld } from '../discovery/world';

const PUBLIC = '203.0.113.5';

async function realReport(): Promise<Report> {
  // A real diagnosis on the virtual network: behind a port-restricted NAT with public address 203.0.113.5.
  return (await makeWorld({})).run();
}

describe('exporting a report', () => {
  describe('redactReport', () => {
    it("replaces this machine's local and public addresses everywhere, evidence included, with stable labels", async () => {
      const report = await realReport();
      const raw = JSON.stringify(report);
      assert.ok(raw.includes(PUBLIC) && raw.includes(CLIENT_LAN), 'the unredacted report names both addresses');
      const redacted = redactReport(report);
      const text = JSON.stringify(redacted);
      assert.ok(!text.includes(PUBLIC), 'public address left in');
      assert.ok(!text.includes(CLIENT_LAN), 'local address left in');
      assert.deepEqual(redacted.localAddresses, ['<local address 1>']);
      assert.equal(redacted.publicEndpoints[0].address, '<public address 1>');
      // The evidence still reads, with the same label where the address was.
      assert.ok(redacted.mapping.evidence.some((e) => e.observation.includes('<public address 1>')), JSON.stringify(redacted.mapping.evidence));
    });

    it('keeps the servers the user configured, and everything that is not an address', async () => {
      const report = await realReport();
      const redacted = redactReport(report);
      assert.equal(redacted.servers[0].address, PRIMARY.address);
      assert.equal(redacted.servers[0].otherAddress, report.servers[0].otherAddress);
      assert.equal(redacted.natType.value, report.natType.value);
      assert.equal(redacted.publicEndpoints[0].port, report.publicEndpoints[0].port);
      assert.equal(redacted.startedAt, report.startedAt);
    });

    it('catches IPv6 and bracketed endpoints, and leaves times and version numbers alone', async () => {
      const report = await realReport();
      const doctored: Report = {
        ...report,
        localAddresses: ['2001:db8::7'],
        udpReason: 'seen [2001:db8::7]:4000 and 2001:0db8:0:0:0:0:0:7 at 12:30:00, and fe80::1, version 1.2.3',
      };
      const r = redactReport(doctored);
      assert.equal(r.udpReason, 'seen [<local address 1>]:4000 and <local address 1> at 12:30:00, and <address 1>, version 1.2.3');
    });

    it("redacts the machine's addresses, never the text's: a range a reason explains (100.64.0.0/10, fc00::/7) survives", async () => {
      const report = await realReport();
      const doctored: Report = {
        ...report,
        localAddresses: ['100.64.12.7', '192.168.1.23'],
        cgnat: { ...report.cgnat, reason: 'no local or reflexive address in 100.64.0.0/10 (RFC 6598), none in fc00::/7 either; 100.64.12.7/10 is on wg0' },
        udpReason: 'the router 192.168.1.1 answered from 192.168.1.1/24 and 10.0.0.0/8 is not used',
      };
      const r = redactReport(doctored);
      assert.equal(r.cgnat.reason, 'no local or reflexive address in 100.64.0.0/10 (RFC 6598), none in fc00::/7 either; <local address 1>/10 is on wg0');
      // A host address seen first, then the same address with a prefix: still this machine's.
      assert.equal(r.udpReason, 'the router <address 1> answered from <address 1>/24 and 10.0.0.0/8 is not used');
    });

    it('the gateway is redacted wherever it appears, also written with a prefix length', async () => {
      const report = await realReport();
      const doctored: Report = { ...report, portMapping: { gateway: '192.168.7.1', upnp: 'no', natPmp: 'no', pcp: 'no', reasons: { upnp: '', natPmp: '', pcp: '' }, evidence: [] }, udpReason: 'via 192.168.7.1/24' };
      const r = redactReport(doctored);
      assert.equal(r.udpReason, 'via <address 1>/24');
      assert.equal(r.portMapping?.gateway, '<address 1>');
    });

    it('does not change the report it is given', async () => {
      const report = await realReport();
      const before = JSON.stringify(report);
      redactReport(report);
      assert.equal(JSON.stringify(report), before);
    });
  });

  describe('renderMarkdown', () => {
    it('has the verdict, a results table with every reason, the servers and the evidence', async () => {
      const report = await realReport();
      const md = renderMarkdown(report);
      assert.match(md, /^# NAT Probe report/);
      assert.match(md, /\*\*Port-restricted-cone NAT/);
      assert.ok(md.includes(`| Mapping | endpoint-independent | ${report.mapping.reason.replace(/\|/g, '\\|')} |`));
      assert.ok(md.includes(`| ${PRIMARY.address}:${PRIMARY.port} |`));
      assert.match(md, /## Evidence/);
    });

    it('escapes table cells: a reason with | or <script> cannot break the table or inject HTML; a newline shows as \\x0a', async () => {
      const report = await realReport();
      const md = renderMarkdown({ ...report, udpReason: 'a | b <script>x</script>\nnext' });
      const line = md.split('\n').find((l) => l.startsWith('| UDP |'))!;
      assert.equal(line, '| UDP | yes | a \\| b &lt;script&gt;x&lt;/script&gt;\\\\x0anext |');
    });
  });

  describe('parseReport', () => {
    it('accepts a real report, also after a JSON round trip and after redaction', async () => {
      const report = await realReport();
      assert.equal(parseReport(JSON.parse(JSON.stringify(report))).ok, true);
      assert.equal(parseReport(redactReport(report)).ok, true);
    });

    it('names the first problem of something that is not a report', async () => {
      const report = await realReport();
      const cases: Array<[unknown, RegExp]> = [
        [null, /not a JSON object/],
        [[], /not a JSON object/],
        [{ ...report, schemaVersion: 2 }, /schemaVersion is 2, expected 1/],
        [{ ...report, udp: false }, /^report\.udp: expected one of yes, no, unknown, got a boolean$/],
        [{ ...report, mapping: { value: 'cone', reason: '', evidence: [] } }, /^report\.mapping\.value: expected one of endpoint-independent, .*got "cone"$/],
        [{ ...report, servers: [{ host: 1 }] }, /^report\.servers\[0\]\.host: expected a string, got a number$/],
        [{ ...report, ports: [{ protocol: 'udp', port: 1, reachable: false, basis: '' }] }, /^report\.ports\[0\]\.reachable: expected one of yes, no, unknown/],
        [{ ...report, startedAt: 'yesterday' }, /^report\.startedAt: expected an ISO 8601 time$/],
        [{ ...report, durationMs: Number.NaN }, /^report\.durationMs: expected a finite number, got NaN$/],
      ];
      for (const [value, expected] of cases) {
        const r = parseReport(value);
        assert.equal(r.ok, false, JSON.stringify(value)?.slice(0, 80));
        if (!r.ok) assert.match(r.error, expected);
      }
    });
  });
});
