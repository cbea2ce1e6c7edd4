/** PORT03: a ListenPort inside Linux's ephemeral range can be taken by any outgoing socket first. */
import { fix, replace } from '../fixes';
import { effective } from '../parser';
import { parsePortText } from '../ports';
import { type RuleContext, valueRange } from './context';

export const EPHEMERAL_LOW = 32768;
export const EPHEMERAL_HIGH = 60999;
/**
 * WireGuard's customary port (wg(8)'s examples, wg-quick's and every setup script's default).
 * It lies in the ephemeral range too, but every peer's Endpoint already names it, so moving it
 * costs more than the rare collision; reserving it (net.ipv4.ip_local_reserved_ports) is the
 * host-level remedy. The hint is kept for ports someone picked freely.
 */
export const WIREGUARD_PORT = 51820;

export function checkEphemeralListenPort(ctx: RuleContext): void {
  const e = effective(ctx.parsed.interfaces, 'ListenPort');
  if (!e || !e.usable) return;
  const p = parsePortText(e.compactValue);
  const port = p.kind === 'number' ? p.effective : p.kind === 'service' ? p.port : undefined;
  if (port === undefined || port < EPHEMERAL_LOW || port > EPHEMERAL_HIGH || port === WIREGUARD_PORT) return;
  const other = port - 30000;
  ctx.out.add(
    'PORT03',
    'hint',
    `ListenPort ${port} is inside Linux's ephemeral port range (${EPHEMERAL_LOW}–${EPHEMERAL_HIGH}, net.ipv4.ip_local_port_range): an outgoing connection can hold it when the interface comes up; a port below ${EPHEMERAL_LOW} avoids that (peers' Endpoints must change too), or reserve it with net.ipv4.ip_local_reserved_ports.`,
    valueRange(e),
    [fix(`Use port ${other} (update the peers' Endpoints)`, [replace(e.line, e.valueStart, e.valueEnd, String(other))])],
  );
}
