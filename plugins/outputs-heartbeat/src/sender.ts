import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got, { RequestError, type Got } from 'got';
import { formatDuration, httpStatusOutcome, parseRetryAfter } from '@vigil/core';

export interface SenderOptions {
  /** Header names as configured; values are secret. */
  headers: Record<string, string>;
  token: string;
  timeoutMs: number;
  userAgent: string;
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; insecureSkipVerify: boolean };
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** Why a heartbeat did not get through. */
export interface PostFailure {
  /** One line: what the server answered, or why there was no answer. */
  reason: string;
  /**
   * The server's Retry-After (capped at 10 minutes), on an answer worth retrying (408, 429,
   * 5xx but 501): how long it asks to be left alone.
   */
  retryAfterMs?: number;
}

/** POSTs JSON to a URL with the configured headers, token and TLS; one attempt, no retries. */
export class Sender {
  private readonly client: Got;
  // A connection per heartbeat: one kept open for a minute would often be closed by the server
  // meanwhile, and the next heartbeat would fail with "connection reset".
  private readonly agents = { http: new HttpAgent({ keepAlive: false }), https: new HttpsAgent({ keepAlive: false }) };

  constructor(private readonly options: SenderOptions) {
    // Header names are case-insensitive: the user's replace the defaults of the same name.
    const headers: Record<string, string> = { 'user-agent': options.userAgent, 'content-type': 'application/json' };
    for (const [name, value] of Object.entries(options.headers)) headers[name.toLowerCase()] = value;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    this.client = got.extend({
      headers,
      timeout: { request: options.timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      agent: this.agents,
      https: {
        certificateAuthority: options.tls.ca,
        certificate: options.tls.cert,
        key: options.tls.key,
        rejectUnauthorized: !options.tls.insecureSkipVerify,
      },
    });
  }

  /** Resolves undefined when the server answered 2xx, else why not. Never throws. */
  async post(url: string, body: string): Promise<PostFailure | undefined> {
    try {
      const response = await this.client.post(url, { body });
      const outcome = httpStatusOutcome(response.statusCode);
      if (outcome === 'written') return undefined;
      const text = String(response.body ?? '').replace(/\s+/g, ' ').trim();
      const detail = text ? `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}` : '';
      const reason = `answered ${response.statusCode}${response.statusMessage ? ` ${response.statusMessage}` : ''}${detail}`;
      const retryAfterMs = outcome === 'retry' ? parseRetryAfter(response.headers['retry-after']) : undefined;
      return retryAfterMs === undefined ? { reason } : { reason, retryAfterMs };
    } catch (err) {
      return { reason: this.describe(err) };
    }
  }

  private describe(err: unknown): string {
    if (err instanceof RequestError) {
      if (err.name === 'TimeoutError') return `no answer within ${formatDuration(this.options.timeoutMs)} (timeout)`;
      return REASONS[err.code] ?? err.message.split('\n')[0];
    }
    return (err as Error).message.split('\n')[0];
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
