/**
 * What an output's write comes to. Returning nothing (or resolving) means written; throwing
 * means "retry later". A result says more: retry after a given time, or reject the batch for
 * good (the server will never take it: it is dropped, counted in `metrics_rejected` and logged).
 */
export type WriteResult =
  | { outcome: 'written'; filtered?: number }
  | { outcome: 'retry'; reason: string; retryAfterMs?: number; quiet?: boolean }
  | { outcome: 'rejected'; reason: string };

/**
 * The batch is done. `filtered`: how many of its items the output left out on purpose (its own
 * rules said not to send them); they are counted in `metrics_filtered`, the rest in `metrics_written`.
 */
export function written(options: { filtered?: number } = {}): WriteResult {
  return options.filtered ? { outcome: 'written', filtered: options.filtered } : { outcome: 'written' };
}

/**
 * The batch stays at the front of the buffer; `retryAfterMs` (a server's Retry-After) sets the
 * earliest next try. `quiet`: the output has already told the user about this condition (once),
 * so the core logs the retry at debug instead of error; it is still counted in errors and retries.
 */
export function retryLater(reason: string, retryAfterMs?: number, options: { quiet?: boolean } = {}): WriteResult {
  const result: WriteResult = retryAfterMs === undefined ? { outcome: 'retry', reason } : { outcome: 'retry', reason, retryAfterMs };
  if (options.quiet) result.quiet = true;
  return result;
}

/** The batch can never be written as it is: drop it (counted, logged once, kept under `buffer_directory/rejected/`). */
export function rejectBatch(reason: string): WriteResult {
  return { outcome: 'rejected', reason };
}

/** Longest Retry-After honoured; a server asking for more is retried after this. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * A Retry-After header (seconds, or an HTTP date) in milliseconds from `now`; undefined when
 * absent or unreadable. Capped at MAX_RETRY_AFTER_MS.
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/**
 * The status classes of Vector and the OTLP exporters: 2xx written; 408, 429 and 5xx other than
 * 501 retried; every other status rejected. Codes in `nonRetryable` are rejected whatever their class.
 */
export function httpStatusOutcome(status: number, nonRetryable: readonly number[] = []): WriteResult['outcome'] {
  if (nonRetryable.includes(status)) return 'rejected';
  if (status >= 200 && status < 300) return 'written';
  if (status === 408 || status === 429 || (status >= 500 && status !== 501)) return 'retry';
  return 'rejected';
}

/** The WriteResult for an HTTP response: its status class, Retry-After and a short reason. */
export function httpWriteResult(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body = '',
  nonRetryable: readonly number[] = [],
): WriteResult {
  const outcome = httpStatusOutcome(status, nonRetryable);
  if (outcome === 'written') return written();
  const snippet = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  const reason = `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
  return outcome === 'retry' ? retryLater(reason, parseRetryAfter(headers['retry-after'])) : rejectBatch(reason);
}
