import { diagnose, type DiagnoseOptions } from '../../src/engine/discovery/discover';
import type { Endpoint } from '../../src/engine/net/udp';
import { Attr, Method, type StunAttribute, decodeMessage, encodeAddress, encodeMessage, encodeXorAddress, newTransactionId } from '../../src/engine/stun';
import type { Report } from '../../src/report/report';
import { VirtualClock, VirtualNetwork, type NatModel, type VirtualHost } from '../support/vnet';

/**
 * The world the attack suite runs in: a client behind a NAT on the virtual network, and
 * servers whose answers the test writes. Every hostile server lives only in this process.
 */
export const CLIENT_LAN = '192.168.1.2';
export const NAT_PUBLIC = '203.0.113.5';

export interface HostileWorld {
  readonly clock: VirtualClock;
  readonly net: VirtualNetwork;
  readonly client: VirtualHost;
  /** Datagrams the client (or the NAT on its behalf) sent to each address, from the network's own tap. */
  readonly sentTo: Map<string, number>;
  run(servers: Endpoint[], overrides?: Partial<DiagnoseOptions>): Promise<Report>;
}

export function hostileWorld(nat: Partial<NatModel> = {}, seed = 7): HostileWorld {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed });
  const natBox = net.addNat({ publicAddresses: [NAT_PUBLIC], mapping: 'endpoint-independent', filtering: 'address-and-port-dependent', ...nat });
  const client = net.addHost({ addresses: [CLIENT_LAN], behind: natBox });
  const sentTo = new Map<string, number>();
  net.onPacket((e) => {
    if (e.kind === 'send' && e.from.address === CLIENT_LAN) sentTo.set(e.to.address, (sentTo.get(e.to.address) ?? 0) + 1);
  });
  return {
    clock,
    net,
    client,
    sentTo,
    run: (servers, overrides = {}) =>
      clock.run(
        diagnose({
          servers: servers.map((s) => ({ host: s.address, port: s.port })),
          factory: client,
          clock,
          resolve: async (host) => [{ address: host, family: host.includes(':') ? 6 : 4 }],
          interfaces: () => [{ name: 'eth0', address: CLIENT_LAN, family: 4, internal: false }],
          budgetMs: 4000,
          version: 'test',
          ...overrides,
        }),
      ),
  };
}

export interface Lies {
  /** OTHER-ADDRESS to claim. */
  readonly other?: Endpoint;
  /** The mapped address to claim, given where the request really came from. */
  readonly mapped?: (from: Endpoint) => Endpoint;
  /** Answer with a transaction ID of its own instead of ours. */
  readonly wrongTransaction?: boolean;
  /** Answer from this address instead of the one the request reached. */
  readonly answerFrom?: Endpoint;
}

/** A STUN server that answers every Binding request, telling the lies asked for. */
export async function liarServer(host: VirtualHost, at: Endpoint, lies: Lies): Promise<void> {
  const socket = await host.bind({ family: 4, address: at.address, port: at.port });
  const from = lies.answerFrom ? await host.bind({ family: 4, address: lies.answerFrom.address, port: lies.answerFrom.port }) : socket;
  socket.onMessage((data, client) => {
    const d = decodeMessage(data);
    if (!d.ok || d.value.cls !== 'request') return;
    const txid = lies.wrongTransaction ? newTransactionId() : d.value.transactionId;
    const mapped = lies.mapped ? lies.mapped(client) : client;
    const attributes: StunAttribute[] = [{ type: Attr.XorMappedAddress, value: encodeXorAddress(mapped, txid) }];
    if (lies.other) attributes.push({ type: Attr.OtherAddress, value: encodeAddress(lies.other) });
    void from.send(encodeMessage({ cls: 'success', method: Method.Binding, transactionId: txid, attributes }), client);
  });
}
