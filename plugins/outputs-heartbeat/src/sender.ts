import { RequestError, TimeoutError, type Got, type Response } from 'got';
import { formatDuration, httpStatusOutcome, parseRetryAfter, readBoundedAnswer, redactUrlCredentials, type HttpClient, type HttpClientOptions } from '@vigil/core';
import { createHttpClient } from '@vigil/core/http';

export interface SenderOptions {
  /** Proxy, pool, TLS, OAuth2 and cookie options, as the shared HTTP client takes them. */
  client: HttpClientOptions;
  /** The configured URLs: headers, token and credentials go to their origins only, a redirect elsewhere gets none. */
  urls: string[];
  /** Header names as configured; values are secret. */
  headers: Record<string, string>;
  token: string;
  timeoutMs: number;
  userAgent: string;
  /** Follow 3xx answers; else a 3xx is a failure. */
  followRedirects: boolean;
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** Only what an error message shows is kept of an answer's body: a huge body costs no memory. */
const MAX_ANSWER_BYTES = 4096;

/** Why a heartbeat did not get through. */
export interface PostFailure {
  /** One line: what the server answered, or why there was no answer. */
  reason: string;
  /**
   * The server's Retry-After (capped at 10 minutes), on an answer worth retrying (408, 429,
   * 5xx but 501): how long it asks to be left alone.
   */
  retryAfterMs?: number;
  /** The request was cancelled because the agent is stopping. */
  cancelled?: boolean;
}

/** POSTs JSON to a URL with the configured headers, token and client options; one attempt, no retries. */
export class Sender {
  private readonly shared: HttpClient;
  private readonly client: Got;

  constructor(private readonly options: SenderOptions) {
    // By default a connection per heartbeat: one kept open for a minute would often be closed
    // by the server meanwhile, and the next heartbeat would fail with "connection reset".
    // idle_conn_timeout asks for the connection to be kept that long.
    this.shared = createHttpClient(options.client, { urls: options.urls, keepAlive: options.client.idle_conn_timeout > 0 });
    // Header names are case-insensitive: the user's replace the defaults of the same name.
    const headers: Record<string, string> = { 'user-agent': options.userAgent, 'content-type': 'application/json' };
    for (const [name, value] of Object.entries(options.headers)) headers[name.toLowerCase()] = value;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    this.client = this.shared.got.extend({
      headers,
      timeout: { request: options.timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: options.followRedirects,
    });
  }

  /** Resolves undefined when the server answered 2xx, else why not. Never throws. */
  async post(url: string, body: string, signal: AbortSignal): Promise<PostFailure | undefined> {
    try {
      const { response, body: answer, truncated } = await readBoundedAnswer<Response>(this.client.stream.post(url, { body, signal }), MAX_ANSWER_BYTES);
      const outcome = httpStatusOutcome(response.statusCode);
      if (outcome === 'written') return undefined;
      const status = `answered ${response.statusCode}${response.statusMessage ? ` ${response.statusMessage}` : ''}`;
      if (response.statusCode >= 300 && response.statusCode < 400 && !this.options.followRedirects) {
        const to = response.headers.location ? ` to ${redactUrlCredentials(new URL(response.headers.location, url).href)}` : '';
        return { reason: `${status}${to}; redirects are not followed (follow_redirects = false)` };
      }
      const text = answer.toString('utf8').replace(/\s+/g, ' ').trim();
      const detail = text ? `: ${text.length > 200 || truncated ? `${text.slice(0, 200)}…` : text}` : '';
      const retryAfterMs = outcome === 'retry' ? parseRetryAfter(response.headers['retry-after']) : undefined;
      return retryAfterMs === undefined ? { reason: `${status}${detail}` } : { reason: `${status}${detail}`, retryAfterMs };
    } catch (err) {
      if (signal.aborted) return { reason: 'cancelled: the output is closing (stop or reload)', cancelled: true };
      return { reason: this.describe(err) };
    }
  }

  private describe(err: unknown): string {
    if (err instanceof RequestError) {
      if (err instanceof TimeoutError && err.event === 'response') return `no answer within ${formatDuration(this.options.client.response_timeout)} of sending (response_timeout)`;
      if (err.name === 'TimeoutError') return `no answer within ${formatDuration(this.options.timeoutMs)} (timeout)`;
      return REASONS[err.code] ?? err.message.split('\n')[0];
    }
    return (err as Error).message.split('\n')[0];
  }

  close(): void {
    this.shared.close();
  }
}
