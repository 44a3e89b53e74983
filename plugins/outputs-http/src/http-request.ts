import { Agent as HttpAgent, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got, { type Got } from 'got';
import type { TlsFiles } from '@vigil/core';
import type { HttpOutputOptions } from './options.js';
import type { RequestBody } from './request-body.js';

export interface HttpAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Sends batches to the configured URL: one attempt each, since the agent does the retrying. */
export class HttpRequest {
  private readonly client: Got;
  private readonly agents: { http: HttpAgent; https: HttpsAgent };
  /** Header names lower-cased; the user's replace the defaults of the same name. */
  private readonly headers: Record<string, string>;

  constructor(
    private readonly options: HttpOutputOptions,
    tls: TlsFiles,
    userAgent: string,
  ) {
    // Kept-alive connections, as Telegraf's; the agent's `timeout` closes one idle that long.
    const idle = options.idle_conn_timeout > 0 ? { timeout: options.idle_conn_timeout } : {};
    this.agents = { http: new HttpAgent({ keepAlive: true, ...idle }), https: new HttpsAgent({ keepAlive: true, ...idle }) };
    this.headers = { 'user-agent': userAgent };
    for (const [name, value] of Object.entries(options.headers)) this.headers[name.toLowerCase()] = value;
    if (options.username || options.password) {
      this.headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
    }
    this.client = got.extend({
      method: options.method,
      timeout: { request: options.timeout },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      agent: this.agents,
      https: {
        certificateAuthority: tls.ca,
        certificate: tls.cert,
        key: tls.key,
        rejectUnauthorized: tls.rejectUnauthorized,
      },
    });
  }

  /** The server's answer, whatever its status; throws got's RequestError when there is none. */
  async send(body: RequestBody, signal: AbortSignal): Promise<HttpAnswer> {
    const headers: Record<string, string> = { 'content-type': body.contentType, ...this.headers };
    if (body.contentEncoding) headers['content-encoding'] = body.contentEncoding;
    const response = await this.client(this.options.url, { body: body.data, headers, signal });
    return { statusCode: response.statusCode, headers: response.headers, body: String(response.body ?? '') };
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
