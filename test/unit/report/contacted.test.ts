import assert from 'node:assert/strict';
import { parseReport } from '../../../src/report/parseReport';
import { redactReport } from '../../../src/report/redact';
import { renderMarkdown } from '../../../src/report/renderMarkdown';
import { renderText } from '../../../src/report/renderText';
import type { ContactedAddress, Report } from '../../../src/report/report';
import { PRIMARY, makeWorld } from '../discovery/world';

const PUBLIC = '203.0.113.5';

async function reportWith(contacted: ContactedAddress[]): Promise<Report> {
  const report = await (await makeWorld({})).run();
  return { ...report, contacted };
}

const entries: ContactedAddress[] = [
  { address: PRIMARY.address, port: 3478, transport: 'udp', role: 'configured server', packets: 3, confirmed: true },
  { address: '192.0.2.77', port: 3479, transport: 'udp', role: 'announced alternate', announcedBy: '198.51.100.1:3478', packets: 2, confirmed: false },
  { address: PUBLIC, port: 40000, transport: 'udp', role: 'hairpin target', packets: 6, confirmed: true },
  { address: '192.168.1.1', port: 5351, transport: 'udp', role: 'gateway', packets: 2, confirmed: true },
];

describe('report: contacted[]', () => {
  it('a real diagnosis lists what it contacted, and the report round-trips through parseReport', async () => {
    const report = await (await makeWorld({})).run();
    assert.ok(report.contacted && report.contacted.length > 0);
    const parsed = parseReport(JSON.parse(JSON.stringify(report)));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  });

  it('reports made before contacted[] existed still parse', async () => {
    const { contacted: _, ...old } = await (await makeWorld({})).run();
    assert.ok(parseReport(JSON.parse(JSON.stringify(old))).ok);
  });

  it('a malformed entry is named with its index', async () => {
    const good = await reportWith(entries);
    for (const bad of [
      { ...entries[0], port: 70000 },
      { ...entries[0], role: 'friend' },
      { ...entries[0], packets: -1 },
      { ...entries[0], confirmed: 'yes' },
      { ...entries[0], transport: 'sctp' },
    ]) {
      const r = parseReport(JSON.parse(JSON.stringify({ ...good, contacted: [entries[1], bad] })));
      assert.equal(r.ok, false, JSON.stringify(bad));
      assert.match(r.ok ? '' : r.error, /^report\.contacted\[1\]/);
    }
    assert.equal(parseReport(JSON.parse(JSON.stringify({ ...good, contacted: 'all of them' }))).ok, false);
  });

  it('redaction keeps the servers and what they announced, hides our public address (the hairpin target) and the gateway', async () => {
    const r = redactReport(await reportWith(entries));
    const c = r.contacted!;
    assert.equal(c[0].address, PRIMARY.address);
    assert.equal(c[1].address, '192.0.2.77');
    assert.equal(c[2].address, '<public address 1>');
    assert.doesNotMatch(c[3].address, /192\.168\.1\.1/);
  });

  it("a server announcing this machine's own address as OTHER-ADDRESS cannot keep it from being redacted", async () => {
    const report = await (await makeWorld({})).run();
    const doctored: Report = {
      ...report,
      servers: report.servers.map((s) => ({ ...s, otherAddress: `${PUBLIC}:3479` })),
      contacted: [{ address: PUBLIC, port: 3479, transport: 'udp', role: 'announced alternate', announcedBy: '198.51.100.1:3478', packets: 2, confirmed: false }],
    };
    const text = JSON.stringify(redactReport(doctored));
    assert.ok(!text.includes(PUBLIC), text);
  });

  it('the text and Markdown reports show every contacted address with its reason', async () => {
    const report = await reportWith(entries);
    const text = renderText(report);
    assert.match(text, /Contacted/);
    assert.match(text, /192\.0\.2\.77:3479 udp, 2 packets: announced alternate \(OTHER-ADDRESS of 198\.51\.100\.1:3478\), unconfirmed/);
    assert.match(text, /198\.51\.100\.1:3478 udp, 3 packets: configured server\n/);
    const md = renderMarkdown(report);
    assert.match(md, /## Contacted/);
    assert.match(md, /203\.0\.113\.5:40000 udp, 6 packets: hairpin target/);
  });
});
