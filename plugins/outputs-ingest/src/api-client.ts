import type { IncomingHttpHeaders } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { RequestError, TimeoutError, type Got } from 'got';
import { formatDuration, socketErrorText, type HttpClient, type HttpClientOptions } from '@vigil/core';
import { createHttpClient } from '@vigil/core/http';

const gzipped = promisify(gzip);

export interface ApiAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ApiClientSettings {
  baseUrl: string;
  token: string;
  /** Sent on every request (x-workspace-id). */
  headers: Record<string, string>;
  gzip: boolean;
  timeoutMs: number;
  userAgent: string;
  /** Proxy, pool, TLS, OAuth2 and cookie options, as the shared HTTP client takes them. */
  client: HttpClientOptions;
}

/** One attempt per call, since the agent does the retrying; the bearer token on every request. */
export class ApiClient {
  private readonly shared: HttpClient;
  private readonly client: Got;
  readonly host: string;

  constructor(private readonly settings: ApiClientSettings) {
    this.host = new URL(settings.baseUrl).host;
    this.shared = createHttpClient(settings.client, { urls: [settings.baseUrl] });
    const headers: Record<string, string> = { 'user-agent': settings.userAgent, ...settings.headers };
    if (settings.token) headers.authorization = `Bearer ${settings.token}`;
    this.client = this.shared.got.extend({
      timeout: { request: settings.timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      headers,
    });
  }

  /** Sends the token and headers to this URL's origin too: the ingest URL the gateway's enrollment names. */
  trust(url: string): void {
    this.shared.trust(this.url(url));
  }

  /** A path resolved against the base URL (whose own path is kept as a prefix); a full URL as it is. */
  url(path: string): string {
    if (/^https?:\/\//.test(path)) return path;
    return this.settings.baseUrl.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
  }

  async get(path: string, signal?: AbortSignal): Promise<ApiAnswer> {
    const response = await this.client(this.url(path), { method: 'GET', headers: { accept: 'application/json' }, signal });
    return { statusCode: response.statusCode, headers: response.headers, body: String(response.body ?? '') };
  }

  async postJson(path: string, document: unknown, headers: Record<string, string>, signal?: AbortSignal): Promise<ApiAnswer> {
    const text = JSON.stringify(document);
    const body = this.settings.gzip ? await gzipped(text) : Buffer.from(text);
    const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
    if (this.settings.gzip) all['content-encoding'] = 'gzip';
    const response = await this.client(this.url(path), { method: 'POST', body, headers: all, signal });
    return { statusCode: response.statusCode, headers: response.headers, body: String(response.body ?? '') };
  }

  close(): void {
    this.shared.close();
  }
}

/** A failed request in a few words: refused, reset, a timeout, a TLS error's own words. */
export function requestErrorText(err: unknown, timeoutMs: number): string {
  if (err instanceof RequestError) {
    if (err instanceof TimeoutError && err.event === 'response') return 'no answer headers in time (response_timeout)';
    if (err instanceof TimeoutError && err.event) return `no answer within ${formatDuration(timeoutMs)} (timeout)`;
    if (err.name === 'AbortError' || err.name === 'TimeoutError') return 'abandoned: the write was cancelled by the agent';
    const words = socketErrorText(err.code);
    if (words) return words;
  }
  return (err as Error).message.split('\n')[0];
}
