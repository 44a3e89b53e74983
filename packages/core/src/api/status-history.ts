import type { AgentView } from './agent-view.js';
import { bufferFill } from './health-state.js';

export interface OutputHistory {
  /** Items written during each interval, oldest first; the last entry is the interval under way. */
  written: number[];
  /** Buffer fill (0 … 1) at the end of each interval; the last entry is the fill now. */
  fill: number[];
}

export interface StatusHistoryAnswer {
  intervalSeconds: number;
  /** When the newest point was taken (ISO 8601), or null before the first. */
  sampledAt: string | null;
  /** By output id; an output that came with a reload starts empty. */
  outputs: Record<string, OutputHistory>;
}

/**
 * The last 10 minutes of each output, one point every 10 s, for the status page's sparklines.
 * Keyed by output id, so it goes on across reloads; a reload restarts the counters, which a
 * point reads as "everything counted since".
 */
export class StatusHistory {
  private readonly outputs = new Map<string, OutputHistory & { lastWritten: number }>();
  private sampledAt?: number;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly view: AgentView,
    readonly intervalMs = 10_000,
    readonly points = 60,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  sample(now = Date.now()): void {
    const seen = new Set<string>();
    for (const point of this.pointsNow()) {
      seen.add(point.id);
      let h = this.outputs.get(point.id);
      if (!h) {
        // The first point has nothing to compare with: it counts from zero.
        h = { written: [], fill: [], lastWritten: 0 };
        this.outputs.set(point.id, h);
      }
      push(h.written, point.writtenSince(h.lastWritten), this.points);
      push(h.fill, point.fill, this.points);
      h.lastWritten = point.written;
    }
    for (const id of this.outputs.keys()) if (!seen.has(id)) this.outputs.delete(id);
    this.sampledAt = now;
  }

  private pointsNow() {
    const { agent } = this.view;
    return agent.outputs.map((output) => {
      const written = output.stats.metrics_written;
      const settings = agent.bufferSettingsOf(output);
      return {
        id: output.config.key,
        written,
        writtenSince: (last: number) => (written >= last ? written - last : written),
        fill: Math.round(bufferFill(output.bufferView(), settings?.strategy === 'disk' ? settings.maxBytes : undefined) * 1000) / 1000,
      };
    });
  }

  /** The sampled points and, last, the interval under way, so a page opened just now has a line to show. */
  answer(): StatusHistoryAnswer {
    const outputs: Record<string, OutputHistory> = {};
    for (const point of this.pointsNow()) {
      const h = this.outputs.get(point.id);
      outputs[point.id] = { written: [...(h?.written ?? []), point.writtenSince(h?.lastWritten ?? 0)], fill: [...(h?.fill ?? []), point.fill] };
    }
    return { intervalSeconds: this.intervalMs / 1000, sampledAt: this.sampledAt === undefined ? null : new Date(this.sampledAt).toISOString(), outputs };
  }
}

function push(list: number[], value: number, max: number): void {
  list.push(value);
  if (list.length > max) list.splice(0, list.length - max);
}
