import { AbortError, ReadError, TimeoutError } from 'got';

/** Telegraf's http_response numbering, plus 7 for a TLS failure. */
export const RESULT_CODES = {
  success: 0,
  response_string_mismatch: 1,
  body_read_error: 2,
  connection_failed: 3,
  timeout: 4,
  dns_error: 5,
  response_status_code_mismatch: 6,
  tls_error: 7,
} as const;

export type Result = keyof typeof RESULT_CODES;

export interface Failure {
  result: Result;
  /** Short, for the `error` field: the user reads it next to the URL. */
  error: string;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME', 'ENODATA']);

const CONNECTION_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ERR_TOO_MANY_REDIRECTS: 'too many redirects',
};

export interface FailureContext {
  /** A TLS handshake had started and not completed when the request failed. */
  handshakeCutShort: boolean;
  /** How the time limit is described: "timeout after 5s". */
  timeoutError: string;
}

/** Sorts a failed request (got's error) into Telegraf's results, in words a user can act on. */
export function classifyRequestError(err: unknown, ctx: FailureContext): Failure {
  if (err instanceof TimeoutError) return { result: 'timeout', error: ctx.timeoutError };
  if (err instanceof AbortError) return { result: 'timeout', error: 'gather stopped before an answer' };
  // Before the error codes: a body cut short also says ECONNRESET.
  if (err instanceof ReadError) return { result: 'body_read_error', error: err.message };
  const code = (err as { code?: string }).code ?? '';
  if (DNS_CODES.has(code)) return { result: 'dns_error', error: 'name not resolved' };
  if (CONNECTION_WORDS[code]) return { result: 'connection_failed', error: CONNECTION_WORDS[code] };
  // OpenSSL errors (ERR_SSL_*) can also come after the handshake, e.g. a server's alert that
  // it wanted a client certificate.
  if (ctx.handshakeCutShort || code.startsWith('ERR_SSL_')) return { result: 'tls_error', error: tlsWords(err) };
  return { result: 'connection_failed', error: (err as Error).message };
}

/**
 * OpenSSL's messages wrap the words that matter in a hex prefix, library, function, source
 * file and line: "…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:…".
 */
function tlsWords(err: unknown): string {
  const message = (err as Error).message;
  return /:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/.exec(message)?.[1] ?? message;
}
