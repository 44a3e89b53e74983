const FIRST_DELAY_MS = 1_000;
const LONGEST_DELAY_MS = 30_000;

/**
 * The wait before the next round of connection attempts, after `failedRounds` rounds that
 * failed in a row (0: the connection was just lost): 0.5-1 s, 1-2 s, 2-4 s … up to 15-30 s.
 * The random half keeps a fleet whose broker restarted from coming back all in the same
 * instant; the fixed half keeps one agent from hammering a broker that is down.
 */
export function reconnectDelayMs(failedRounds: number, random: () => number = Math.random): number {
  const step = Math.min(LONGEST_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(failedRounds, 16));
  return Math.round(step * (0.5 + random() / 2));
}
