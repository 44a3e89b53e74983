import type { Item } from '../model/item.js';

/** What happens to an item that arrives at a full buffer (Vector's and Telegraf's names). */
export type WhenFull = 'drop_oldest' | 'drop_newest' | 'block';
export type BufferStrategy = 'memory' | 'disk';

/** Told when an item is safe (written, or stored on disk) or given up. */
export interface Receipt {
  /** `delivered` is false only for an item left unwritten at stop by a memory buffer. */
  settle(delivered: boolean): void;
}

/** A batch handed to an output; the same object (same id, same items) until removed. */
export interface BufferedBatch {
  /** Stable across retries and, for a disk buffer, across restarts. */
  readonly id: string;
  readonly items: Item[];
  /** One stable id per item. */
  readonly itemIds: string[];
}

export interface BufferEvents {
  /** Items the buffer dropped (overflow, a full disk, damage found): the output counts and logs them. */
  dropped(count: number, reason: string): void;
}

/**
 * Where an output's items wait to be written. The output takes the batch at the front
 * (`nextBatch`), writes it, and removes it once written or rejected for good; a failed batch
 * stays in flight and is offered again, unchanged. Items of the batch in flight are never
 * dropped by overflow.
 */
export interface ItemBuffer {
  readonly strategy: BufferStrategy;
  /** Items held, the batch in flight included. */
  readonly length: number;
  /** Bytes held on disk (0 for memory). */
  readonly bytes: number;
  /** `metric_buffer_limit`. */
  readonly limit: number;
  /** Full by its item limit (or, on disk, `buffer_max_size`): what arrives now meets `when_full`. */
  readonly full: boolean;
  /** Milliseconds since the epoch when the oldest item held was added; undefined when empty. */
  readonly oldestAt: number | undefined;
  /**
   * Takes an item. `receipt` is settled when the item is safe: written (memory) or stored on
   * disk (disk). On overflow, `drop_oldest` drops the oldest item not in flight; `drop_newest`
   * and `block` (or no other item to drop) drop this one. Dropped items settle their receipts
   * as delivered (they are counted) and are reported through BufferEvents.dropped.
   */
  add(item: Item, receipt?: Receipt): void;
  /** The batch in flight, or a new one of up to `max` items; undefined when empty. */
  nextBatch(max: number): BufferedBatch | undefined | Promise<BufferedBatch | undefined>;
  /** The batch in flight is done with: written, or rejected for good. */
  remove(batch: BufferedBatch): void | Promise<void>;
  /**
   * Ends use. Memory: what is left is given up (receipts settle as not delivered) and its count
   * returned. Disk: it stays on disk for the next start, committed first; returns 0.
   */
  close(): number | Promise<number>;
}
