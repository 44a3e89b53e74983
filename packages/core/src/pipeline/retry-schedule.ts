/** First retry waits up to this long, doubling with each failure up to the cap. */
const RETRY_BASE_MS = 1000;
const RETRY_CAP_MS = 60_000;
/** Even full jitter waits a little, so a failing destination is not hammered. */
const RETRY_FLOOR_MS = 50;

/**
 * When an output may try again: exponential backoff with full jitter (a random wait up to
 * the doubled delay, so a fleet of agents does not retry in step), or exactly what a server's
 * Retry-After asked for.
 */
export class RetrySchedule {
  failures = 0;
  private retryAt = 0;

  constructor(private readonly random: () => number = Math.random) {}

  /** Counts a failure; returns how long to wait before the next try. */
  fail(retryAfterMs?: number): number {
    this.failures++;
    const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (this.failures - 1));
    const wait = retryAfterMs ?? Math.max(RETRY_FLOOR_MS, Math.round(this.random() * ceiling));
    this.retryAt = Date.now() + wait;
    return wait;
  }

  succeed(): void {
    this.failures = 0;
    this.retryAt = 0;
  }

  due(): boolean {
    return Date.now() >= this.retryAt;
  }

  waitMs(): number {
    return Math.max(0, this.retryAt - Date.now());
  }
}
