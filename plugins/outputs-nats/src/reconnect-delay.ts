/** The wait before the second try; the first try after losing a server is at once. */
export const FIRST_RECONNECT_WAIT_MS = 250;
/** The longest wait between two tries at one server, jitter aside. */
export const MAX_RECONNECT_WAIT_MS = 5_000;

/**
 * The client's wait between reconnect tries at a server: doubling from 250 ms to 5 s with each
 * failed try, plus up to half as much again at random, so a fleet of agents that lost one
 * broker does not come back in step. Reset once a try succeeds.
 *
 * The client asks `nextWaitMs()` each time it looks at a server, and tries it once that long
 * has passed since the last try there.
 */
export class ReconnectDelay {
  private failures = 0;

  constructor(private readonly random: () => number = Math.random) {}

  /** One try failed (or is under way: the client reports each try as it starts). */
  tried(): void {
    this.failures++;
  }

  reconnected(): void {
    this.failures = 0;
  }

  nextWaitMs(): number {
    const base = Math.min(MAX_RECONNECT_WAIT_MS, FIRST_RECONNECT_WAIT_MS * 2 ** Math.max(0, this.failures - 1));
    return Math.round(base + (base / 2) * this.random());
  }
}
