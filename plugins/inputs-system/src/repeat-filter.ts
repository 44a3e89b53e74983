/**
 * Keeps a failing group from logging the same line every gather: the first occurrence is
 * reported, repeats are counted and reported as one summary line once per `windowMs`.
 */
export class RepeatFilter {
  private readonly seen = new Map<string, { since: number; repeats: number }>();

  constructor(private readonly windowMs = 10 * 60_000) {}

  /** The line to report now for `message`, or undefined to stay quiet. */
  filter(message: string, now = Date.now()): string | undefined {
    const entry = this.seen.get(message);
    if (!entry) {
      this.seen.set(message, { since: now, repeats: 0 });
      return message;
    }
    entry.repeats++;
    if (now - entry.since < this.windowMs) return undefined;
    const line = `${message} (${entry.repeats} times in the last ${Math.round((now - entry.since) / 60_000)}m)`;
    entry.since = now;
    entry.repeats = 0;
    return line;
  }
}
