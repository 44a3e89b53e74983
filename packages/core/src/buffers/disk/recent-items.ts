import type { Item } from '../../model/item.js';
import type { ReadRecords } from './segment-reader.js';

/**
 * The items appended last, still as objects: a batch formed soon after its items were stored
 * (the usual case, when the destination keeps up) is taken from here instead of being read back
 * and decoded. What is on disk stays the record of truth: after a restart, or once items have
 * left this window, batches are read from the segments.
 */
export class RecentItems {
  private items: Item[] = [];
  private addedAts: number[] = [];
  /** Sequence number of items[0]. */
  private firstSeq = 0;

  constructor(private readonly capacity: number) {}

  /** Remembers an item just given sequence number `seq`; a gap starts the window again. */
  push(seq: number, item: Item, addedAt: number): void {
    if (seq !== this.firstSeq + this.items.length) this.clear(seq);
    if (this.items.length >= this.capacity * 2) {
      // Drop the older half in one go rather than shifting per item.
      this.items = this.items.slice(this.capacity);
      this.addedAts = this.addedAts.slice(this.capacity);
      this.firstSeq += this.capacity;
    }
    this.items.push(item);
    this.addedAts.push(addedAt);
  }

  /** Forgets items from `seq` on (their write was undone). */
  forgetFrom(seq: number): void {
    if (seq <= this.firstSeq) return this.clear(seq);
    const keep = seq - this.firstSeq;
    this.items.length = Math.min(this.items.length, keep);
    this.addedAts.length = this.items.length;
  }

  /** Up to `max` items after `afterSeq`, when the window holds all of them from there on; else undefined. */
  take(afterSeq: number, max: number): ReadRecords | undefined {
    const start = afterSeq + 1 - this.firstSeq;
    if (start < 0 || start >= this.items.length) return undefined;
    const end = Math.min(this.items.length, start + max);
    const seqs = new Array<number>(end - start);
    for (let i = 0; i < seqs.length; i++) seqs[i] = afterSeq + 1 + i;
    return { items: this.items.slice(start, end), seqs, addedAts: this.addedAts.slice(start, end) };
  }

  private clear(nextSeq: number): void {
    this.items = [];
    this.addedAts = [];
    this.firstSeq = nextSeq;
  }
}
