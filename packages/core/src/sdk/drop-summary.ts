import type { Logger } from 'pino';

/**
 * Counts the items a processor drops, by reason, and logs them as one summary line a minute
 * (and on `flush`, when the processor closes) rather than a line per item.
 */
export class DropSummary {
  private counts = new Map<string, number>();
  private since = Date.now();

  constructor(
    private readonly log: Logger,
    private readonly everyMs = 60_000,
  ) {}

  count(reason: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    if (Date.now() - this.since >= this.everyMs) this.flush();
  }

  /** Logs the drops not yet reported. */
  flush(): void {
    const now = Date.now();
    if (this.counts.size > 0) {
      let total = 0;
      for (const n of this.counts.values()) total += n;
      const reasons = [...this.counts].map(([reason, n]) => `${n} ${reason}`).join(', ');
      this.log.info(`dropped ${total} item${total === 1 ? '' : 's'} in the last ${Math.round((now - this.since) / 1000)}s: ${reasons}`);
      this.counts = new Map();
    }
    this.since = now;
  }
}
