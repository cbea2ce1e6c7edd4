/** The verdict in plain words, with the facts it rests on. */
import type { Report } from '../../report/report';
import { h } from '../dom';
import { BEHAVIOUR_WORDS, NAT_TYPE_WORDS, S } from '../strings';
import { verdictWords } from '../verdictWords';
import { answer, facts, reason, section, tri } from '../widgets';

type Tone = 'good' | 'warn' | 'bad' | 'unknown';

function tone(report: Report): Tone {
  if (report.udp === 'no') return 'bad';
  if (report.udp !== 'yes') return 'unknown';
  if (report.cgnat?.value === 'yes') return 'bad';
  switch (report.natType?.value) {
    case 'open-internet':
    case 'full-cone':
    case 'restricted-cone':
      return 'good';
    case 'port-restricted-cone':
    case 'symmetric-udp-firewall':
      return 'warn';
    case 'symmetric':
    case 'udp-blocked':
      return 'bad';
    default:
      return 'unknown';
  }
}

export function verdictSection(report: Report): HTMLElement {
  const words = verdictWords(report);
  const t = tone(report);
  const mapping = report.mapping?.value ?? 'unknown';
  const filtering = report.filtering?.value ?? 'unknown';
  const behaviour = (v: typeof mapping) => (v === 'unknown' ? tri('unknown', null) : h('span', { class: 'value' }, BEHAVIOUR_WORDS[v].name));
  return section(
    'verdict',
    S.verdictHeading,
    h(
      'div',
      { class: `verdict-card tone-${t}` },
      h('p', { class: 'headline', id: 'verdict-headline' }, words.headline),
      ...words.sentences.map((x) => h('p', { class: 'sentence' }, x)),
    ),
    facts([
      [S.factNatType, h('span', { class: 'value' }, NAT_TYPE_WORDS[report.natType?.value ?? 'unknown'] ?? S.unknown), ' ', reason(report.natType?.reason)],
      [S.factUdp, tri(report.udp, 'udp'), ' ', reason(report.udpReason)],
      [S.factMapping, behaviour(mapping)],
      [S.factFiltering, behaviour(filtering)],
      [S.factPortPreservation, answer(report.portPreservation, 'portPreservation'), ' ', reason(report.portPreservation?.reason)],
      // Only where the mapping changes per destination (elsewhere the question does not arise).
      report.sequentialPorts && !report.sequentialPorts.notApplicable
        ? [S.factSequentialPorts, answer(report.sequentialPorts, 'sequentialPorts'), ' ', reason(report.sequentialPorts.reason)]
        : null,
      // Its reason and evidence are under "How the NAT behaves": said once, there.
      [S.factCgnat, tri(report.cgnat?.value, 'cgnat')],
      report.doubleNat ? [S.factDoubleNat, answer(report.doubleNat, 'doubleNat'), ' ', reason(report.doubleNat.reason)] : null,
    ]),
  );
}
