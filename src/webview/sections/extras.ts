/** Hairpinning, the gateway's port-mapping protocols and the TURN relay: shown only when tested. */
import type { Report } from '../../report/report';
import { h } from '../dom';
import { S } from '../strings';
import { type RenderContext, answer, collapsible, evidenceList, facts, reason, section, tri } from '../widgets';

export function extrasSection(ctx: RenderContext, report: Report): HTMLElement | null {
  const parts: HTMLElement[] = [];
  if (report.hairpinning) {
    parts.push(h('h3', undefined, S.hairpin), h('p', undefined, answer(report.hairpinning, 'hairpinning'), ' ', reason(report.hairpinning.reason)));
  }
  const pm = report.portMapping;
  if (pm) {
    parts.push(
      h('h3', undefined, S.portMappingHeading),
      facts([
        [S.gateway, pm.gateway ? h('span', { class: 'mono' }, pm.gateway) : h('span', { class: 'muted' }, S.gatewayUnknown)],
        [S.upnp, tri(pm.upnp, 'portMappingProtocol'), ' ', reason(pm.reasons?.upnp)],
        [S.natPmp, tri(pm.natPmp, 'portMappingProtocol'), ' ', reason(pm.reasons?.natPmp)],
        [S.pcp, tri(pm.pcp, 'portMappingProtocol'), ' ', reason(pm.reasons?.pcp)],
      ]),
    );
    if (pm.evidence?.length) parts.push(collapsible(ctx, 'evidence:port-mapping', S.evidence(pm.evidence.length), evidenceList(pm.evidence)));
  }
  const turn = report.turn;
  if (turn) {
    const released = turn.released === true ? S.turnReleasedYes : turn.released === false ? S.turnReleasedNo : S.turnReleasedNone;
    parts.push(
      h('h3', undefined, S.turnHeading),
      facts([
        [S.turnAllocated, tri(turn.value, 'turnAllocated'), ' ', reason(turn.error)],
        [S.turnRelayed, turn.relayedAddress ? h('span', { class: 'mono' }, turn.relayedAddress) : h('span', { class: 'muted' }, S.none)],
        [S.turnRtt, turn.rttMs !== null && turn.rttMs !== undefined ? h('span', { class: 'num' }, S.ms(turn.rttMs)) : h('span', { class: 'muted' }, S.none)],
        turn.released !== undefined ? [S.turnReleased, released] : null,
      ]),
    );
    // Several relays: the ranking by RTT to the relay (the first is the one above).
    const ranked = report.turnServers ?? [];
    if (ranked.length > 1) {
      parts.push(
        h('h4', undefined, S.turnRanking),
        h(
          'ol',
          { class: 'turn-ranking' },
          ...ranked.map((r) =>
            h('li', undefined, h('span', { class: 'mono' }, r.url), ' ', tri(r.value, 'turnAllocated'), ' ', r.rttMs !== null ? h('span', { class: 'num' }, S.ms(r.rttMs)) : '', ' ', reason(r.error)),
          ),
        ),
      );
    }
  }
  return parts.length ? section('extras', S.extrasHeading, ...parts) : null;
}
