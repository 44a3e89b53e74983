import { VERSION, type HttpClient, type HttpClientOptions } from '@vigil/core';
import { createHttpClient } from '@vigil/core/http';
import type { Method } from 'got';

export interface CheckRequest {
  method: string;
  headers: Record<string, string>;
  body: string;
  followRedirects: boolean;
}

/**
 * The shared HTTP client (proxy, TLS, OAuth2, cookies), extended with what the checks of a
 * block share. Every check opens a fresh connection (no keep-alive, no TLS session reuse): the
 * response time then includes connecting and the handshake, and every check sees the
 * certificate the server presents now. On a redirect to an origin not configured, the shared
 * client drops the headers and credentials.
 */
export function createCheckClient(o: HttpClientOptions, urls: string[], r: CheckRequest): HttpClient {
  const shared = createHttpClient(o, { urls, keepAlive: false });
  const got = shared.got.extend({
    method: r.method as Method,
    headers: { 'user-agent': `vigil/${VERSION}`, ...r.headers },
    body: r.body === '' ? undefined : r.body,
    followRedirect: r.followRedirects,
    throwHttpErrors: false,
    retry: { limit: 0 },
  });
  return { ...shared, got };
}
