export { VirtualClock, DeadlockError, VirtualTimeLimitError, type RunOptions } from './virtualClock';
export {
  VirtualNetwork,
  VirtualHost,
  VirtualNat,
  natModels,
  DROP_REASONS,
  type NatModel,
  type MappingBehaviour,
  type FilteringBehaviour,
  type LinkProfile,
  type VirtualNetworkOptions,
  type HostOptions,
  type NatOptions,
  type DropReason,
  type NetworkStats,
  type PacketEvent,
  type NatMapping,
} from './virtualNetwork';
export { Inbox, startReflector, whoAmI, text, textOf, type Datagram, type Reflector } from './testing';
