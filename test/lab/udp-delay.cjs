#!/usr/bin/env node
// A UDP delay line for the punch-relay lab, run inside the lab's public namespace
// (`ip netns exec <ns> node udp-delay.cjs ...`). The lab kernel has no netem, and a relay's RTT
// must differ by who asks (A near X, B far from it), so this sits in front of a coturn: each
// datagram from a client is held for that client's delay, then passed on from a socket of its
// own per client (so coturn sees one 5-tuple per client); answers go back at once.
//
//   node udp-delay.cjs <listenIp:port> <upstreamIp:port> <sourceIp=ms>[,<sourceIp=ms>...]
//
// It only ever sends to the upstream given and back to clients that sent to it; at most 64
// clients at once; it runs until killed (the lab kills it by PID).
'use strict';
const dgram = require('node:dgram');

const [listenText, upstreamText, delaysText] = process.argv.slice(2);
const split = (t) => {
  const i = t.lastIndexOf(':');
  return { address: t.slice(0, i), port: Number(t.slice(i + 1)) };
};
const listen = split(listenText);
const upstream = split(upstreamText);
const delays = new Map((delaysText || '').split(',').filter(Boolean).map((p) => {
  const [ip, ms] = p.split('=');
  return [ip, Number(ms)];
}));
const MAX_CLIENTS = 64;
const flows = new Map();

const front = dgram.createSocket('udp4');
front.on('message', (data, rinfo) => {
  const key = `${rinfo.address}:${rinfo.port}`;
  let flow = flows.get(key);
  if (!flow) {
    if (flows.size >= MAX_CLIENTS) return;
    const back = dgram.createSocket('udp4');
    back.bind({ address: listen.address, port: 0 });
    back.on('message', (answer, from) => {
      if (from.address === upstream.address && from.port === upstream.port) front.send(answer, rinfo.port, rinfo.address);
    });
    flow = { back };
    flows.set(key, flow);
  }
  const delay = delays.get(rinfo.address) ?? 0;
  setTimeout(() => flow.back.send(data, upstream.port, upstream.address), delay);
});
front.bind({ address: listen.address, port: listen.port }, () => process.stdout.write(`delaying ${listenText} -> ${upstreamText}\n`));
