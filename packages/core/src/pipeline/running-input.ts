import type { Logger } from 'pino';
import { newLogRecord, newMetric, type Fields, type Item, type LogRecordInit, type Metric, type MetricType, type Tags } from '../model/item.js';
import type { Accumulator, DeliveryGroup, InputPlugin } from '../sdk/plugin.js';
import type { InputStats } from '../stats/stats.js';
import { formatDuration } from '../config/duration.js';
import { Selector } from './selectors.js';
import { settlesBy } from './deadline.js';
import { nameShaper, tagAdder } from './item-shaper.js';
import type { PluginConfig } from '../config/model.js';
import { Delivery, type ItemSource } from './delivery.js';
import { formatElapsed } from './elapsed.js';

/** How the pipeline looks from an input: where items go and which outputs push back. */
export interface InputPipeline {
  emit(item: Item, source: ItemSource): void;
  /** Resolves once every output this input feeds with when_full = "block" is at most half full. */
  waitForRoom(inputId: string): Promise<void>;
  isBlocked(inputId: string): boolean;
}

export interface InputSchedule {
  intervalMs: number;
  jitterMs: number;
  roundInterval: boolean;
  /** Telegraf's collection_offset: every gather this much after its slot. */
  offsetMs?: number;
  /** Telegraf's precision: gathered timestamps rounded to a multiple of this; 0 keeps them. */
  precisionMs?: number;
}

/** How an input's gathers are going, for the status API. */
export interface InputHealth {
  /** Milliseconds since the epoch when the last gather that finished (or timed out) started. */
  lastGatherAt?: number;
  /** How long it took; for one that timed out, the interval it overran. */
  lastGatherDurationMs?: number;
  /** Whether that gather reported an error or outlived its interval. */
  lastGatherFailed: boolean;
  /** The last error reported (a gather's, or a service input's). */
  lastError?: string;
  lastErrorAt?: number;
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
  private readonly untracked: ItemSource;
  /** Delivery groups handed on and not yet settled. */
  private pending = 0;
  private settledWaiters: (() => void)[] = [];
  private skippedSinceLog = 0;
  readonly health: InputHealth = { lastGatherFailed: false };

  constructor(
    readonly config: PluginConfig,
    readonly plugin: InputPlugin,
    readonly stats: InputStats,
    readonly log: Logger,
    private readonly schedule: InputSchedule,
    extraTags: Record<string, string>[],
    private readonly pipeline: InputPipeline,
  ) {
    this.selector = new Selector(config.common);
    this.rename = nameShaper(config.common);
    this.addTags = tagAdder([config.common.tags ?? {}, ...extraTags]);
    this.untracked = { inputId: config.id };
  }

  /** Delivery groups handed on and not yet settled. */
  get undelivered(): number {
    return this.pending;
  }

  /** Resolves when every delivery group handed on so far has settled, or at `deadline`. */
  async allSettled(deadline: number): Promise<boolean> {
    if (this.pending === 0) return true;
    return settlesBy(new Promise<void>((resolve) => this.settledWaiters.push(resolve)), deadline);
  }

  private trackDelivery(onSettled: (delivered: boolean) => void): DeliveryGroup {
    this.pending++;
    const delivery = new Delivery((delivered) => {
      this.pending--;
      try {
        onSettled(delivered);
      } catch (err) {
        this.log.error(`handling a delivery: ${(err as Error).message}`);
      }
      if (this.pending === 0) for (const wake of this.settledWaiters.splice(0)) wake();
    });
    const source: ItemSource = { inputId: this.config.id, delivery };
    return {
      addMetric: (metric) => this.accept(metric, source),
      addLog: (record) => this.accept(newLogRecord(record, this.config.name), source),
      close: () => delivery.close(),
    };
  }

  get id(): string {
    return this.config.id;
  }

  /** Telegraf's order: select on what the plugin made, then rename and tag, then trim. */
  private accept(item: Item, source = this.untracked): void {
    if (!this.selector.isEmpty && !this.selector.selects(item)) return;
    if (this.rename) this.rename(item);
    if (this.addTags) this.addTags(item);
    if (this.selector.modifies && !this.selector.modify(item)) return;
    this.stats.metrics_gathered++;
    this.pipeline.emit(item, source);
  }

  /** `precisionMs` rounds metric timestamps (gathers only: service inputs keep theirs, as in Telegraf). */
  makeAccumulator(signal: AbortSignal, precisionMs = 0): Accumulator {
    const add = (name: string, fields: Fields, tags: Tags | undefined, timestamp: number | undefined, type: MetricType) =>
      this.accept(newMetric(name, fields, tags ? { ...tags } : {}, roundTime(timestamp ?? Date.now(), precisionMs), type));
    return {
      addFields: (name, fields, tags, timestamp) => add(name, fields, tags, timestamp, 'untyped'),
      addGauge: (name, fields, tags, timestamp) => add(name, fields, tags, timestamp, 'gauge'),
      addCounter: (name, fields, tags, timestamp) => add(name, fields, tags, timestamp, 'counter'),
      addMetric: (metric: Metric) => {
        metric.timestamp = roundTime(metric.timestamp, precisionMs);
        this.accept(metric);
      },
      addLog: (record: LogRecordInit) => this.accept(newLogRecord(record, this.config.name)),
      addError: (error: unknown) => this.reportError(error instanceof Error ? error.message : String(error)),
      signal,
      waitForRoom: () => untilAborted(this.pipeline.waitForRoom(this.config.id), signal),
      trackDelivery: (onSettled) => this.trackDelivery(onSettled),
    };
  }

  /** Counts every error; logs one only when it differs from the last, so an outage is one line. */
  private reportError(message: string): void {
    this.stats.errors++;
    this.health.lastError = message;
    this.health.lastErrorAt = Date.now();
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
    if (this.skippedSinceLog > 0) {
      this.log.info(`outputs have room again; ${this.skippedSinceLog} gathers were skipped`);
      this.skippedSinceLog = 0;
    }
    const controller = new AbortController();
    const onStop = () => controller.abort();
    this.stopController.signal.addEventListener('abort', onStop, { once: true });
    const errorsBefore = this.stats.errors;
    const gatheredBefore = this.stats.metrics_gathered;
    const startedAt = Date.now();
    const started = process.hrtime.bigint();
    const run = (async () => {
      try {
        await this.plugin.gather!(this.makeAccumulator(controller.signal, this.schedule.precisionMs));
      } catch (err) {
        this.makeAccumulator(controller.signal).addError(err);
      }
    })();
    let timeout: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timeout = setTimeout(() => resolve('timeout'), this.schedule.intervalMs);
    });
    const settled = run.then(() => {
      const took = Number(process.hrtime.bigint() - started);
      this.stats.gather_time_ns += took;
      this.stopController.signal.removeEventListener('abort', onStop);
      const clean = this.stats.errors === errorsBefore;
      this.log.debug(`gathered ${this.stats.metrics_gathered - gatheredBefore} items in ${formatElapsed(took)}${clean ? '' : ` with ${this.stats.errors - errorsBefore} errors`}`);
      // A gather that overran its interval was recorded as failed already; its late end is not news.
      if (this.health.lastGatherAt !== startedAt) Object.assign(this.health, { lastGatherAt: startedAt, lastGatherDurationMs: took / 1e6, lastGatherFailed: !clean });
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
      const overran = `did not complete within its interval (${formatDuration(this.schedule.intervalMs)})`;
      Object.assign(this.health, { lastGatherAt: startedAt, lastGatherDurationMs: this.schedule.intervalMs, lastGatherFailed: true, lastError: overran, lastErrorAt: Date.now() });
      this.log.warn(`${overran}; skipping gathers until it does`);
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
    const { intervalMs, jitterMs, roundInterval, offsetMs = 0 } = this.schedule;
    const now = Date.now();
    // Aligned slots shift by the offset; unaligned gathers take it once, at the first one.
    const next = roundInterval ? Math.ceil((now - offsetMs + 1) / intervalMs) * intervalMs + offsetMs : now + intervalMs + (this.timer ? 0 : offsetMs);
    const jitter = jitterMs > 0 ? Math.random() * jitterMs : 0;
    this.timer = setTimeout(() => {
      if (this.pipeline.isBlocked(this.config.id)) this.skipGather();
      else if (!this.inFlight) void this.gatherOnce();
      this.scheduleNext();
    }, next - now + jitter);
  }

  /** An output this input feeds is full and blocking: the gather waits for the next interval. */
  private skipGather(): void {
    this.stats.gathers_skipped++;
    if (this.skippedSinceLog++ === 0) this.log.warn('an output it feeds is full (when_full = "block"): skipping gathers until it has room');
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

/** `ms` rounded to the nearest multiple of `precisionMs` (Go's time.Round); unchanged for 0. */
function roundTime(ms: number, precisionMs: number): number {
  return precisionMs > 0 ? Math.round(ms / precisionMs) * precisionMs : ms;
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

