import type { Logger } from 'pino';
import { cloneItem, type Item, type ItemKind } from '../model/item.js';
import type { OutputPlugin, WriteContext } from '../sdk/plugin.js';
import { retryLater, type WriteResult } from '../sdk/write-result.js';
import type { OutputStats } from '../stats/stats.js';
import type { PluginConfig } from '../config/model.js';
import type { BufferedBatch, ItemBuffer, WhenFull } from '../buffers/buffer.js';
import { formatDuration } from '../config/duration.js';
import { Selector } from './selectors.js';
import { nameShaper } from './item-shaper.js';
import { settlesBy } from './deadline.js';
import { formatElapsed } from './elapsed.js';
import type { ItemSource } from './delivery.js';
import { RetrySchedule } from './retry-schedule.js';
import type { RejectedItems } from './rejected-items.js';

export interface OutputSchedule {
  intervalMs: number;
  jitterMs: number;
  batchSize: number;
  /** A write running longer is abandoned (its signal aborted) and retried. */
  timeoutMs: number;
  whenFull: WhenFull;
}

/** After the flush deadline, how long close() may still take. */
const CLOSE_GRACE_MS = 2_000;
/** Outputs get at least this long to write at stop, even when stopping the inputs took all of shutdown_timeout. */
const MIN_STOP_FLUSH_MS = 1_000;
/** The last try at stop starts this long before the deadline. */
const LAST_TRY_MS = 250;

/**
 * How the output's destination is doing, for the status API: kept apart from the counters
 * (which restart with each configuration), and handed to the same output after a reload.
 */
export interface OutputHealth {
  /** Milliseconds since the epoch of the last write the destination accepted. */
  lastSuccessAt?: number;
  /** Failed connects and writes since the last accepted (or rejected) batch. */
  consecutiveFailures: number;
  /** The last failure or rejection, secrets blanked out. */
  lastError?: string;
  lastErrorAt?: number;
  /** When the next try is due after a failure (ms since the epoch); unset while none is pending. */
  retryAt?: number;
}

/** The buffer as the status API shows it. */
export interface BufferView {
  strategy: 'memory' | 'disk';
  items: number;
  bytes: number;
  limit: number;
  full: boolean;
  /** Milliseconds since the epoch when the oldest item held was added. */
  oldestAt?: number;
}

/** Where a flush may stop: after full batches only, or when the buffer is empty. */
interface FlushMode {
  fullBatchesOnly: boolean;
  ignoreBackoff: boolean;
}

/**
 * One configured output: its selectors, its own buffer, batched writes on the flush interval
 * (or as soon as a batch is full), and what a write comes to: written, retried with backoff
 * (full jitter, Retry-After honoured), or rejected for good. A failed batch stays in flight,
 * unchanged, and is offered again. Every drop and rejection is counted and logged.
 */
export class RunningOutput {
  private readonly selector: Selector;
  private readonly rename?: (item: Item) => void;
  private readonly accepts: Record<ItemKind, boolean>;
  private buffer?: ItemBuffer;
  private timer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private writing?: Promise<boolean>;
  private writingMode?: FlushMode;
  private readonly retries = new RetrySchedule();
  private readonly droppedSinceLog = new Map<string, number>();
  private connected = false;
  private connecting?: Promise<boolean>;
  private stopped = false;
  /** Being handed over to the next configuration: no batch is started any more. */
  private handingOver = false;
  /** The buffer is closed (stop) or given away (reload): a write that ends later changes nothing. */
  private detached = false;
  private batchFullPending = false;
  private roomWaiters: (() => void)[] = [];
  /** Inputs whose items this output has taken: the ones a full blocking buffer holds back. */
  private readonly feeders = new Set<string>();
  private lastFeeder = '';
  private attempt = { batchId: '', count: 0 };
  health: OutputHealth = { consecutiveFailures: 0 };

  constructor(
    readonly config: PluginConfig,
    readonly plugin: OutputPlugin,
    readonly stats: OutputStats,
    readonly log: Logger,
    private readonly schedule: OutputSchedule,
    accepts: ItemKind[],
    private readonly rejected?: RejectedItems,
    private readonly redact: (text: string) => string = (text) => text,
  ) {
    this.selector = new Selector(config.common);
    this.rename = nameShaper(config.common);
    this.accepts = { metric: accepts.includes('metric'), log: accepts.includes('log') };
  }

  get id(): string {
    return this.config.id;
  }

  /** Gives the output its buffer (a new one, or the one the previous configuration's output had). */
  useBuffer(buffer: ItemBuffer): void {
    this.buffer = buffer;
    this.updateBufferStats();
  }

  get hasBuffer(): boolean {
    return this.buffer !== undefined;
  }

  /** The buffer now; undefined before start() gave it one and after a reload took it away. */
  bufferView(): BufferView | undefined {
    const b = this.buffer;
    return b && { strategy: b.strategy, items: b.length, bytes: b.bytes, limit: b.limit, full: b.full, oldestAt: b.oldestAt };
  }

  /** A reload: the same output of the next configuration goes on from where this one's destination was. */
  inheritHealth(previous: OutputHealth): void {
    this.health = { ...previous };
  }

  /** Counts what the buffer dropped; logged at the next flush, one line per reason. */
  readonly onDropped = (count: number, reason: string): void => {
    this.stats.metrics_dropped += count;
    this.droppedSinceLog.set(reason, (this.droppedSinceLog.get(reason) ?? 0) + count);
  };

  /** Called for every item leaving the processors. The item may be shared with other outputs. */
  add(item: Item, source: ItemSource): void {
    if (!this.accepts[item.kind]) return;
    const buffer = this.buffer;
    if (this.stopped || !buffer) {
      // Not written: an input tracking it must not move past it.
      source.delivery?.hold();
      source.delivery?.settle(false);
      this.onDropped(1, 'the output is stopping');
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
    if (source.inputId !== this.lastFeeder) {
      this.lastFeeder = source.inputId;
      this.feeders.add(source.inputId);
    }
    source.delivery?.hold();
    buffer.add(item, source.delivery);
    this.stats.buffer_size = buffer.length;
    if (buffer.length >= this.schedule.batchSize && !this.batchFullPending) {
      this.batchFullPending = true;
      setImmediate(() => {
        this.batchFullPending = false;
        void this.flush(true);
      });
    }
  }

  /** Whether items from `inputId` would meet a full buffer that blocks. */
  blocks(inputId: string): boolean {
    return this.holdsBack(inputId) && this.buffer!.full;
  }

  /** Whether this output pushes back on `inputId` at all: it blocks when full and takes that input's items. */
  private holdsBack(inputId: string): boolean {
    return !this.stopped && this.schedule.whenFull === 'block' && this.buffer !== undefined && this.feeders.has(inputId);
  }

  private hasRoom(): boolean {
    return this.stopped || !this.buffer || (!this.buffer.full && this.buffer.length <= this.buffer.limit / 2);
  }

  /**
   * For an input this output holds back: resolves once the buffer is at most half full (so a
   * chunk of a backlog fits), starting a write to get there. Any other input goes on at once.
   */
  waitForRoom(inputId: string): Promise<void> {
    if (!this.holdsBack(inputId) || this.hasRoom()) return Promise.resolve();
    void this.flush(true);
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  private wakeRoomWaiters(): void {
    if (this.roomWaiters.length === 0 || !this.hasRoom()) return;
    for (const wake of this.roomWaiters.splice(0)) wake();
  }

  /**
   * Connects (once at a time); a failure is logged and retried with the same backoff as a
   * failed write, while items keep buffering.
   */
  connect(): Promise<boolean> {
    this.connecting ??= (async () => {
      try {
        const connecting = Promise.resolve(this.plugin.connect?.());
        if (!(await settlesBy(connecting, Date.now() + this.schedule.timeoutMs))) throw new Error(`no answer within timeout (${formatDuration(this.schedule.timeoutMs)})`);
        await connecting;
        this.connected = true;
        return true;
      } catch (err) {
        this.stats.startup_errors++;
        const failure = `could not connect: ${(err as Error).message}`;
        const wait = this.backOff(failure);
        this.log.error(`${failure}; retry in ${formatDuration(wait)}`);
        return false;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  /** Counts a failure (`reason`, as logged) and schedules the next attempt; returns the wait in ms. */
  private backOff(reason: string, retryAfterMs?: number): number {
    if (this.retries.failures > 0) this.stats.retries++;
    const wait = this.retries.fail(retryAfterMs);
    const now = Date.now();
    this.health.consecutiveFailures++;
    this.health.lastError = this.redact(reason);
    this.health.lastErrorAt = now;
    this.health.retryAt = now + wait;
    clearTimeout(this.retryTimer);
    if (!this.stopped) {
      // This timer is the backoff: a timer may fire a millisecond before Date.now() says it is
      // due, so its flush does not check the backoff again (it would skip until the next flush).
      this.retryTimer = setTimeout(() => void this.flush(false, true), wait);
      this.retryTimer.unref();
    }
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
    if (this.droppedSinceLog.size === 0 || !this.buffer) return;
    const limit = `metric_buffer_limit = ${this.buffer.limit}`;
    for (const [reason, count] of this.droppedSinceLog) {
      if (reason === 'oldest' || reason === 'newest') this.log.warn(`buffer full (${limit}): dropped ${count} ${reason === 'oldest' ? 'oldest' : 'newly arrived'} items`);
      else this.log.error(`dropped ${count} items: ${reason}`);
    }
    this.droppedSinceLog.clear();
  }

  /**
   * Writes what the buffer holds: every batch, or with `fullBatchesOnly` just complete ones.
   * Waits out a backoff unless `ignoreBackoff`. Resolves false when a write did not succeed.
   */
  flush(fullBatchesOnly: boolean, ignoreBackoff = false): Promise<boolean> {
    if (this.writing) {
      const running = this.writingMode!;
      // A flush under way that stops earlier than asked (full batches only, or waiting out a
      // backoff) is followed by one that goes all the way.
      const weaker = (running.fullBatchesOnly && !fullBatchesOnly) || (!running.ignoreBackoff && ignoreBackoff);
      return weaker ? this.writing.then(() => this.flush(fullBatchesOnly, ignoreBackoff)) : this.writing;
    }
    this.writingMode = { fullBatchesOnly, ignoreBackoff };
    this.writing = this.writeBatches(fullBatchesOnly, ignoreBackoff)
      .catch((err: Error) => {
        // The buffer failed (a disk error): the batch stays where it was; try again later.
        this.stats.errors++;
        const failure = `buffer: ${err.message}`;
        const wait = this.backOff(failure);
        this.log.error(`${failure}; retry in ${formatDuration(wait)}`);
        return false;
      })
      .finally(() => {
        this.writing = undefined;
      });
    return this.writing;
  }

  private async writeBatches(fullBatchesOnly: boolean, ignoreBackoff: boolean): Promise<boolean> {
    this.logDrops();
    const buffer = this.buffer;
    if (!buffer || this.handingOver || this.detached) return false;
    if (!ignoreBackoff && !this.retries.due()) return false;
    if (!this.connected && !(await this.connect())) return false;
    if (buffer.length === 0) this.log.debug('flush: nothing to write');
    const size = this.schedule.batchSize;
    while (buffer.length > 0 && (!fullBatchesOnly || buffer.length >= size) && !this.handingOver) {
      const batch = await buffer.nextBatch(size);
      if (!batch) break;
      const started = process.hrtime.bigint();
      const result = await this.attemptWrite(batch);
      const took = Number(process.hrtime.bigint() - started);
      this.stats.write_time_ns += took;
      if (this.detached) {
        // Past the stop deadline its items were already counted (dropped, or kept on disk).
        if (result.outcome === 'written') this.log.warn(`a write of ${batch.items.length} items finished after the stop deadline; they were counted as unwritten`);
        return false;
      }
      if (result.outcome === 'retry') {
        this.stats.errors++;
        const failure = `write of ${batch.items.length} items failed: ${result.reason}`;
        const wait = this.backOff(failure, result.retryAfterMs);
        // A quiet retry: the output has already said why, once; each further try is debug.
        this.log[result.quiet ? 'debug' : 'error'](`${failure}; ${buffer.length} items kept, retry in ${formatDuration(wait)}`);
        this.updateBufferStats();
        return false;
      }
      await buffer.remove(batch);
      this.retries.succeed();
      const failures = this.health.consecutiveFailures;
      this.health.consecutiveFailures = 0;
      this.health.retryAt = undefined;
      if (result.outcome === 'written') {
        // Items the output left out on purpose are filtered, not written.
        const filtered = Math.min(batch.items.length, Math.max(0, Math.floor(result.filtered ?? 0)));
        this.stats.metrics_filtered += filtered;
        this.stats.metrics_written += batch.items.length - filtered;
        this.logWritten(batch.items.length - filtered, took, failures);
        this.health.lastSuccessAt = Date.now();
      } else this.reject(batch, result.reason);
      this.updateBufferStats();
      this.wakeRoomWaiters();
    }
    return true;
  }

  /** One try at a batch, bounded by the write timeout; a throw or a timeout asks for a retry. */
  private async attemptWrite(batch: BufferedBatch): Promise<WriteResult> {
    if (this.attempt.batchId !== batch.id) this.attempt = { batchId: batch.id, count: 0 };
    const controller = new AbortController();
    const context: WriteContext = { batchId: batch.id, itemIds: batch.itemIds, attempt: ++this.attempt.count, signal: controller.signal };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<WriteResult>((resolve) => {
      timer = setTimeout(() => {
        const reason = `no answer within timeout (${formatDuration(this.schedule.timeoutMs)})`;
        controller.abort(new Error(reason));
        resolve(retryLater(`${reason}; abandoned`));
      }, this.schedule.timeoutMs);
    });
    const write = (async (): Promise<WriteResult> => {
      try {
        return (await this.plugin.write(batch.items, context)) ?? { outcome: 'written' };
      } catch (err) {
        return retryLater((err as Error)?.message ?? String(err));
      }
    })();
    try {
      return await Promise.race([write, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Every write at debug; at info the first one (of this output, across reloads) and the first after failures. */
  private logWritten(items: number, tookNs: number, failuresBefore: number): void {
    const what = `wrote ${items} items in ${formatElapsed(tookNs)}`;
    if (this.health.lastSuccessAt === undefined) this.log.info(`first write succeeded: ${what}`);
    else if (failuresBefore > 0) this.log.info(`writing again after ${failuresBefore} failed ${failuresBefore === 1 ? 'attempt' : 'attempts'}: ${what}`);
    else this.log.debug(`${what}; ${this.buffer?.length ?? 0} items buffered`);
  }

  private reject(batch: BufferedBatch, reason: string): void {
    this.stats.metrics_rejected += batch.items.length;
    this.health.lastError = this.redact(`rejected ${batch.items.length} items: ${reason}`);
    this.health.lastErrorAt = Date.now();
    const kept = this.rejected?.keep(batch, this.redact(reason));
    this.log.error(`rejected ${batch.items.length} items for good: ${reason}${kept ? `; kept in ${kept}` : ''}`);
  }

  private updateBufferStats(): void {
    this.stats.buffer_size = this.buffer?.length ?? 0;
    this.stats.buffer_bytes = this.buffer?.bytes ?? 0;
  }

  /** Stops scheduling: nothing more is taken, no timer is left. */
  private halt(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.retryTimer);
    this.wakeRoomWaiters();
  }

  private async closePlugin(deadline: number): Promise<void> {
    try {
      if (!(await settlesBy(Promise.resolve(this.plugin.close?.()), deadline + CLOSE_GRACE_MS))) this.log.error('close() did not finish in time');
    } catch (err) {
      this.log.error(`closing: ${(err as Error).message}`);
    }
  }

  /**
   * Stops and writes what's left until `deadline` (ms since the epoch; at least
   * MIN_STOP_FLUSH_MS from now), with backoff between tries. A memory buffer keeps trying until
   * then and what is left is dropped (counted); a disk buffer tries once and keeps what is left
   * for the next start. Then closes the plugin and the buffer.
   */
  async stop(deadline: number): Promise<boolean> {
    this.halt();
    const buffer = this.buffer;
    if (!buffer) return true;
    deadline = Math.max(deadline, Date.now() + MIN_STOP_FLUSH_MS);
    const untilDeadline = () => Math.max(0, deadline - Date.now());
    while (buffer.length > 0 && untilDeadline() > 0) {
      // A backoff that ends past the deadline still leaves one last try just before it.
      const lastTry = this.retries.waitMs() >= untilDeadline() - LAST_TRY_MS;
      const wait = Math.min(this.retries.waitMs(), untilDeadline() - LAST_TRY_MS);
      if (wait > 0) await sleep(wait);
      const attempt = this.flush(false, true);
      if (!(await settlesBy(attempt, deadline))) break;
      if (!(await attempt) && (buffer.strategy === 'disk' || lastTry)) break;
    }
    this.detached = true;
    this.logDrops();
    const left = buffer.length;
    if (left > 0 && buffer.strategy === 'disk') {
      this.stats.metrics_kept += left;
      this.log.warn(`stopping with ${left} items unwritten; kept in the disk buffer, sent first at the next start`);
    } else if (left > 0) {
      this.stats.metrics_dropped += left;
      this.log.error(`stopping with ${left} items unwritten; they are dropped`);
    }
    await this.closePlugin(deadline);
    await buffer.close();
    this.updateBufferStats();
    return left === 0;
  }

  /**
   * For a reload: starts no new batch, lets the one under way end (each try is bounded by the
   * write timeout), closes the plugin and gives up the buffer, untouched, for the next
   * configuration's output of the same key.
   */
  async handOver(deadline: number): Promise<void> {
    this.halt();
    this.handingOver = true;
    await this.writing;
    this.detached = true;
    this.logDrops();
    await this.closePlugin(deadline);
    this.buffer = undefined;
  }
}

/** A wait that keeps the process alive: stop() sleeps between tries with nothing else pending. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
