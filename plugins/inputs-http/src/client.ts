import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got, { type Got, type Method } from 'got';
import { VERSION, type TlsFiles } from '@vigil/core';
import type { HttpOptions } from './options.js';

/**
 * One got instance per block, carrying everything its checks share. Every check opens a fresh
 * connection (no keep-alive, no TLS session reuse): the response time then includes connecting
 * and the handshake, and every check sees the certificate the server presents now.
 */
export function createClient(o: HttpOptions, tls: TlsFiles): Got {
  return got.extend({
    method: o.method as Method,
    headers: { 'user-agent': `vigil/${VERSION}`, ...o.headers },
    body: o.body === '' ? undefined : o.body,
    followRedirect: o.follow_redirects,
    throwHttpErrors: false,
    retry: { limit: 0 },
    agent: { http: new HttpAgent({ keepAlive: false }), https: new HttpsAgent({ keepAlive: false, maxCachedSessions: 0 }) },
    https: {
      rejectUnauthorized: tls.rejectUnauthorized,
      certificateAuthority: tls.ca,
      certificate: tls.cert,
      key: tls.key,
    },
  });
}
