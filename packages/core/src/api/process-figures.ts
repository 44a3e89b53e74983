import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** How long each event-loop delay window lasts: the figures shown are those of the last full one. */
const WINDOW_MS = 10_000;
/** The histogram measures how late a timer of this period fires; the period itself is not delay. */
const RESOLUTION_MS = 10;

export interface EventLoopDelay {
  /** Milliseconds. */
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface ProcessFigures {
  pid: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** CPU time since the process started. */
  cpuUserSeconds: number;
  cpuSystemSeconds: number;
  eventLoopDelay: EventLoopDelay;
}

/** Memory, CPU and event-loop delay of this process, the delay measured in windows of 10 s. */
export class ProcessMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private lastWindow?: EventLoopDelay;
  private timer?: NodeJS.Timeout;

  start(): void {
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.lastWindow = summarize(this.histogram);
      this.histogram.reset();
    }, WINDOW_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }

  read(): ProcessFigures {
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    return {
      pid: process.pid,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      cpuUserSeconds: cpu.user / 1e6,
      cpuSystemSeconds: cpu.system / 1e6,
      eventLoopDelay: this.lastWindow ?? summarize(this.histogram),
    };
  }
}

function summarize(h: IntervalHistogram): EventLoopDelay {
  // An empty histogram reports NaN and huge minimums; nothing measured reads as no delay.
  if (h.count === 0) return { p50: 0, p99: 0, max: 0, mean: 0 };
  const ms = (ns: number) => Math.max(0, Math.round(ns / 1e3 - RESOLUTION_MS * 1e3) / 1e3);
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) };
}
