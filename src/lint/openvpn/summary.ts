/** What workspace checks need from one OpenVPN config: where it listens and whom it dials. */
import type { ConfigSummary } from '../types';
import { directiveEnd } from './fixes';
import { protocolFamily, type ConfigModel } from './model';
import type { LineIndex } from './positions';

function port(s: string): number | undefined {
  if (!/^\d+$/.test(s)) return s === 'openvpn' ? 1194 : undefined;
  const n = Number(s);
  return n >= 0 && n <= 65535 ? n : undefined;
}

export function summarize(model: ConfigModel, index: LineIndex): ConfigSummary {
  const listenPorts: ConfigSummary['listenPorts'][number][] = [];
  const g = model.global;
  if (model.serverMode && !g.nobind) {
    const from = g.lport ?? g.port;
    const p = from ? port(from.args[0].text) : undefined;
    if (from && p !== undefined) {
      listenPorts.push({ protocol: protocolFamily(g.proto), port: p, range: index.range(from.args[0].start, from.args[0].end) });
    } else if (!from && model.explicitServer) {
      const s = model.explicitServer;
      listenPorts.push({ protocol: protocolFamily(g.proto), port: 1194, range: index.range(s.nameToken.start, s.nameToken.end) });
    }
  }
  const endpoints: ConfigSummary['endpoints'][number][] = [];
  for (const e of model.entries) {
    if (!e.remote) continue;
    const p = port(e.remotePort);
    if (p === undefined) continue;
    endpoints.push({
      host: e.remote.args[0].text,
      port: p,
      protocol: protocolFamily(e.proto),
      range: index.range(e.remote.nameToken.start, directiveEnd(e.remote)),
    });
  }
  return { format: 'openvpn', listenPorts, endpoints, peers: [] };
}
