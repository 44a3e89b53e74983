import type { Logger } from 'pino';
import { newLogRecord, newMetric, type Fields, type Item, type LogRecordInit, type Metric, type MetricType, type Tags } from '../model/item.js';
import type { Accumulator, InputPlugin } from '../sdk/plugin.js';
import type { InputStats } from '../stats/stats.js';
import { formatDuration } from '../config/duration.js';
import { Selector } from './selectors.js';
import { settlesBy } from './deadline.js';
import { nameShaper, tagAdder } from './item-shaper.js';
import type { PluginConfig } from '../config/model.js';

export interface InputSchedule {
  intervalMs: number;
  jitterMs: number;
  roundInterval: boolean;
}

/**
 * One configured input: shapes what it gathers (names, selectors, tags) and hands it on,
 * runs its gathers on schedule, and keeps its statistics.
 */
export class RunningInput {
  private readonly selector: Selector;
  private readonly rename?: (item: Item) => void;
  private readonly addTags?: (item: Item) => void;
  private timer?: NodeJS.Timeout;
  /** The gather under way, until it settles (even past its deadline). */
  private inFlight?: Promise<boolean>;
  private stopped = false;
  private readonly stopController = new AbortController();
  /** The error logged last, while the same one keeps coming: repeats are counted, not logged. */
  private errorRun?: { message: string; repeats: number; since: number };

  constructor(
    readonly config: PluginConfig,
    readonly plugin: InputPlugin,
    readonly stats: InputStats,
    readonly log: Logger,
    private readonly schedule: InputSchedule,
    extraTags: Record<string, string>[],
    private readonly emit: (item: Item) => void,
    private readonly waitForRoom: () => Promise<void>,
  ) {
    this.selector = new Selector(config.common);
    this.rename = nameShaper(config.common);
    this.addTags = tagAdder([config.common.tags ?? {}, ...extraTags]);
  }

  get id(): string {
    return this.config.id;
  }

  /** Telegraf's order: select on what the plugin made, then rename and tag, then trim. */
  private accept(item: Item): void {
    if (!this.selector.isEmpty && !this.selector.selects(item)) return;
    if (this.rename) this.rename(item);
    if (this.addTags) this.addTags(item);
    if (this.selector.modifies && !this.selector.modify(item)) return;
    this.stats.metrics_gathered++;
    this.emit(item);
  }

  makeAccumulator(signal: AbortSignal): Accumulator {
    const add = (name: string, fields: Fields, tags: Tags | undefined, timestamp: number | undefined, type: MetricType) =>
      this.accept(newMetric(name, fields, tags ? { ...tags } : {}, timestamp ?? Date.now(), type));
    return {
      addFields: (name, fields, tags, timestamp) => add(name, fields, tags, timestamp, 'untyped'),
      addGauge: (name, fields, tags, timestamp) => add(name, fields, tags, timestamp, 'gauge'),
      addCounter: (name, fields, tags, timestamp) => add(name, fields, tags, timestamp, 'counter'),
      addMetric: (metric: Metric) => this.accept(metric),
      addLog: (record: LogRecordInit) => this.accept(newLogRecord(record, this.config.name)),
      addError: (error: unknown) => this.reportError(error instanceof Error ? error.message : String(error)),
      signal,
      waitForRoom: () => untilAborted(this.waitForRoom(), signal),
    };
  }

  /** Counts every error; logs one only when it differs from the last, so an outage is one line. */
  private reportError(message: string): void {
    this.stats.errors++;
    if (this.errorRun?.message === message) {
      this.errorRun.repeats++;
      return;
    }
    this.endErrorRun();
    this.errorRun = { message, repeats: 0, since: Date.now() };
    this.log.error(message);
  }

  /** Says how often the last error repeated, once it stops or changes. */
  private endErrorRun(): void {
    const run = this.errorRun;
    if (run && run.repeats > 0) {
      this.log.error(`${run.message} (repeated ${run.repeats} more times since ${new Date(run.since).toISOString()})`);
    }
    this.errorRun = undefined;
  }

  /**
   * Runs one gather, bounded by the interval: past it the gather is abandoned (its signal
   * aborted), counted as a timeout, and the input's next gather waits for it to settle.
   * Resolves true when the gather finished without error.
   */
  gatherOnce(): Promise<boolean> {
    if (!this.plugin.gather) return Promise.resolve(true);
    const controller = new AbortController();
    const onStop = () => controller.abort();
    this.stopController.signal.addEventListener('abort', onStop, { once: true });
    const errorsBefore = this.stats.errors;
    const started = process.hrtime.bigint();
    const run = (async () => {
      try {
        await this.plugin.gather!(this.makeAccumulator(controller.signal));
      } catch (err) {
        this.makeAccumulator(controller.signal).addError(err);
      }
    })();
    let timeout: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timeout = setTimeout(() => resolve('timeout'), this.schedule.intervalMs);
    });
    const settled = run.then(() => {
      this.stats.gather_time_ns += Number(process.hrtime.bigint() - started);
      this.stopController.signal.removeEventListener('abort', onStop);
      const clean = this.stats.errors === errorsBefore;
      if (clean) this.endErrorRun();
      return clean;
    });
    const gathering = settled.finally(() => {
      if (this.inFlight === gathering) this.inFlight = undefined;
    });
    this.inFlight = gathering;
    return Promise.race([settled, deadline]).then((outcome) => {
      clearTimeout(timeout);
      if (outcome !== 'timeout') return outcome;
      this.stats.gather_timeouts++;
      this.log.warn(`did not complete within its interval (${formatDuration(this.schedule.intervalMs)}); skipping gathers until it does`);
      controller.abort();
      return false;
    });
  }

  /** Starts a service input; schedules a polled one unless `schedule` is false. */
  async start(schedule = true): Promise<void> {
    if (this.plugin.start) {
      await this.plugin.start(this.makeAccumulator(this.stopController.signal));
    }
    if (this.plugin.gather && schedule) this.scheduleNext();
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    const { intervalMs, jitterMs, roundInterval } = this.schedule;
    const now = Date.now();
    const next = roundInterval ? Math.ceil((now + 1) / intervalMs) * intervalMs : now + intervalMs;
    const jitter = jitterMs > 0 ? Math.random() * jitterMs : 0;
    this.timer = setTimeout(() => {
      if (!this.inFlight) void this.gatherOnce();
      this.scheduleNext();
    }, next - now + jitter);
  }

  /**
   * Stops scheduling, aborts a running gather and waits for it to settle, and stops a service
   * input; each wait ends at `deadline` (ms since the epoch) at the latest.
   */
  async stop(deadline: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopController.abort();
    if (this.inFlight && !(await settlesBy(this.inFlight, deadline))) {
      this.log.error('a gather still running at shutdown was abandoned; what it adds now is dropped');
    }
    try {
      if (!(await settlesBy(Promise.resolve(this.plugin.stop?.()), deadline))) this.log.error('stop() did not finish before shutdown_timeout');
    } catch (err) {
      this.log.error(`stopping: ${(err as Error).message}`);
    }
  }
}

/** `promise`, or earlier when `signal` aborts. */
function untilAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

