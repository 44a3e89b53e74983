import type { Logger } from 'pino';
import type { Item } from '../model/item.js';
import type { ProcessorPlugin } from '../sdk/plugin.js';
import type { PluginConfig } from '../config/model.js';
import type { ProcessorStats } from '../stats/stats.js';
import { Selector } from './selectors.js';

/** A processor failing on every item logs the same error once a minute, not once per item. */
const REPEAT_LOG_MS = 60_000;
/**
 * Reading the clock twice costs about 100 ns, more than most processors take for an item, so
 * one item in 16 is timed and its time counted 16 times: the total is an estimate.
 */
const TIME_EVERY = 16;

/**
 * A processor with its selectors and its counters: items it doesn't select pass by unchanged.
 * An item whose `process` throws is dropped rather than passed on half changed (a redaction
 * that failed half way must not ship what it was meant to hide).
 */
export class RunningProcessor {
  private readonly selector: Selector;
  lastError?: string;
  lastErrorAt?: number;
  private lastLoggedAt = 0;
  private unlogged = 0;

  constructor(
    readonly config: PluginConfig,
    readonly plugin: ProcessorPlugin,
    readonly stats: ProcessorStats,
    private readonly log: Logger,
  ) {
    this.selector = new Selector(config.common);
  }

  get id(): string {
    return this.config.id;
  }

  /** Returns the items to pass on: one, several, or none. */
  apply(item: Item): Item | Item[] | null | undefined {
    const stats = this.stats;
    const timed = stats.metrics_received % TIME_EVERY === 0;
    stats.metrics_received++;
    if (!timed) return this.counted(this.runSafely(item));
    const started = process.hrtime.bigint();
    const result = this.counted(this.runSafely(item));
    stats.process_time_ns += Number(process.hrtime.bigint() - started) * TIME_EVERY;
    return result;
  }

  private counted(result: Item | Item[] | null | undefined): Item | Item[] | null | undefined {
    const emitted = !result ? 0 : Array.isArray(result) ? result.length : 1;
    if (emitted === 0) this.stats.metrics_dropped++;
    else this.stats.metrics_emitted += emitted;
    return result;
  }

  private runSafely(item: Item): Item | Item[] | null | undefined {
    try {
      return this.run(item);
    } catch (err) {
      this.reportError(err instanceof Error ? err.message : String(err));
      return null;
    }
  }

  private run(item: Item): Item | Item[] | null | undefined {
    if (!this.selector.isEmpty) {
      if (!this.selector.selects(item)) return item;
      if (this.selector.modifies && !this.selector.modify(item)) return null;
    }
    return this.plugin.process(item);
  }

  /** Counts every error; logs a new one at once and a repeat of the last at most once a minute. */
  private reportError(message: string): void {
    this.stats.errors++;
    const now = Date.now();
    const repeat = message === this.lastError && now - this.lastLoggedAt < REPEAT_LOG_MS;
    this.lastError = message;
    this.lastErrorAt = now;
    if (repeat) {
      this.unlogged++;
      return;
    }
    const more = this.unlogged > 0 ? ` (${this.unlogged} more errors since the last line)` : '';
    this.log.error(`processing an item failed, the item is dropped: ${message}${more}`);
    this.lastLoggedAt = now;
    this.unlogged = 0;
  }
}
