import { RequestError, TimeoutError } from 'got';
import { formatDuration, httpWriteResult, retryLater, socketErrorText, type WriteResult } from '@vigil/core';
import type { HttpAnswer } from './http-request.js';

/**
 * What an answer means for the batch: 2xx written; 408, 429 and 5xx but 501 retried (after
 * Retry-After, when given); any other status, and every code of `non_retryable_statuscodes`,
 * rejected. The reason names the URL (credentials blanked), the status and the start of the body.
 */
export function answerOutcome(answer: HttpAnswer, shownUrl: string, nonRetryable: readonly number[]): WriteResult {
  const result = httpWriteResult(answer.statusCode, answer.headers, answer.body, nonRetryable);
  return result.outcome === 'written' ? result : { ...result, reason: `${shownUrl} answered ${result.reason}` };
}

/**
 * No answer at all (refused, reset, timed out, a TLS failure, abandoned by the agent): always
 * retried, since none of these says anything about the batch itself.
 */
export function requestErrorOutcome(err: unknown, shownUrl: string, timeoutMs: number): WriteResult {
  return retryLater(`${shownUrl}: ${describeRequestError(err, timeoutMs)}`);
}

function describeRequestError(err: unknown, timeoutMs: number): string {
  if (err instanceof RequestError) {
    // got reports an aborted signal whose reason is a TimeoutError as a TimeoutError with no event.
    if (err instanceof TimeoutError && err.event) return `no answer within ${formatDuration(timeoutMs)} (timeout)`;
    if (err.name === 'AbortError' || err.name === 'TimeoutError') return 'abandoned: the write was cancelled by the agent';
    const words = socketErrorText(err.code);
    if (words) return words;
  }
  return (err as Error).message.split('\n')[0];
}
