import type { Answer, Behaviour, BehaviourVerdict, Evidence, NatType, SequentialPorts, Tristate, UdpSilenceWindow } from '../../report/report';
import { type Endpoint, endpointKey, sameEndpoint } from '../net/udp';
import { type TcpRoundTrip, tcpAnswerWords } from './tcpRoundTrip';

/**
 * Pure classification: observations in, verdicts out. The probing (discover.ts) decides what
 * to send; this file holds the rules of RFC 5780 §4.3/§4.4 and RFC 4787 §4.1/§5.
 */

/** Mapped addresses seen by one socket, by the server transport address that saw them. */
export interface MappingObservations {
  readonly localPort: number;
  readonly localAddresses: readonly string[];
  /** Test I: the primary address (A1:P1). */
  readonly primary?: { readonly server: Endpoint; readonly mapped: Endpoint };
  /** RFC 5780 tests with a verified alternate: (A2:P1), (A2:P2), (A1:P2). */
  readonly altIp?: { readonly server: Endpoint; readonly mapped: Endpoint };
  readonly altBoth?: { readonly server: Endpoint; readonly mapped: Endpoint };
  readonly altPort?: { readonly server: Endpoint; readonly mapped: Endpoint };
  /** Why the RFC 5780 tests could not run, when they could not. */
  readonly rfc5780Missing?: string;
  /** Plain binding answers from every server that answered (for the multi-server fallback). */
  readonly others: readonly { readonly server: Endpoint; readonly mapped: Endpoint }[];
}

export function isNoNat(localAddresses: readonly string[], localPort: number, mapped: Endpoint): boolean {
  return mapped.port === localPort && localAddresses.includes(mapped.address);
}

const ev = (test: string, observation: string): Evidence => ({ test, observation });
const seen = (o: { server: Endpoint; mapped: Endpoint }): Evidence =>
  ev(`Binding request to ${endpointKey(o.server)}`, `mapped address ${endpointKey(o.mapped)}`);

export function classifyMapping(o: MappingObservations): BehaviourVerdict {
  const all = [o.primary, o.altIp, o.altBoth, o.altPort, ...o.others].filter((x): x is NonNullable<typeof x> => !!x);
  if (all.length === 0) return { value: 'unknown', reason: 'no usable answer came back', evidence: [] };
  const first = o.primary ?? all[0];
  if (isNoNat(o.localAddresses, o.localPort, first.mapped)) {
    return {
      value: 'none',
      reason: `the server sees this machine's own address ${endpointKey(first.mapped)}: there is no NAT`,
      evidence: [seen(first)],
    };
  }
  // RFC 5780 §4.3: compare X1 (primary), X2 (alternate IP, primary port), X3 (alternate IP and port).
  if (o.primary && o.altIp) {
    const evidence = [seen(o.primary), seen(o.altIp)];
    if (sameEndpoint(o.primary.mapped, o.altIp.mapped)) {
      if (o.altBoth) evidence.push(seen(o.altBoth));
      return { value: 'endpoint-independent', reason: 'the same mapping was used towards a second server address (RFC 5780 §4.3 test II)', evidence };
    }
    if (o.altBoth) {
      evidence.push(seen(o.altBoth));
      if (sameEndpoint(o.altIp.mapped, o.altBoth.mapped)) {
        return { value: 'address-dependent', reason: 'a new mapping per destination address, kept across ports of that address (RFC 5780 §4.3 test III)', evidence };
      }
      return { value: 'address-and-port-dependent', reason: 'a new mapping per destination address and port (RFC 5780 §4.3 test III)', evidence };
    }
    return {
      value: 'unknown',
      reason: 'the mapping changes with the destination address, but test III (alternate port) got no answer, so address- and address-and-port-dependent cannot be told apart',
      evidence,
    };
  }
  // Without an RFC 5780 server: two servers at different addresses still show whether the
  // mapping depends on the destination.
  const distinct = dedupeByServer(all);
  const byAddress = new Map<string, typeof distinct>();
  for (const d of distinct) byAddress.set(d.server.address, [...(byAddress.get(d.server.address) ?? []), d]);
  if (byAddress.size < 2) {
    return {
      value: 'unknown',
      reason: `${o.rfc5780Missing ? o.rfc5780Missing + '; ' : ''}only one server address answered, and comparing mappings needs two`,
      evidence: distinct.map(seen),
    };
  }
  const evidence = distinct.map(seen);
  const allSame = distinct.every((d) => sameEndpoint(d.mapped, distinct[0].mapped));
  if (allSame) {
    return { value: 'endpoint-independent', reason: `the same mapping was used towards ${byAddress.size} server addresses`, evidence };
  }
  // Same address, other port: that pair separates the two dependent kinds.
  for (const group of byAddress.values()) {
    if (group.length >= 2) {
      const samePortGroup = group.every((d) => sameEndpoint(d.mapped, group[0].mapped));
      return samePortGroup
        ? { value: 'address-dependent', reason: 'the mapping changes per server address but not per port of one address', evidence }
        : { value: 'address-and-port-dependent', reason: 'the mapping changes per server address and per port', evidence };
    }
  }
  return {
    value: 'unknown',
    reason:
      'the mapping changes with the destination (not endpoint-independent, so symmetric NAT), but telling address-dependent from address-and-port-dependent needs a server answering on two ports of one address',
    evidence,
  };
}

function dedupeByServer<T extends { server: Endpoint }>(xs: readonly T[]): T[] {
  const out: T[] = [];
  for (const x of xs) if (!out.some((y) => sameEndpoint(y.server, x.server))) out.push(x);
  return out;
}

/** Does the mapping verdict (with its evidence) show a destination-dependent mapping? */
export function mappingVaries(v: BehaviourVerdict): boolean {
  if (v.value === 'address-dependent' || v.value === 'address-and-port-dependent') return true;
  return v.value === 'unknown' && v.reason.startsWith('the mapping changes');
}

export type FilteringProbe =
  | { readonly state: 'answered'; readonly from: Endpoint; readonly mapped?: Endpoint }
  | { readonly state: 'silent'; readonly detail: string }
  | { readonly state: 'wrong-source'; readonly from: Endpoint }
  | { readonly state: 'error'; readonly detail: string };

export interface FilteringObservations {
  /** The RFC 5780 server used, with its verified alternate; undefined when there is none. */
  readonly server?: { readonly primary: Endpoint; readonly other: Endpoint };
  readonly missing?: string;
  /** Test II (change IP and port) and test III (change port), each from a fresh socket. */
  readonly changeBoth?: FilteringProbe;
  readonly changePort?: FilteringProbe;
}

/** RFC 5780 §4.4, each test on its own fresh mapping so an earlier test cannot open the filter. */
export function classifyFiltering(o: FilteringObservations): BehaviourVerdict {
  if (!o.server || !o.changeBoth || !o.changePort) {
    return { value: 'unknown', reason: o.missing ?? 'no RFC 5780 server (one that answers CHANGE-REQUEST from a second address) was available', evidence: [] };
  }
  const { primary, other } = o.server;
  const altBoth = other;
  const altPort: Endpoint = { address: primary.address, port: other.port };
  const evidence: Evidence[] = [
    describeProbe(`CHANGE-REQUEST (change IP and port) to ${endpointKey(primary)} from a fresh socket`, o.changeBoth),
    describeProbe(`CHANGE-REQUEST (change port) to ${endpointKey(primary)} from a fresh socket`, o.changePort),
  ];
  const broken = [o.changeBoth, o.changePort].find((p) => p.state === 'wrong-source' || p.state === 'error');
  if (o.changeBoth.state === 'answered' && sameEndpoint(o.changeBoth.from, altBoth)) {
    return { value: 'endpoint-independent', reason: 'a reply from a different address and port got through (RFC 5780 §4.4 test II)', evidence };
  }
  if (broken) {
    return {
      value: 'unknown',
      reason:
        broken.state === 'wrong-source'
          ? `the server answered a CHANGE-REQUEST from ${endpointKey(broken.from)} instead of its other address, so it does not really honour CHANGE-REQUEST`
          : `the server refused CHANGE-REQUEST (${broken.detail})`,
      evidence,
    };
  }
  if (o.changePort.state === 'answered' && sameEndpoint(o.changePort.from, altPort)) {
    return { value: 'address-dependent', reason: 'a reply from the same address but another port got through, one from another address did not (RFC 5780 §4.4 test III)', evidence };
  }
  if (o.changeBoth.state === 'silent' && o.changePort.state === 'silent') {
    return {
      value: 'address-and-port-dependent',
      reason: 'only replies from the exact address and port contacted get through: both changed-source replies were filtered',
      evidence,
    };
  }
  return { value: 'unknown', reason: 'the filtering tests gave inconsistent answers', evidence };
}

/** How much a filtering verdict proves gets through: more is stronger evidence. */
const OPENNESS: Partial<Record<Behaviour, number>> = { 'endpoint-independent': 3, 'address-dependent': 2, 'address-and-port-dependent': 1 };

/**
 * One filtering verdict from several RFC 5780 servers, naming the server it came from. A
 * changed-source reply that got through proves the filter lets it in (it came from the
 * announced alternate, which answered like the server, with our transaction ID); silence only
 * fails to prove it, since a server may also not send (a slow, broken or lying one). So the
 * most open verdict with evidence wins; with none conclusive, the first server's "unknown".
 */
export function pickFiltering(results: readonly { readonly server: string; readonly verdict: BehaviourVerdict }[]): BehaviourVerdict {
  if (results.length === 0) return classifyFiltering({});
  let best = results[0];
  for (const r of results) if ((OPENNESS[r.verdict.value] ?? 0) > (OPENNESS[best.verdict.value] ?? 0)) best = r;
  return { ...best.verdict, server: best.server };
}

function describeProbe(test: string, p: FilteringProbe): Evidence {
  switch (p.state) {
    case 'answered':
      return ev(test, `reply from ${endpointKey(p.from)} arrived`);
    case 'silent':
      return ev(test, `no reply (${p.detail})`);
    case 'wrong-source':
      return ev(test, `reply came from ${endpointKey(p.from)}, not the address asked for`);
    case 'error':
      return ev(test, p.detail);
  }
}

/** The classic label, derived; RFC 3489's names mapped onto RFC 4787's behaviours. */
export function deriveNatType(udp: Tristate, mapping: BehaviourVerdict, filtering: BehaviourVerdict): { value: NatType; reason: string } {
  if (udp === 'no') return { value: 'udp-blocked', reason: 'no UDP answer came back, though the path works over TCP' };
  if (udp === 'unknown') return { value: 'unknown', reason: 'whether UDP gets through is not known' };
  if (mapping.value === 'none') {
    if (filtering.value === 'endpoint-independent') return { value: 'open-internet', reason: 'no NAT and no inbound filtering' };
    // The filtering's own reason is given once, with the filtering verdict: not repeated here.
    if (filtering.value === 'unknown') return { value: 'unknown', reason: 'no NAT; with the filtering unknown, firewall or open internet cannot be told' };
    return { value: 'symmetric-udp-firewall', reason: `no NAT, but a firewall filters inbound UDP (${filtering.value})` };
  }
  if (mappingVaries(mapping)) {
    return { value: 'symmetric', reason: 'the public mapping changes with the destination, so a peer cannot reuse it' };
  }
  if (mapping.value === 'endpoint-independent') {
    const byFiltering: Partial<Record<Behaviour, NatType>> = {
      'endpoint-independent': 'full-cone',
      'address-dependent': 'restricted-cone',
      'address-and-port-dependent': 'port-restricted-cone',
    };
    const t = byFiltering[filtering.value];
    if (t) return { value: t, reason: `endpoint-independent mapping with ${filtering.value} filtering` };
    return { value: 'unknown', reason: 'which kind of cone NAT depends on the filtering, which is unknown' };
  }
  return { value: 'unknown', reason: 'the type depends on the mapping behaviour, which is unknown' };
}

export function portPreservation(noNat: boolean, localPorts: readonly { local: number; mapped: number }[]): Answer {
  if (noNat) return { value: 'unknown', notApplicable: true, reason: 'there is no NAT to translate ports' };
  if (localPorts.length === 0) return { value: 'unknown', reason: 'no mapping was observed' };
  const changed = localPorts.filter((p) => p.local !== p.mapped);
  if (changed.length === 0) {
    return { value: 'yes', reason: `the NAT kept the local port in all ${localPorts.length} mappings seen` };
  }
  return {
    value: 'no',
    reason: `the NAT changed the port in ${changed.length} of ${localPorts.length} mappings (e.g. ${changed[0].local} → ${changed[0].mapped})`,
  };
}

/** A step this small or less between new mappings counts as allocating in sequence (as natprobe punch's port prediction). */
export const SEQUENTIAL_MAX_STRIDE = 16;

/**
 * Does a NAT whose mapping changes per destination hand out its ports in sequence (the next new
 * mapping gets the last port plus a small step)? Then a peer can be told our next port, which is
 * what port prediction (natprobe punch) needs. `newMappings` are the public ports of the distinct
 * mappings this run made (one per destination from the mapping socket, one per filtering
 * socket): counting up, they sit in a narrow block; drawn at random, three of them fall within
 * 16 ports of each other about twice in a million runs. Other traffic through the same NAT
 * between our tests widens the gaps: a busy NAT that counts up may read "no".
 */
export function sequentialPorts(mapping: BehaviourVerdict, newMappings: readonly number[]): SequentialPorts {
  if (mapping.value === 'none' || mapping.value === 'endpoint-independent') {
    return { value: 'unknown', notApplicable: true, stride: null, reason: 'the mapping does not change per destination, so a peer needs no prediction: it aims at the one public port' };
  }
  if (!mappingVaries(mapping)) return { value: 'unknown', stride: null, reason: 'whether the mapping changes per destination is not known' };
  const ports = [...new Set(newMappings)].sort((a, b) => a - b);
  if (ports.length < 3) {
    return { value: 'unknown', stride: null, reason: `${ports.length} distinct public port${ports.length === 1 ? ' was' : 's were'} seen, and telling a NAT that counts up from chance needs three` };
  }
  const gaps = ports.slice(1).map((p, i) => p - ports[i]);
  const widest = Math.max(...gaps);
  if (widest > SEQUENTIAL_MAX_STRIDE) {
    return { value: 'no', stride: null, reason: `the ${ports.length} new mappings got ports ${ports.join(', ')}: not in sequence (random allocation, or much other traffic through the NAT between them), so the next port cannot be predicted` };
  }
  // The step the NAT takes most often (other flows between ours leave wider gaps).
  const count = new Map<number, number>();
  for (const g of gaps) count.set(g, (count.get(g) ?? 0) + 1);
  const stride = [...count].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  return { value: 'yes', stride, reason: `the ${ports.length} new mappings got ports ${ports.join(', ')}: the NAT counts up (a step of ${stride}), so the next port can be predicted from the last` };
}

/** What the behaviour tests saw of UDP itself, for the "does UDP work at all" verdict. */
export interface UdpObservations {
  /** Servers the user configured, and why each one that could not be resolved failed. */
  readonly configuredServers: number;
  readonly resolveErrors: readonly string[];
  /** Servers that got behaviour-test binding requests (one family: IPv4 when any has it). */
  readonly asked: number;
  readonly elapsedMs: number;
  /** A usable STUN answer arrived on a behaviour-test socket. */
  readonly answered: boolean;
  /** A usable answer arrived on the separate IPv6 socket (when the tests ran over IPv4). */
  readonly ipv6Answered: boolean;
  /** Datagrams that reached our sockets but could not be used. */
  readonly unusable: { readonly wrongTransaction: number; readonly unexpectedSource: number; readonly malformed: number };
  readonly cancelled: boolean;
  /** Why the behaviour socket could not be opened, when it could not. */
  readonly socketProblem?: string;
  readonly sends: { readonly attempted: number; readonly failed: number; readonly firstServerFailure?: string };
  /** Servers (address:port) whose host answered our datagrams with ICMP port unreachable. */
  readonly refused: readonly string[];
  /** Servers (address:port) that neither answered nor refused. */
  readonly silent: readonly string[];
  /** The TCP round trips to the same servers; absent when TCP could not be tried. */
  readonly tcp?: readonly TcpRoundTrip[];
  /** How long silence was waited for, and what sized the wait. */
  readonly window: UdpSilenceWindow;
}

/**
 * Whether UDP gets through. "yes" needs a datagram back. "no" (blocked) needs evidence that
 * the path works otherwise: UDP stayed silent while the same servers' hosts answered over TCP.
 * An ICMP port unreachable says something else entirely (nothing listens on that port, so the
 * datagram got there), and silence with nothing else to compare it with cannot tell a server
 * that is down from a network that drops UDP: both are "unknown" with what was seen.
 */
export function classifyUdp(o: UdpObservations): { value: Tristate; reason: string } {
  if (o.answered) return { value: 'yes', reason: 'STUN servers answered over UDP' };
  if (o.ipv6Answered) {
    // The IPv6 public address was asked on its own socket; its answer is an answer all the same.
    return {
      value: 'yes',
      reason: `only IPv6 answered: ${o.asked} server(s) got binding requests over IPv4 for ${o.elapsedMs} ms and none replied, so the NAT tests could not run`,
    };
  }
  const { wrongTransaction, unexpectedSource, malformed } = o.unusable;
  const unusable = wrongTransaction + unexpectedSource + malformed;
  if (unusable > 0) {
    // Packets came back to our sockets: UDP gets through both ways, whatever the server got wrong.
    const detail = [
      wrongTransaction ? `${wrongTransaction} with a transaction ID we never sent` : '',
      unexpectedSource ? `${unexpectedSource} with our transaction ID but from an address we did not send to` : '',
      malformed ? `${malformed} malformed` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return {
      value: 'yes',
      reason: `the server answers, but not correctly: ${unusable} ${unusable === 1 ? 'reply' : 'replies'} came back and none could be used (${detail}), so UDP gets through; the server is broken or hostile, try another`,
    };
  }
  if (o.cancelled) return { value: 'unknown', reason: 'cancelled before any server answered' };
  if (o.asked === 0) {
    return {
      value: 'unknown',
      reason:
        o.configuredServers === 0
          ? 'no server was configured'
          : // Each server's own reason is listed with it (report.servers[].error): said once, there.
            `no server answered: none of the ${o.configuredServers} server(s) could be resolved${o.resolveErrors.some((e) => /: no such host$/.test(e)) ? ' (check the names: DNS says at least one does not exist)' : ', so this machine looks offline (DNS did not answer)'}`,
    };
  }
  if (o.socketProblem) return { value: 'unknown', reason: o.socketProblem };
  if (o.sends.attempted > 0 && o.sends.failed === o.sends.attempted) {
    return { value: 'unknown', reason: `no packet could be sent: ${o.sends.firstServerFailure ?? 'the network refused every send'}` };
  }
  const waited = `${o.window.ms} ms`;
  if (o.refused.length > 0) {
    // ICMP port unreachable came back: the datagram reached the host (or a firewall rejecting
    // in its name, which looks the same from here), and nothing listens on that port.
    const one = o.refused.length === 1;
    const others = o.silent.length > 0 ? `; ${names(o.silent)} did not answer at all` : '';
    return {
      value: 'unknown',
      reason: `nothing listens on ${names(o.refused)}: ${one ? 'its host answers' : 'their hosts answer'} with ICMP port unreachable, so UDP reaches ${one ? 'it' : 'them'} (a firewall on the way that rejects UDP would look the same); check the server's address and port${others}`,
    };
  }
  const tcpAnswers = (o.tcp ?? []).filter((t) => tcpAnswerWords(t) !== undefined);
  const whom = o.asked === 1 ? (o.silent[0] ?? 'the server') : `any of the ${o.asked} servers`;
  if (tcpAnswers.length > 0) {
    // The same hosts answer over TCP: the path and the servers are there, UDP is what is missing.
    const t = tcpAnswers[0];
    const how = tcpAnswerWords(t);
    const who = o.asked === 1 ? 'its host answers' : `${endpointKey(t.server)} answers`;
    return {
      value: 'no',
      reason: `UDP is blocked: no UDP answer from ${whom} in ${waited}, while ${who} over TCP (${how}), so the path works and UDP does not get through`,
    };
  }
  const norTcp = o.tcp && o.tcp.length > 0 ? ', nor over TCP' : '';
  if (o.asked === 1) {
    return { value: 'unknown', reason: `the server is down or UDP is blocked: ${whom} did not answer over UDP in ${waited}${norTcp}, and nothing else answered to tell which` };
  }
  return {
    value: 'unknown',
    reason: `the servers are down, this machine is offline, or UDP is blocked: none of the ${o.asked} servers answered over UDP in ${waited}${norTcp}, and nothing else answered to tell which`,
  };
}

/** "a:1, b:2 and 3 more": servers named, a long list cut short. */
function names(xs: readonly string[]): string {
  const shown = xs.slice(0, 3).join(', ');
  return xs.length > 3 ? `${shown} and ${xs.length - 3} more` : shown;
}
