import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { Fields } from '@vigil/core';

/** The histogram measures how late a timer of this period fires; the period itself is not delay. */
const RESOLUTION_MS = 10;

/**
 * internal_memstats: memory of the vigil process and how long its event loop was held up,
 * the delay and utilization measured between one gather and the next.
 */
export class ProcessMemstats {
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private utilization: EventLoopUtilization = performance.eventLoopUtilization();
  private measuring = false;

  start(): void {
    if (this.measuring) return;
    this.delay.enable();
    this.utilization = performance.eventLoopUtilization();
    this.measuring = true;
  }

  stop(): void {
    this.delay.disable();
    this.measuring = false;
  }

  /** The fields since the previous read (or since start), then starts a new span. */
  read(): Fields {
    this.start();
    const memory = process.memoryUsage();
    const elu = performance.eventLoopUtilization(this.utilization);
    this.utilization = performance.eventLoopUtilization();
    const ns = (v: number) => BigInt(Math.max(0, Math.round(v - RESOLUTION_MS * 1e6)));
    const measured = this.delay.count > 0;
    const fields: Fields = {
      heap_alloc_bytes: BigInt(memory.heapUsed),
      heap_sys_bytes: BigInt(memory.heapTotal),
      heap_limit_bytes: BigInt(getHeapStatistics().heap_size_limit),
      rss_bytes: BigInt(memory.rss),
      external_bytes: BigInt(memory.external),
      array_buffers_bytes: BigInt(memory.arrayBuffers),
      event_loop_delay_p50_ns: measured ? ns(this.delay.percentile(50)) : 0n,
      event_loop_delay_p99_ns: measured ? ns(this.delay.percentile(99)) : 0n,
      event_loop_delay_max_ns: measured ? ns(this.delay.max) : 0n,
      event_loop_delay_mean_ns: measured ? ns(this.delay.mean) : 0n,
      event_loop_utilization: Number.isFinite(elu.utilization) ? elu.utilization : 0,
    };
    this.delay.reset();
    return fields;
  }
}
