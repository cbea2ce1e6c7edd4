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
//   node udp-tool.cjs mapped <host:port>...
//       From one socket, one target after the other (the next only once the previous
//       answered, or after 3 tries 200 ms apart): the XOR-MAPPED-ADDRESS each answer
//       names, so the order of the NAT's new mappings is the order of the targets.
//       Prints ["203.0.113.1:30000", null, ...] as JSON (null: no answer).
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

/** XOR-MAPPED-ADDRESS (RFC 8489 §14.2, IPv4 only) of a Binding success, as "a.b.c.d:port", or null. */
function xorMapped(buf) {
  let off = 20;
  const end = Math.min(buf.length, 20 + buf.readUInt16BE(2));
  while (off + 4 <= end) {
    const type = buf.readUInt16BE(off);
    const len = buf.readUInt16BE(off + 2);
    if (off + 4 + len > end) return null;
    if (type === 0x0020 && len === 8 && buf[off + 5] === 0x01) {
      const port = buf.readUInt16BE(off + 6) ^ (MAGIC_COOKIE >>> 16);
      const a = (buf.readUInt32BE(off + 8) ^ MAGIC_COOKIE) >>> 0;
      return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}:${port}`;
    }
    off += 4 + ((len + 3) & ~3);
  }
  return null;
}

function mapped(targets) {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    const out = [];
    let waiting = null; // { key, done }
    sock.on('message', (buf) => {
      if (waiting && isBindingSuccess(buf) && txKey(buf) === waiting.key) waiting.done(xorMapped(buf));
    });
    sock.on('error', () => {});
    const ask = (t) =>
      new Promise((done) => {
        const { host, port } = parseTarget(t);
        let tries = 0;
        const req = bindingRequest();
        const send = () => {
          if (tries++ >= 3) return finish(null);
          sock.send(req, port, host);
        };
        const iv = setInterval(send, 200);
        const finish = (v) => {
          clearInterval(iv);
          waiting = null;
          done(v);
        };
        waiting = { key: txKey(req), done: finish };
        send();
      });
    sock.bind(0, async () => {
      for (const t of targets) out.push(await ask(t));
      sock.close();
      resolve(out);
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
  if (mode === 'mapped') return mapped(rest.slice(0, 16));
  throw new Error('usage: udp-tool.cjs ping <timeoutMs> <host:port>... | blast <host:port> <count> <intervalMs> <waitMs> | mapped <host:port>...');
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
