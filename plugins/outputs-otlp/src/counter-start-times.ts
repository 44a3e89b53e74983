/** Series remembered; past this the oldest is forgotten and, seen again, starts anew. */
const MAX_SERIES = 100_000;

/**
 * The start time of each counter series (resource, metric name and attributes): the timestamp
 * of its first point this process saw, as OTLP's cumulative sums need. A value lower than the
 * last one is a reset (the counted thing restarted), and the series starts again at that point.
 */
export class CounterStartTimes {
  private readonly series = new Map<string, { startMs: number; last: number }>();

  startOf(seriesKey: string, timestampMs: number, value: number): number {
    const known = this.series.get(seriesKey);
    if (known && value >= known.last) {
      known.last = value;
      return known.startMs;
    }
    if (!known && this.series.size >= MAX_SERIES) this.series.delete(this.series.keys().next().value!);
    this.series.set(seriesKey, { startMs: timestampMs, last: value });
    return timestampMs;
  }

  get size(): number {
    return this.series.size;
  }
}
