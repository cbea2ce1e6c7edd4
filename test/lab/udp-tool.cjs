#!/usr/bin/env node
// Tiny STUN Binding client used by the lab harness *inside* its network namespaces
// (run as `ip netns exec <ns> node udp-tool.cjs ...`). It only ever sends to the
// host:port targets given on its command line, which the harness takes from its own
// lab addresses (198.51.100.0/24 inside the lab namespaces). Bounded in count and time.
//
//   node udp-tool.cjs ping <timeoutMs> <host:port>...
//       Send a Binding request to each target every 50 ms until it answers or the
//       timeout passes. Prints {"<host:port>": true|false, ...} as JSON.
//   node udp-tool.cjs blast <host:port> <count> <intervalMs> <waitMs>
//       Send <count> Binding requests (distinct transaction ids) every <intervalMs>,
//       then wait <waitMs> for stragglers. Prints {"sent": n, "received": m} as JSON.
//
// Works against RFC 5389/5780 servers (coturn) and RFC 3489 servers (stund): the
// response is matched on the 16 bytes after the type/length (cookie + transaction id),
// which an RFC 3489 server echoes as its 128-bit transaction id.
'use strict';
const dgram = require('node:dgram');
const crypto = require('node:crypto');
const { Buffer } = require('node:buffer');
const { setTimeout, clearTimeout, setInterval, clearInterval } = require('node:timers');

const MAGIC_COOKIE = 0x2112a442;

function bindingRequest() {
  const msg = Buffer.alloc(20);
  msg.writeUInt16BE(0x0001, 0); // Binding request
  msg.writeUInt16BE(0, 2); // no attributes
  msg.writeUInt32BE(MAGIC_COOKIE, 4);
  crypto.randomBytes(12).copy(msg, 8);
  return msg;
}

/** Key of a message: cookie + transaction id, as hex. */
function txKey(buf) {
  return buf.subarray(4, 20).toString('hex');
}

function isBindingSuccess(buf) {
  return buf.length >= 20 && buf.readUInt16BE(0) === 0x0101;
}

function parseTarget(s) {
  const i = s.lastIndexOf(':');
  if (i <= 0) throw new Error(`bad target ${s}`);
  const port = Number(s.slice(i + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad port in ${s}`);
  return { host: s.slice(0, i), port };
}

function ping(timeoutMs, targets) {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    const pending = new Map(); // txKey -> target string
    const result = {};
    for (const t of targets) result[t] = false;
    const sendAll = () => {
      for (const t of targets) {
        if (result[t]) continue;
        const { host, port } = parseTarget(t);
        const req = bindingRequest();
        pending.set(txKey(req), t);
        sock.send(req, port, host);
      }
    };
    const finish = () => {
      clearInterval(iv);
      clearTimeout(to);
      sock.close();
      resolve(result);
    };
    sock.on('message', (buf) => {
      if (!isBindingSuccess(buf)) return;
      const t = pending.get(txKey(buf));
      if (t) result[t] = true;
      if (targets.every((x) => result[x])) finish();
    });
    sock.on('error', () => {
      /* ICMP errors while a server is not up yet: keep trying until the timeout */
    });
    const iv = setInterval(sendAll, 50);
    const to = setTimeout(finish, timeoutMs);
    sock.bind(0, sendAll);
  });
}

function blast(target, count, intervalMs, waitMs) {
  return new Promise((resolve) => {
    const { host, port } = parseTarget(target);
    const sock = dgram.createSocket('udp4');
    const outstanding = new Set();
    let sent = 0;
    let received = 0;
    sock.on('message', (buf) => {
      if (!isBindingSuccess(buf)) return;
      const k = txKey(buf);
      if (outstanding.delete(k)) received++;
    });
    sock.on('error', () => {});
    sock.bind(0, () => {
      const iv = setInterval(() => {
        if (sent >= count) {
          clearInterval(iv);
          setTimeout(() => {
            sock.close();
            resolve({ sent, received });
          }, waitMs);
          return;
        }
        const req = bindingRequest();
        outstanding.add(txKey(req));
        sock.send(req, port, host);
        sent++;
      }, intervalMs);
    });
  });
}

async function main(argv) {
  const [mode, ...rest] = argv;
  if (mode === 'ping') {
    const [timeoutMs, ...targets] = rest;
    const t = Math.min(Math.max(Number(timeoutMs) || 1000, 50), 30000);
    return ping(t, targets);
  }
  if (mode === 'blast') {
    const [target, count, intervalMs, waitMs] = rest;
    const n = Math.min(Math.max(Number(count) || 1, 1), 5000);
    const iv = Math.min(Math.max(Number(intervalMs) || 1, 1), 1000);
    const w = Math.min(Math.max(Number(waitMs) || 500, 0), 10000);
    return blast(target, n, iv, w);
  }
  throw new Error('usage: udp-tool.cjs ping <timeoutMs> <host:port>... | blast <host:port> <count> <intervalMs> <waitMs>');
}

main(process.argv.slice(2)).then(
  (r) => {
    process.stdout.write(JSON.stringify(r) + '\n');
  },
  (e) => {
    process.stderr.write(String(e && e.message ? e.message : e) + '\n');
    process.exitCode = 2;
  },
);
