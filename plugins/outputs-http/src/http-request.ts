import type { IncomingHttpHeaders } from 'node:http';
import { readBoundedAnswer, type HttpClient } from '@vigil/core';
import { createHttpClient } from '@vigil/core/http';
import type { Got } from 'got';
import type { HttpOutputOptions } from './options.js';
import type { RequestBody } from './request-body.js';

export interface HttpAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Sends batches to the configured URL: one attempt each, since the agent does the retrying. */
export class HttpRequest {
  private readonly shared: HttpClient;
  private readonly client: Got;
  /** Header names lower-cased; the user's replace the defaults of the same name. */
  private readonly headers: Record<string, string>;

  constructor(
    private readonly options: HttpOutputOptions,
    userAgent: string,
  ) {
    // Kept-alive connections, as Telegraf's, with its proxy, pool, TLS, OAuth2 and cookie options.
    this.shared = createHttpClient(options, { urls: [options.url] });
    this.headers = { 'user-agent': userAgent };
    for (const [name, value] of Object.entries(options.headers)) this.headers[name.toLowerCase()] = value;
    if (options.username || options.password) {
      this.headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
    }
    this.client = this.shared.got.extend({
      method: options.method,
      timeout: { request: options.timeout },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
    });
  }

  /**
   * The server's answer, whatever its status, with at most 64 KiB of its body (it only goes
   * into a reason); throws got's RequestError when there is none.
   */
  async send(body: RequestBody, signal: AbortSignal): Promise<HttpAnswer> {
    const headers: Record<string, string> = { 'content-type': body.contentType, ...this.headers };
    if (body.contentEncoding) headers['content-encoding'] = body.contentEncoding;
    const answer = await readBoundedAnswer<{ statusCode: number; headers: IncomingHttpHeaders }>(this.client.stream(this.options.url, { body: body.data, headers, signal }));
    return { statusCode: answer.response.statusCode, headers: answer.response.headers, body: answer.body.toString('utf8') };
  }

  close(): void {
    this.shared.close();
  }
}
