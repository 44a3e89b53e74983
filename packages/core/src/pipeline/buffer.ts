import type { Item } from '../model/item.js';

/**
 * Where an output's items wait to be written. Writers take a batch from the front, then
 * accept it (written: remove) or reject it (failed: keep at the front for a retry). The
 * memory buffer below is the default; a disk buffer implements the same interface.
 */
export interface ItemBuffer {
  readonly length: number;
  readonly limit: number;
  /** Appends an item; when full, drops the oldest. Returns the number dropped (0 or 1). */
  add(item: Item): number;
  /** Up to `max` items from the front, left in place until accepted or rejected. */
  batch(max: number): Item[] | Promise<Item[]>;
  accept(batch: Item[]): void | Promise<void>;
  reject(batch: Item[]): void | Promise<void>;
  close(): void | Promise<void>;
}

/** A ring of at most `limit` items, overwriting the oldest. */
export class MemoryBuffer implements ItemBuffer {
  private readonly slots: (Item | undefined)[];
  private head = 0;
  private count = 0;
  /** Items at the front handed out in the current batch and not yet accepted or rejected. */
  private outstanding = 0;
  private closed = false;

  constructor(readonly limit: number) {
    this.slots = new Array(limit);
  }

  get length(): number {
    return this.count;
  }

  add(item: Item): number {
    let dropped = 0;
    if (this.count === this.limit) {
      this.slots[this.head] = undefined;
      this.head = (this.head + 1) % this.limit;
      this.count--;
      if (this.outstanding > 0) this.outstanding--;
      dropped = 1;
    }
    this.slots[(this.head + this.count) % this.limit] = item;
    this.count++;
    return dropped;
  }

  batch(max: number): Item[] {
    const n = Math.min(max, this.count);
    const out = new Array<Item>(n);
    for (let i = 0; i < n; i++) out[i] = this.slots[(this.head + i) % this.limit]!;
    this.outstanding = n;
    return out;
  }

  accept(): void {
    // A write that outlived the shutdown deadline may finish after close().
    if (this.closed) return;
    for (let i = 0; i < this.outstanding; i++) this.slots[(this.head + i) % this.limit] = undefined;
    this.head = (this.head + this.outstanding) % this.limit;
    this.count -= this.outstanding;
    this.outstanding = 0;
  }

  reject(): void {
    this.outstanding = 0;
  }

  close(): void {
    this.slots.fill(undefined);
    this.count = 0;
    this.outstanding = 0;
    this.closed = true;
  }
}
