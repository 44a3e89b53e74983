import type { Logger } from 'pino';

/** While SIGUSR1 keeps coming, its log line is said at most once per this long, with a count. */
const SUMMARY_WINDOW_MS = 1_000;

/**
 * SIGUSR1 ("flush now") as a stream of requests: ones that arrive before the queued flush has
 * started join it, and a burst (a script sending it in a loop) gives two log lines, not one per
 * signal: the first, and one with how many more came within the second.
 */
export class FlushSignals {
  private queued = false;
  private quietUntil = 0;
  private unlogged = 0;
  private summary?: NodeJS.Timeout;

  constructor(
    private readonly log: Logger,
    /** Chains the flush after whatever the agent is doing (a reload). */
    private readonly enqueue: (flush: () => Promise<unknown>) => void,
    private readonly flush: () => Promise<unknown>,
  ) {}

  received(): void {
    this.say();
    if (this.queued) return;
    this.queued = true;
    this.enqueue(() => {
      this.queued = false;
      return this.flush();
    });
  }

  private say(): void {
    const now = Date.now();
    if (now >= this.quietUntil) {
      this.log.info('SIGUSR1: flushing outputs now');
      this.quietUntil = now + SUMMARY_WINDOW_MS;
      return;
    }
    if (this.unlogged++ > 0) return;
    this.summary = setTimeout(() => {
      this.log.info(`SIGUSR1: received ${this.unlogged} more times within ${SUMMARY_WINDOW_MS / 1000}s; outputs flushed`);
      this.unlogged = 0;
    }, this.quietUntil - now);
    this.summary.unref();
  }

  /** Says what is still to be said (at stop). */
  close(): void {
    if (!this.summary || this.unlogged === 0) return;
    clearTimeout(this.summary);
    this.log.info(`SIGUSR1: received ${this.unlogged} more times within ${SUMMARY_WINDOW_MS / 1000}s; outputs flushed`);
    this.unlogged = 0;
  }
}
