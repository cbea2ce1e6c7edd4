import type { Endpoint } from '../../../src/engine/net/udp';
import { startReflector } from '../../../src/engine/server/reflector';
import { VirtualClock, VirtualNetwork, type NatModel, type VirtualHost, type VirtualNat } from '../../support/vnet';
import type { UdpSocketFactory } from '../../../src/engine/net/udp';
import { decodeMessage, encodeAddress, encodeMessage, Attr, Method, isStunPacket } from '../../../src/engine/stun';

export const PRIMARY: Endpoint = { address: '198.51.100.1', port: 3478 };
export const ALTERNATE: Endpoint = { address: '198.51.100.2', port: 3479 };

export interface ProbeWorld {
  clock: VirtualClock;
  net: VirtualNetwork;
  nat?: VirtualNat;
  client: VirtualHost;
  /** Datagrams the server received. */
  serverPackets(): number;
}

/**
 * An RFC 5780 reflector on the internet and one client behind `nat` (or, with `publicClient`,
 * directly on the internet). `server: 'plain'` is a STUN server that ignores RESPONSE-PORT and
 * answers the requesting socket (like most public servers); 'rfc5780' is our reflector.
 */
export async function makeProbeWorld(options: {
  nat?: Partial<NatModel>;
  publicClient?: string;
  seed?: number;
  lossRate?: number;
  delayMs?: number;
  server?: 'rfc5780' | 'plain';
}): Promise<ProbeWorld> {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: options.seed ?? 1 });
  const serverHost = net.addHost({ addresses: [PRIMARY.address, ALTERNATE.address], link: { delayMs: options.delayMs ?? 10 } });
  let count = 0;
  if ((options.server ?? 'rfc5780') === 'rfc5780') {
    await startReflector({ factory: serverHost, primary: PRIMARY, alternate: ALTERNATE, software: 'natprobe-test', clock });
  } else {
    await startPlainServer(serverHost, PRIMARY, () => count++);
  }
  let client: VirtualHost;
  let nat: VirtualNat | undefined;
  const link = { delayMs: options.delayMs ?? 10, lossRate: options.lossRate ?? 0 };
  if (options.publicClient) {
    client = net.addHost({ addresses: [options.publicClient], link });
  } else {
    nat = net.addNat(
      { publicAddresses: ['203.0.113.5'], mapping: 'endpoint-independent', filtering: 'address-and-port-dependent', ...options.nat },
      { link },
    );
    client = net.addHost({ addresses: [options.nat?.mapping === 'none' ? '203.0.113.9' : '192.168.1.2'], behind: nat, link: { delayMs: 1 } });
  }
  net.onPacket((e) => {
    if (e.kind === 'deliver' && e.where === serverHost.name) count++;
  });
  return { clock, net, nat, client, serverPackets: () => count };
}

/** A single-address STUN server that knows no RFC 5780: RESPONSE-PORT is ignored (answer goes to the source). */
async function startPlainServer(factory: UdpSocketFactory, at: Endpoint, _seen: () => void): Promise<void> {
  const socket = await factory.bind({ family: 4, address: at.address, port: at.port });
  socket.onMessage((data, from) => {
    if (!isStunPacket(data)) return;
    const m = decodeMessage(data);
    if (!m.ok || m.value.cls !== 'request') return;
    const reply = encodeMessage({
      cls: 'success',
      method: Method.Binding,
      transactionId: m.value.transactionId,
      attributes: [{ type: Attr.MappedAddress, value: encodeAddress(from) }],
    });
    socket.send(reply, from).catch(() => undefined);
  });
}
