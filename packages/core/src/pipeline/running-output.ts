import type { Logger } from 'pino';
import { cloneItem, type Item, type ItemKind } from '../model/item.js';
import type { OutputPlugin } from '../sdk/plugin.js';
import type { OutputStats } from '../stats/stats.js';
import type { PluginConfig } from '../config/model.js';
import type { ItemBuffer } from './buffer.js';
import { Selector } from './selectors.js';
import { nameShaper } from './item-shaper.js';
import { settlesBy } from './deadline.js';

export interface FlushSchedule {
  intervalMs: number;
  jitterMs: number;
  batchSize: number;
}

/** First retry after a failed write waits this long, doubling up to the cap. */
const RETRY_BASE_MS = 1000;
const RETRY_CAP_MS = 60_000;
/** After the flush deadline, how long close() may still take. */
const CLOSE_GRACE_MS = 2_000;

/**
 * One configured output: its selectors, its own buffer, batched writes on the flush interval
 * (or as soon as a batch is full) and retries with capped exponential backoff. A failed batch
 * stays at the front of the buffer. Every drop is counted and logged.
 */
export class RunningOutput {
  private readonly selector: Selector;
  private readonly rename?: (item: Item) => void;
  private readonly accepts: Record<ItemKind, boolean>;
  private timer?: NodeJS.Timeout;
  private writing?: Promise<boolean>;
  private failures = 0;
  private retryAt = 0;
  private droppedSinceLog = 0;
  private connected = false;
  private connecting?: Promise<boolean>;
  private stopped = false;
  private batchFullPending = false;
  private roomWaiters: (() => void)[] = [];

  constructor(
    readonly config: PluginConfig,
    readonly plugin: OutputPlugin,
    readonly buffer: ItemBuffer,
    readonly stats: OutputStats,
    readonly log: Logger,
    private readonly schedule: FlushSchedule,
    accepts: ItemKind[],
  ) {
    this.selector = new Selector(config.common);
    this.rename = nameShaper(config.common);
    this.accepts = { metric: accepts.includes('metric'), log: accepts.includes('log') };
  }

  get id(): string {
    return this.config.id;
  }

  /** Called for every item leaving the processors. The item may be shared with other outputs. */
  add(item: Item): void {
    if (!this.accepts[item.kind]) return;
    if (this.stopped) {
      this.stats.metrics_dropped++;
      this.droppedSinceLog++;
      return;
    }
    if (!this.selector.isEmpty) {
      if (!this.selector.selects(item)) {
        this.stats.metrics_filtered++;
        return;
      }
      if (this.selector.modifies) {
        item = cloneItem(item);
        if (!this.selector.modify(item)) {
          this.stats.metrics_filtered++;
          return;
        }
      }
    }
    if (this.rename) {
      if (!this.selector.modifies) item = cloneItem(item);
      this.rename(item);
    }
    this.stats.metrics_added++;
    const dropped = this.buffer.add(item);
    if (dropped) {
      this.stats.metrics_dropped += dropped;
      this.droppedSinceLog += dropped;
    }
    this.stats.buffer_size = this.buffer.length;
    if (this.buffer.length >= this.schedule.batchSize && !this.batchFullPending) {
      this.batchFullPending = true;
      setImmediate(() => {
        this.batchFullPending = false;
        void this.flush(true);
      });
    }
  }

  private hasRoom(): boolean {
    return this.stopped || this.buffer.length <= this.buffer.limit / 2;
  }

  /** Resolves when the buffer is at most half full, starting a write to get there. */
  waitForRoom(): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    void this.flush(true);
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  private wakeRoomWaiters(): void {
    if (this.roomWaiters.length === 0 || !this.hasRoom()) return;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * Connects (once at a time); a failure is logged and retried with the same backoff as a
   * failed write, while items keep buffering.
   */
  connect(): Promise<boolean> {
    this.connecting ??= (async () => {
      try {
        await this.plugin.connect?.();
        this.connected = true;
        return true;
      } catch (err) {
        this.stats.startup_errors++;
        const wait = this.backOff();
        this.log.error(`could not connect: ${(err as Error).message}; retry in ${wait / 1000}s`);
        return false;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  /** Counts a failure and sets when the next attempt may be made; returns the wait in ms. */
  private backOff(): number {
    this.failures++;
    if (this.failures > 1) this.stats.retries++;
    const wait = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (this.failures - 1));
    this.retryAt = Date.now() + wait;
    return wait;
  }

  start(): void {
    this.scheduleNext();
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    const jitter = this.schedule.jitterMs > 0 ? Math.random() * this.schedule.jitterMs : 0;
    this.timer = setTimeout(() => {
      void this.flush(false).finally(() => this.scheduleNext());
    }, this.schedule.intervalMs + jitter);
  }

  private logDrops(): void {
    if (this.droppedSinceLog === 0) return;
    this.log.warn(`buffer full: dropped ${this.droppedSinceLog} oldest items (metric_buffer_limit = ${this.buffer.limit})`);
    this.droppedSinceLog = 0;
  }

  /**
   * Writes what the buffer holds: every batch, or with `fullBatchesOnly` just complete ones.
   * Waits out a backoff unless `ignoreBackoff`. Resolves false when a write failed.
   */
  flush(fullBatchesOnly: boolean, ignoreBackoff = false): Promise<boolean> {
    if (this.writing) return this.writing;
    this.writing = this.writeBatches(fullBatchesOnly, ignoreBackoff).finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }

  private async writeBatches(fullBatchesOnly: boolean, ignoreBackoff: boolean): Promise<boolean> {
    this.logDrops();
    if (!ignoreBackoff && Date.now() < this.retryAt) return false;
    if (!this.connected && !(await this.connect())) return false;
    const size = this.schedule.batchSize;
    while (this.buffer.length > 0 && (!fullBatchesOnly || this.buffer.length >= size)) {
      const batch = await this.buffer.batch(size);
      const started = process.hrtime.bigint();
      try {
        await this.plugin.write(batch);
        await this.buffer.accept(batch);
        this.stats.metrics_written += batch.length;
        this.failures = 0;
        this.retryAt = 0;
        this.wakeRoomWaiters();
      } catch (err) {
        await this.buffer.reject(batch);
        this.stats.errors++;
        const wait = this.backOff();
        this.log.error(`write of ${batch.length} items failed: ${(err as Error).message}; ${this.buffer.length} items kept, retry in ${wait / 1000}s`);
        return false;
      } finally {
        this.stats.write_time_ns += Number(process.hrtime.bigint() - started);
        this.stats.buffer_size = this.buffer.length;
      }
    }
    return true;
  }

  /**
   * Stops the schedule and writes what's left, giving up at `deadline` (ms since epoch).
   * What could not be written is counted as dropped and logged. Then closes the plugin.
   */
  async stop(deadline: number): Promise<boolean> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wakeRoomWaiters();
    let ok = true;
    while (this.buffer.length > 0 && Date.now() < deadline) {
      const attempt = this.flush(false, true);
      const timedOut = await Promise.race([attempt.then(() => false), sleep(deadline - Date.now()).then(() => true)]);
      if (timedOut || !(await attempt)) {
        ok = false;
        break;
      }
    }
    const left = this.buffer.length;
    if (left > 0) {
      ok = false;
      this.stats.metrics_dropped += left;
      this.log.error(`stopping with ${left} items unwritten; they are dropped`);
    }
    this.logDrops();
    try {
      if (!(await settlesBy(Promise.resolve(this.plugin.close?.()), deadline + CLOSE_GRACE_MS))) this.log.error('close() did not finish in time');
    } catch (err) {
      this.log.error(`closing: ${(err as Error).message}`);
    }
    await this.buffer.close();
    this.stats.buffer_size = 0;
    return ok;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
}
