import { redactUrlCredentials, type StatsSnapshot } from '@vigil/core';

/** While a URL keeps failing, its failures are logged at most this often. */
export const FAILURE_LOG_INTERVAL_MS = 60_000;

/** Cumulative counts; a heartbeat reports the difference from those of the last success. */
export interface Counters {
  metrics: number;
  logErrors: number;
  logWarnings: number;
}

/** Where a heartbeat to one URL got to: what it reported, up to which log entry. */
export interface Coverage {
  logSeq: number;
  counters: Counters;
  /** The agent's statistics when it was reported, for the status conditions' "since" values. */
  snapshot: StatsSnapshot;
}

/**
 * One URL's delivery state. Each URL keeps its own, so a URL that is down accumulates logs and
 * counts until it takes a heartbeat, while the others go on.
 */
export class Target {
  /** The URL as shown in logs: credentials blanked. */
  readonly shownUrl: string;
  covered: Coverage;
  /** Milliseconds since the epoch of the last success; start-up until there is one. */
  lastSuccessAt: number;
  failuresInRow = 0;
  /** The heartbeat in flight, if any; a URL never has two at once. */
  sending?: Promise<void>;
  /** Beats skipped while `sending` waits for an answer. */
  skipped = 0;
  /** Milliseconds since the epoch before which the server asked not to be sent to (Retry-After). */
  notBefore = 0;
  /** When a failure of this URL was last logged. */
  private failureLoggedAt = 0;

  constructor(
    readonly url: string,
    start: Coverage,
    startedAt: number,
  ) {
    this.shownUrl = redactUrlCredentials(url);
    this.covered = start;
    this.lastSuccessAt = startedAt;
  }

  /** Counts since the last success. */
  since(now: Counters): Counters {
    return {
      metrics: now.metrics - this.covered.counters.metrics,
      logErrors: now.logErrors - this.covered.counters.logErrors,
      logWarnings: now.logWarnings - this.covered.counters.logWarnings,
    };
  }

  succeeded(coverage: Coverage, at: number): number {
    const failures = this.failuresInRow;
    this.covered = coverage;
    this.lastSuccessAt = at;
    this.failuresInRow = 0;
    return failures;
  }

  /** Counts the failure; a `retryAfterMs` holds the next heartbeat back until then. */
  failed(at: number, retryAfterMs = 0): number {
    this.notBefore = at + retryAfterMs;
    return ++this.failuresInRow;
  }

  /**
   * Whether the failure just counted is logged: the first of a run always, later ones at most
   * once per FAILURE_LOG_INTERVAL_MS, so a URL down for a day says so a few times an hour.
   */
  logsFailure(at: number): boolean {
    if (this.failuresInRow > 1 && at - this.failureLoggedAt < FAILURE_LOG_INTERVAL_MS) return false;
    this.failureLoggedAt = at;
    return true;
  }

  /** Whether a Retry-After still holds this URL's heartbeats back. */
  heldBack(now: number): boolean {
    return now < this.notBefore;
  }
}
