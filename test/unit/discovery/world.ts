import { diagnose, type DiagnoseOptions } from '../../../src/engine/discovery/discover';
import { startReflector } from '../../../src/engine/server/reflector';
import type { Report } from '../../../src/report/report';
import { VirtualClock, VirtualNetwork, type NatModel } from '../../support/vnet';

/**
 * A small world for diagnosis tests: an RFC 5780 server on the "internet" at 198.51.100.1/.2,
 * and a client behind a NAT model (or directly on the internet).
 */
export const PRIMARY = { address: '198.51.100.1', port: 3478 };
export const ALTERNATE = { address: '198.51.100.2', port: 3479 };
export const CLIENT_LAN = '192.168.1.2';

export interface World {
  clock: VirtualClock;
  net: VirtualNetwork;
  run(overrides?: Partial<DiagnoseOptions>): Promise<Report>;
}

export async function makeWorld(options: {
  nat?: Partial<NatModel>;
  /** Client directly on the internet with this address (no NAT). */
  publicClient?: string;
  seed?: number;
  uplink?: { delayMs?: number; lossRate?: number };
  serverLink?: { delayMs?: number; lossRate?: number };
  /** false: a single-address server (no OTHER-ADDRESS). */
  rfc5780?: boolean;
}): Promise<World> {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: options.seed ?? 1 });
  const server = net.addHost({ addresses: [PRIMARY.address, ALTERNATE.address], link: options.serverLink });
  await startReflector({
    factory: server,
    primary: PRIMARY,
    alternate: options.rfc5780 === false ? undefined : ALTERNATE,
    software: 'natprobe-test',
    // The rate limit runs on virtual time too, or a 60 s virtual probe looks like a flood.
    clock,
  });
  let clientAddress: string;
  let factory;
  if (options.publicClient) {
    clientAddress = options.publicClient;
    factory = net.addHost({ addresses: [clientAddress], link: options.uplink });
  } else {
    const nat = net.addNat(
      {
        publicAddresses: ['203.0.113.5'],
        mapping: 'endpoint-independent',
        filtering: 'address-and-port-dependent',
        ...options.nat,
      },
      { link: options.uplink },
    );
    // A firewall without translation (mapping 'none') keeps the client's public address.
    clientAddress = options.nat?.mapping === 'none' ? '203.0.113.9' : CLIENT_LAN;
    factory = net.addHost({ addresses: [clientAddress], behind: nat });
  }
  return {
    clock,
    net,
    run: (overrides = {}) =>
      clock.run(
        diagnose({
          servers: [{ host: PRIMARY.address, port: PRIMARY.port }],
          factory,
          clock,
          resolve: async (host) => [{ address: host, family: host.includes(':') ? 6 : 4 }],
          interfaces: () => [{ name: 'eth0', address: clientAddress, family: clientAddress.includes(':') ? 6 : 4, internal: false }],
          budgetMs: 5000,
          version: 'test',
          now: () => new Date(0),
          ...overrides,
        }),
      ),
  };
}
