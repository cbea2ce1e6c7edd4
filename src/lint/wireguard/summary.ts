/** The ConfigSummary for workspace checks: ports, endpoints, public keys (never secrets). */
import type { ConfigSummary } from '../types';
import { classifyHost, isEndpointParts, splitEndpoint } from './addresses';
import { effective } from './parser';
import { parsePortText } from './ports';
import { type RuleContext, compactRange, lineText, valueRange } from './rules/context';

export function emptySummary(): ConfigSummary {
  return { format: 'wireguard', listenPorts: [], endpoints: [], peers: [] };
}

export function buildSummary(ctx: RuleContext): ConfigSummary {
  const listenPorts: ConfigSummary['listenPorts'][number][] = [];
  const endpoints: ConfigSummary['endpoints'][number][] = [];
  const peers: ConfigSummary['peers'][number][] = [];
  const lp = effective(ctx.parsed.interfaces, 'ListenPort');
  if (lp && lp.usable) {
    const p = parsePortText(lp.compactValue);
    const port = p.kind === 'number' ? p.effective : p.kind === 'service' ? p.port : 0;
    // 0 = a random port each time: nothing fixed to compare.
    if (port > 0) listenPorts.push({ protocol: 'udp', port, range: valueRange(lp) });
  }
  const keys = ctx.memo.peerKeys();
  for (let i = 0; i < ctx.parsed.peers.length; i++) {
    const s = ctx.parsed.peers[i];
    const ep = s.effective('Endpoint');
    if (ep && ep.usable) {
      const parts = splitEndpoint(ep.compactValue);
      if (isEndpointParts(parts) && classifyHost(parts.host).kind !== 'invalid') {
        const p = parsePortText(parts.port);
        const port = p.kind === 'number' ? p.effective : p.kind === 'service' ? p.port : 0;
        if (port > 0) endpoints.push({ host: parts.host, port, protocol: 'udp', range: compactRange(lineText(ctx, ep.line), ep, 0, ep.compactValue.length) });
      }
    }
    const pk = keys[i];
    if (pk) {
      peers.push({ publicKey: pk.compactValue, hasEndpoint: ep !== undefined && ep.usable, range: valueRange(pk) });
    }
  }
  const summary: ConfigSummary = { format: 'wireguard', listenPorts, endpoints, peers };
  return ctx.ownPublicKey ? { ...summary, ownPublicKey: ctx.ownPublicKey } : summary;
}
