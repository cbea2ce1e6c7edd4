// The CLI's coloured text report (a terminal, NO_COLOR unset) colours an answer by what it means,
// as the panel does (src/report/meaning.ts): "Carrier-grade NAT: no" is good news and was red.
import assert from 'node:assert/strict';
import { renderText } from '../../../src/report/renderText';
import type { Report } from '../../../src/report/report';
import { makeWorld } from '../discovery/world';

const GREEN = (s: string) => `\u001b[32m${s}\u001b[39m`;
const RED = (s: string) => `\u001b[31m${s}\u001b[39m`;
const line = (text: string, label: string) => text.split('\n').find((l) => l.includes(label)) ?? '';

describe('the text report: colours by meaning, not by yes/no', () => {
  let report: Report;
  before(async () => {
    report = await (await makeWorld({})).run();
  });

  it('"Carrier-grade NAT: no" and "Double NAT: no" are green; their yes is red', () => {
    const good = renderText({ ...report, cgnat: { ...report.cgnat, value: 'no' }, doubleNat: { value: 'no', reason: 'the router holds the public address' } }, { color: true });
    assert.ok(line(good, 'Carrier-grade NAT:').includes(GREEN('no')), line(good, 'Carrier-grade NAT:'));
    assert.ok(line(good, 'Double NAT:').includes(GREEN('no')), line(good, 'Double NAT:'));
    const bad = renderText({ ...report, cgnat: { ...report.cgnat, value: 'yes' } }, { color: true });
    assert.ok(line(bad, 'Carrier-grade NAT:').includes(RED('yes')), line(bad, 'Carrier-grade NAT:'));
  });

  it('a fact without a judgement is not red: port preservation "no", the router speaking no UPnP', () => {
    const text = renderText(
      {
        ...report,
        portPreservation: { value: 'no', reason: 'the NAT picked another port' },
        portMapping: { upnp: 'no', natPmp: 'no', pcp: 'no', gateway: '192.168.1.1', reasons: { upnp: 'u', natPmp: 'n', pcp: 'p' }, evidence: [] },
      },
      { color: true },
    );
    assert.ok(!line(text, 'Port preservation:').includes(RED('no')), line(text, 'Port preservation:'));
    assert.ok(!line(text, 'Port mapping:').includes(RED('no')), line(text, 'Port mapping:'));
  });

  it('UDP getting out and a VPN port getting through: yes green, no red (unchanged)', () => {
    const text = renderText({ ...report, ports: [{ protocol: 'udp', port: 51820, reachable: 'no', basis: 'silence' }] }, { color: true });
    assert.ok(line(text, 'UDP:').includes(GREEN('yes')));
    assert.ok(line(text, 'udp/51820').includes(RED('no')));
  });
});
