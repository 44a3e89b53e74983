import { formatDuration, httpWriteResult, MAX_RETRY_AFTER_MS, retryLater, type Logger, type WriteResult } from '@vigil/core';
import type { ApiAnswer } from './api-client.js';

/**
 * A 401 or 403: the token was refused, most likely rotated. Nothing is dropped: the batch
 * stays in the buffer and the output waits `auth_retry_interval`, doubling with each refusal
 * up to 10 minutes, until a new token (a reload) or the gateway accepts it again. Said once
 * per pause, and once when it ends.
 */
export class AuthPause {
  private refusals = 0;

  constructor(
    private readonly firstWaitMs: number,
    private readonly host: string,
    private readonly log: Logger,
  ) {}

  get paused(): boolean {
    return this.refusals > 0;
  }

  refused(status: number, kept: number): WriteResult {
    this.refusals++;
    const wait = Math.min(MAX_RETRY_AFTER_MS, this.firstWaitMs * 2 ** (this.refusals - 1));
    if (this.refusals === 1) {
      this.log.warn(`token rejected by ${this.host} (${status}); keeping ${kept} events and everything buffered, retrying every ${formatDuration(wait)} (doubling up to 10m)`);
    }
    // Said once above: the core logs each further try at debug.
    return retryLater(`token rejected by ${this.host} (${status})`, wait, { quiet: true });
  }

  accepted(): void {
    if (this.refusals > 0) this.log.info(`token accepted again by ${this.host}; resuming`);
    this.refusals = 0;
  }
}

/**
 * What an answer means for the batch: 2xx written; 401/403 paused (kept); 408, 429 and 5xx
 * but 501 retried, after Retry-After when given; any other status rejected. 413 is handled by
 * the caller (it splits the batch) before this.
 */
export function answerOutcome(answer: ApiAnswer, host: string, pause: AuthPause, kept: number): WriteResult {
  if (answer.statusCode === 401 || answer.statusCode === 403) return pause.refused(answer.statusCode, kept);
  const result = httpWriteResult(answer.statusCode, answer.headers, answer.body);
  if (result.outcome === 'written') pause.accepted();
  return result.outcome === 'written' ? result : { ...result, reason: `${host} answered ${result.reason}` };
}
