/**
 * The one piece of real I/O the UPnP client needs besides UDP: a bounded HTTP/1.1 request
 * over node:http. Bounded in time (on the injected clock), in response size, in header size;
 * no redirects, no keep-alive, no proxy. The UPnP client only ever hands it URLs on the
 * gateway's own LAN address.
 */

import * as http from 'node:http';
import type { Clock } from '../../clock';

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The whole exchange, connect to last byte. */
  readonly timeoutMs: number;
  /** Larger bodies are refused (the request is torn down). */
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Rejects on any failure (connection, timeout, oversize, abort). */
export type HttpRequester = (request: HttpRequest) => Promise<HttpResponse>;

export function nodeHttpRequester(clock: Clock): HttpRequester {
  return (req) =>
    new Promise<HttpResponse>((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(req.url);
      } catch {
        reject(new Error(`bad URL ${req.url}`));
        return;
      }
      if (url.protocol !== 'http:') {
        reject(new Error(`only http: URLs (got ${url.protocol})`));
        return;
      }
      if (req.signal?.aborted) {
        reject(new Error('aborted'));
        return;
      }
      let settled = false;
      const chunks: Buffer[] = [];
      let size = 0;
      const body = req.body !== undefined ? Buffer.from(req.body, 'utf8') : undefined;
      const r = http.request(
        {
          method: req.method,
          host: url.hostname,
          port: url.port ? Number(url.port) : 80,
          path: `${url.pathname}${url.search}`,
          headers: {
            Connection: 'close',
            ...(req.headers ?? {}),
            ...(body ? { 'Content-Length': String(body.length) } : {}),
          },
          agent: false,
          maxHeaderSize: 16 * 1024,
        },
        (res) => {
          const declared = Number(res.headers['content-length']);
          if (Number.isFinite(declared) && declared > req.maxBytes) {
            fail(new Error(`response of ${declared} bytes (limit ${req.maxBytes})`));
            return;
          }
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > req.maxBytes) {
              fail(new Error(`response larger than ${req.maxBytes} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            if (settled) return;
            settled = true;
            cleanup();
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) {
              if (typeof v === 'string') headers[k.toLowerCase()] = v;
              else if (Array.isArray(v)) headers[k.toLowerCase()] = v.join(', ');
            }
            resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', (e) => fail(e));
        },
      );
      const fail = (e: Error): void => {
        if (settled) return;
        settled = true;
        cleanup();
        r.destroy();
        reject(e);
      };
      const timer = clock.setTimeout(() => fail(new Error(`no complete answer within ${req.timeoutMs} ms`)), req.timeoutMs);
      const onAbort = (): void => fail(new Error('aborted'));
      req.signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = (): void => {
        clock.clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
      };
      r.on('error', (e) => fail(e));
      if (body) r.end(body);
      else r.end();
    });
}
