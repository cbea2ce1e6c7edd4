import { type DiagnoseOptions, type TurnServerOption, diagnose } from '../../../src/engine/discovery/discover';
import { startReflector } from '../../../src/engine/server/reflector';
import type { Report } from '../../../src/report/report';
import { VirtualClock, VirtualNetwork, type NatModel } from '../../support/vnet';
import { FakeTurn, type Quirk } from './fakeTurn';

/**
 * A client behind a NAT, one STUN server, and TURN servers of our own (fakeTurn.ts), each on
 * its own host with its own link delay: the RTT to each relay is what the link makes it.
 */
export interface RelaySpec {
  readonly address: string;
  readonly delayMs: number;
  readonly quirk?: Quirk;
  /** The password the client is given for it (alice's is "wonderland"). */
  readonly password?: string;
}

export const STUN_SERVER = { address: '198.51.100.1', port: 3478 };
export const STUN_ALTERNATE = { address: '198.51.100.2', port: 3479 };
export const TURN_PORT = 3478;

export async function relayWorld(relays: readonly RelaySpec[], nat: Partial<NatModel> = {}, publicAddress = '203.0.113.5') {
  const clock = new VirtualClock();
  const net = new VirtualNetwork(clock, { seed: 5 });
  // An RFC 5780 server (a second address): mapping and filtering are measured, so compare can judge.
  await startReflector({ factory: net.addHost({ addresses: [STUN_SERVER.address, STUN_ALTERNATE.address] }), primary: STUN_SERVER, alternate: STUN_ALTERNATE, software: 't' });
  const turns: FakeTurn[] = [];
  for (const r of relays) {
    const host = net.addHost({ addresses: [r.address], link: { delayMs: r.delayMs } });
    turns.push(new FakeTurn(await host.bind({ family: 4, address: r.address, port: TURN_PORT }), r.quirk ?? 'none', r.address));
  }
  const natBox = net.addNat({ publicAddresses: [publicAddress], mapping: 'endpoint-independent', filtering: 'address-and-port-dependent', ...nat });
  const client = net.addHost({ addresses: ['192.168.1.2'], behind: natBox });
  const logs: string[] = [];
  const turn: TurnServerOption[] = relays.map((r) => ({ url: { host: r.address, port: TURN_PORT, transport: 'udp' }, username: 'alice', password: r.password ?? 'wonderland' }));
  const run = async (overrides: Partial<DiagnoseOptions> = {}): Promise<{ report: Report; elapsedMs: number }> => {
    const t0 = clock.now();
    const report = await clock.run(
      diagnose({
        servers: [{ host: STUN_SERVER.address, port: STUN_SERVER.port }],
        factory: client,
        clock,
        resolve: async (host) => [{ address: host, family: host.includes(':') ? 6 : 4 }],
        interfaces: () => [{ name: 'eth0', address: '192.168.1.2', family: 4, internal: false }],
        budgetMs: 2000,
        version: 'test',
        log: (l) => logs.push(l),
        turn,
        ...overrides,
      }),
    );
    return { report, elapsedMs: clock.now() - t0 };
  };
  return { clock, net, turns, logs, run };
}
