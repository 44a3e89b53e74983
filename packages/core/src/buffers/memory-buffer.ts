import { randomUUID } from 'node:crypto';
import type { Item } from '../model/item.js';
import type { BufferedBatch, BufferEvents, ItemBuffer, Receipt, WhenFull } from './buffer.js';
import { coarseNow } from './coarse-clock.js';

/**
 * The default buffer: a ring of at most `limit` items in memory, plus the batch in flight,
 * which is taken out of the ring so that overflow can never drop it. Lost when the process dies;
 * an input that tracks delivery keeps its position until the items are written.
 */
export class MemoryBuffer implements ItemBuffer {
  readonly strategy = 'memory';
  readonly bytes = 0;
  private readonly items: (Item | undefined)[];
  private readonly receipts: (Receipt | undefined)[];
  /** Typed, so a time is stored without allocating a number per item. */
  private readonly addedAt: Float64Array;
  private head = 0;
  private count = 0;
  private inFlight?: BufferedBatch & { receipts: (Receipt | undefined)[]; addedAt: number };
  private inFlightCount = 0;

  constructor(
    readonly limit: number,
    private readonly whenFull: WhenFull,
    private readonly events: BufferEvents,
  ) {
    this.items = new Array(limit);
    this.receipts = new Array(limit);
    this.addedAt = new Float64Array(limit);
  }

  get length(): number {
    return this.count + this.inFlightCount;
  }

  get full(): boolean {
    return this.count + this.inFlightCount >= this.limit;
  }

  get oldestAt(): number | undefined {
    return this.inFlight?.addedAt ?? (this.count > 0 ? this.addedAt[this.head] : undefined);
  }

  add(item: Item, receipt?: Receipt): void {
    if (this.full) {
      if (this.whenFull !== 'drop_oldest' || this.count === 0) {
        receipt?.settle(true);
        this.events.dropped(1, 'newest');
        return;
      }
      this.shift()?.settle(true);
      this.events.dropped(1, 'oldest');
    }
    let slot = this.head + this.count;
    if (slot >= this.limit) slot -= this.limit;
    this.items[slot] = item;
    this.receipts[slot] = receipt;
    this.addedAt[slot] = coarseNow();
    this.count++;
  }

  /** Takes the oldest item out of the ring; returns its receipt. */
  private shift(): Receipt | undefined {
    const receipt = this.receipts[this.head];
    this.items[this.head] = undefined;
    this.receipts[this.head] = undefined;
    if (++this.head === this.limit) this.head = 0;
    this.count--;
    return receipt;
  }

  nextBatch(max: number): BufferedBatch | undefined {
    if (this.inFlight) return this.inFlight;
    const n = Math.min(max, this.count);
    if (n === 0) return undefined;
    const items = new Array<Item>(n);
    const receipts = new Array<Receipt | undefined>(n);
    const addedAt = this.addedAt[this.head];
    for (let i = 0; i < n; i++) {
      items[i] = this.items[this.head]!;
      receipts[i] = this.shift();
    }
    const id = randomUUID();
    const itemIds = items.map((_, i) => `${id}:${i}`);
    this.inFlight = { id, items, itemIds, receipts, addedAt };
    this.inFlightCount = n;
    return this.inFlight;
  }

  remove(batch: BufferedBatch): void {
    if (this.inFlight !== batch) return;
    for (const receipt of this.inFlight.receipts) receipt?.settle(true);
    this.inFlight = undefined;
    this.inFlightCount = 0;
  }

  close(): number {
    const left = this.length;
    for (const receipt of this.inFlight?.receipts ?? []) receipt?.settle(false);
    this.inFlight = undefined;
    this.inFlightCount = 0;
    while (this.count > 0) this.shift()?.settle(false);
    return left;
  }
}
