import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import got, { type Got } from 'got';
import type { TlsFiles } from '@vigil/core';
import { exportWritten, httpErrorResult, httpRequestErrorResult, type ExportResult } from './export-result.js';
import type { SignalSettings } from './export-settings.js';
import { CONTENT_TYPES, partialSuccessOf } from './request-body.js';
import { decodeRpcStatus } from './rpc-status.js';

const gzipAsync = promisify(gzip);

/** What a transport does with one request of one signal: a single attempt, since the agent retries. */
export interface ExportTransport {
  send(body: Uint8Array, signal: AbortSignal): Promise<ExportResult>;
  close(): void;
}

/** The message of an error body: a google.rpc.Status as protobuf or JSON, else the text itself. */
function errorMessage(body: Buffer, contentType: string | undefined): string {
  if (contentType?.startsWith('application/x-protobuf')) {
    const status = decodeRpcStatus(body);
    if (status) return status.message;
  }
  const text = body.toString('utf8');
  if (contentType?.startsWith('application/json')) {
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      // Not JSON after all: shown as text.
    }
  }
  return text;
}

/** OTLP/HTTP: one POST per export to the signal's URL, over kept-alive connections. */
export class HttpExport implements ExportTransport {
  private readonly client: Got;
  private readonly agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  private readonly headers: Record<string, string>;
  private readonly json: boolean;

  constructor(
    private readonly settings: SignalSettings,
    tls: TlsFiles,
    userAgent: string,
  ) {
    this.json = settings.protocol === 'http/json';
    // The user's headers replace the defaults of the same name.
    this.headers = { 'content-type': CONTENT_TYPES[this.json ? 'http/json' : 'http/protobuf'], 'user-agent': userAgent };
    if (settings.compression === 'gzip') this.headers['content-encoding'] = 'gzip';
    for (const [name, value] of Object.entries(settings.headers)) this.headers[name.toLowerCase()] = value;
    this.client = got.extend({
      method: 'POST',
      timeout: { request: settings.timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      agent: this.agents,
      https: { certificateAuthority: tls.ca, certificate: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized },
    });
  }

  async send(body: Uint8Array, signal: AbortSignal): Promise<ExportResult> {
    const { url, shownEndpoint, timeoutMs, signal: kind } = this.settings;
    const data = this.settings.compression === 'gzip' ? await gzipAsync(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    let response;
    try {
      response = await this.client(url, { body: data, headers: this.headers, signal, responseType: 'buffer' });
    } catch (err) {
      return httpRequestErrorResult(err, shownEndpoint, timeoutMs);
    }
    const contentType = response.headers['content-type'];
    if (response.statusCode >= 200 && response.statusCode < 300) {
      return exportWritten(partialSuccessOf(kind, response.body, contentType ? contentType.startsWith('application/json') : this.json));
    }
    return httpErrorResult(response.statusCode, response.headers['retry-after'], errorMessage(response.body, contentType), shownEndpoint);
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
