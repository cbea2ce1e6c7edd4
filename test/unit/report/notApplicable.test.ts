import assert from 'node:assert/strict';
import { nothingToExpire } from '../../../src/engine/probes/lifetime/result';
import { parseReport } from '../../../src/report/parseReport';
import { renderMarkdown } from '../../../src/report/renderMarkdown';
import { renderText } from '../../../src/report/renderText';
import { makeWorld } from '../discovery/world';

// Issue: with no NAT, port preservation was shown as a yellow "? Could not tell — not
// applicable". "Not applicable" is its own state: the question does not arise.
describe('"not applicable" is its own state, not "could not tell"', () => {
  it('with no NAT, port preservation is not applicable in the Report, the text and the Markdown', async () => {
    const report = await (await makeWorld({ publicClient: '203.0.113.9' })).run();
    assert.equal(report.mapping.value, 'none');
    assert.equal(report.portPreservation.notApplicable, true);
    // Readers that predate the field still read a safe three-state answer.
    assert.equal(report.portPreservation.value, 'unknown');
    const parsed = parseReport(JSON.parse(JSON.stringify(report)));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);

    const text = renderText(report);
    assert.match(text, /Port preservation: not applicable {2}there is no NAT/);
    assert.doesNotMatch(text, /Port preservation: unknown/);
    assert.match(renderMarkdown(report), /\| Port preservation \| not applicable \| there is no NAT/);
  });

  it('behind a NAT it is an answer (or "unknown"), never "not applicable"', async () => {
    const report = await (await makeWorld({})).run();
    assert.equal(report.portPreservation.notApplicable, undefined);
    assert.doesNotMatch(renderText(report), /not applicable/);
  });

  it('a report whose notApplicable is anything but true is refused with the path', async () => {
    const report = await (await makeWorld({ publicClient: '203.0.113.9' })).run();
    const bad = { ...JSON.parse(JSON.stringify(report)), portPreservation: { value: 'unknown', reason: 'x', notApplicable: 'yes' } };
    const parsed = parseReport(bad);
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.error, /report\.portPreservation\.notApplicable: expected true/);
  });

  it('with no NAT, the mapping lifetime is not applicable (no mapping to expire), not "unknown", in the text and the Markdown', async () => {
    const world = await (await makeWorld({ publicClient: '203.0.113.9' })).run();
    const report = { ...world, mappingLifetime: nothingToExpire(40123, '203.0.113.9', true) };
    const parsed = parseReport(JSON.parse(JSON.stringify(report)));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    assert.equal(parsed.report.mappingLifetime?.notApplicable, true);
    const text = renderText(report);
    assert.match(text, /Mapping lifetime: {2}not applicable {2}no mapping to expire/);
    assert.doesNotMatch(text, /Mapping lifetime: {2}unknown/);
    assert.match(renderMarkdown(report), /\| Mapping lifetime \| not applicable \| no mapping to expire/);
    const bad = { ...JSON.parse(JSON.stringify(report)), mappingLifetime: { ...report.mappingLifetime, notApplicable: false } };
    const refused = parseReport(bad);
    assert.equal(refused.ok, false);
    assert.match(refused.ok ? '' : refused.error, /report\.mappingLifetime\.notApplicable: expected true/);
  });
});

describe('sequential ports: shown where the mapping changes per destination, left out where the question does not arise', () => {
  it('behind a symmetric NAT that counts up: yes with the step, in the Report, the text and the Markdown', async () => {
    const report = await (await makeWorld({ nat: { mapping: 'address-and-port-dependent', filtering: 'address-and-port-dependent', portPreservation: false, portAllocation: 'sequential', publicAddresses: ['203.0.113.70'] } })).run();
    assert.equal(report.sequentialPorts?.value, 'yes', report.sequentialPorts?.reason);
    assert.equal(report.sequentialPorts?.stride, 1);
    const parsed = parseReport(JSON.parse(JSON.stringify(report)));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    assert.match(renderText(report), /Sequential ports: {2}yes {2}the \d new mappings got ports/);
    assert.match(renderMarkdown(report), /\| Sequential ports \| yes \| the \d new mappings got ports/);
  });

  it('behind a cone NAT: not applicable in the Report, and not a line of the text', async () => {
    const report = await (await makeWorld({})).run();
    assert.equal(report.sequentialPorts?.notApplicable, true);
    assert.doesNotMatch(renderText(report), /Sequential ports/);
    assert.doesNotMatch(renderMarkdown(report), /Sequential ports/);
  });

  it('a report whose stride is not a number or null is refused with the path (the attack: a string where compare prints a step)', async () => {
    const report = JSON.parse(JSON.stringify(await (await makeWorld({})).run())) as Record<string, unknown>;
    const parsed = parseReport({ ...report, sequentialPorts: { value: 'yes', reason: 'x', stride: '1; rm -rf /' } });
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.error, /report\.sequentialPorts\.stride/);
  });
});
