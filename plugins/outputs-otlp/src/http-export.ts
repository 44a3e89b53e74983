import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Got, Response } from 'got';
import { readBoundedAnswer, type HttpClient } from '@vigil/core';
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

/**
 * OTLP/HTTP: one POST per export to the signal's URL, through the output's shared HTTP client
 * (kept-alive connections, proxy, TLS, OAuth2, cookies), which the output closes.
 */
export class HttpExport implements ExportTransport {
  private readonly client: Got;
  private readonly headers: Record<string, string>;
  private readonly json: boolean;

  constructor(
    private readonly settings: SignalSettings,
    shared: HttpClient,
    userAgent: string,
    private readonly responseTimeoutMs: number,
  ) {
    this.json = settings.protocol === 'http/json';
    // The user's headers replace the defaults of the same name.
    this.headers = { 'content-type': CONTENT_TYPES[this.json ? 'http/json' : 'http/protobuf'], 'user-agent': userAgent };
    if (settings.compression === 'gzip') this.headers['content-encoding'] = 'gzip';
    for (const [name, value] of Object.entries(settings.headers)) this.headers[name.toLowerCase()] = value;
    this.client = shared.got.extend({
      method: 'POST',
      timeout: { request: settings.timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
    });
  }

  async send(body: Uint8Array, signal: AbortSignal): Promise<ExportResult> {
    const { url, shownEndpoint, timeoutMs, signal: kind } = this.settings;
    const data = this.settings.compression === 'gzip' ? await gzipAsync(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    let response: Response;
    let answer: Buffer;
    try {
      // Only the start of the answer is read (a partial success or an error is small): a huge one costs no memory.
      ({ response, body: answer } = await readBoundedAnswer<Response>(this.client.stream(url, { body: data, headers: this.headers, signal })));
    } catch (err) {
      return httpRequestErrorResult(err, shownEndpoint, timeoutMs, this.responseTimeoutMs);
    }
    const contentType = response.headers['content-type'];
    if (response.statusCode >= 200 && response.statusCode < 300) {
      return exportWritten(partialSuccessOf(kind, answer, contentType ? contentType.startsWith('application/json') : this.json));
    }
    return httpErrorResult(response.statusCode, response.headers['retry-after'], errorMessage(answer, contentType), shownEndpoint);
  }

  close(): void {
    // The shared client is the output's to close.
  }
}
