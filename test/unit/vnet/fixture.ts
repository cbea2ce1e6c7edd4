/**
 * The standard scene for the RFC 4787 tests: one client behind one NAT, and a server host with
 * two addresses running three reflectors, so every (address, port) combination RFC 4787 talks
 * about is one variable away:
 *
 *   client 192.168.1.10:40000 ── NAT 203.0.113.1 ── internet ── server 198.51.100.1:3478 (a1)
 *                                                                     198.51.100.1:3479 (a2)
 *                                                                     198.51.100.2:3478 (b1)
 */

import type { Endpoint } from '../../../src/engine/net/udp';
import {
  Inbox,
  VirtualClock,
  VirtualNetwork,
  startReflector,
  text,
  textOf,
  type NatModel,
  type Reflector,
  type VirtualHost,
  type VirtualNat,
} from '../../support/vnet';

export const CLIENT = '192.168.1.10';
export const CLIENT_PORT = 40000;
export const NAT_PUBLIC = '203.0.113.1';
export const SERVER_A = '198.51.100.1';
export const SERVER_B = '198.51.100.2';

export interface Scene {
  readonly clock: VirtualClock;
  readonly net: VirtualNetwork;
  readonly nat: VirtualNat;
  readonly client: VirtualHost;
  readonly server: VirtualHost;
  readonly inbox: Inbox;
  /** SERVER_A:3478 */
  readonly a1: Reflector;
  /** SERVER_A:3479 (same address, other port) */
  readonly a2: Reflector;
  /** SERVER_B:3478 (other address) */
  readonly b1: Reflector;
}

export async function scene(nat: Partial<NatModel> = {}, seed = 7): Promise<Scene> {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed });
  const device = net.addNat(
    { publicAddresses: [NAT_PUBLIC], mapping: 'endpoint-independent', filtering: 'endpoint-independent', ...nat },
    { name: 'nat' },
  );
  const client = net.addHost({ addresses: [CLIENT], behind: device, name: 'client' });
  const server = net.addHost({ addresses: [SERVER_A, SERVER_B], name: 'server' });
  const socket = await client.bind({ family: 4, port: CLIENT_PORT });
  return {
    clock,
    net,
    nat: device,
    client,
    server,
    inbox: new Inbox(socket, clock),
    a1: await startReflector(server, clock, { family: 4, address: SERVER_A, port: 3478 }),
    a2: await startReflector(server, clock, { family: 4, address: SERVER_A, port: 3479 }),
    b1: await startReflector(server, clock, { family: 4, address: SERVER_B, port: 3478 }),
  };
}

/**
 * Sends one unsolicited datagram from `from` to `to`, lets the network settle without moving the
 * clock, and says whether the client received it.
 */
export async function reaches(s: Scene, from: Reflector, to: Endpoint): Promise<boolean> {
  const before = s.inbox.received.length;
  const label = `probe ${s.inbox.received.length}-${s.net.stats.sent}`;
  await from.socket.send(text(label), to);
  await s.clock.advance(0);
  return s.inbox.received.slice(before).some((d) => textOf(d.data) === label);
}
