import { randomUUID } from 'node:crypto';
import type { Item } from '../model/item.js';
import type { BufferedBatch, BufferEvents, ItemBuffer, Receipt, WhenFull } from './buffer.js';
import { coarseNow } from './coarse-clock.js';

/** Slots a ring starts with; it doubles as it fills, up to `limit`. */
const INITIAL_CAPACITY = 1024;

/**
 * The default buffer: a ring of at most `limit` items in memory, plus the batch in flight,
 * which is taken out of the ring so that overflow can never drop it. Lost when the process dies;
 * an input that tracks delivery keeps its position until the items are written. The ring grows
 * as it fills: a large `metric_buffer_limit` costs memory only once that many items wait.
 */
export class MemoryBuffer implements ItemBuffer {
  readonly strategy = 'memory';
  readonly bytes = 0;
  private items: (Item | undefined)[];
  private receipts: (Receipt | undefined)[];
  /** Typed, so a time is stored without allocating a number per item. */
  private addedAt: Float64Array;
  /** Slots in the ring now, at most `limit`. */
  private capacity: number;
  private head = 0;
  private count = 0;
  private inFlight?: BufferedBatch & { receipts: (Receipt | undefined)[]; addedAt: number };
  private inFlightCount = 0;

  constructor(
    readonly limit: number,
    private readonly whenFull: WhenFull,
    private readonly events: BufferEvents,
  ) {
    this.capacity = Math.min(limit, INITIAL_CAPACITY);
    this.items = new Array(this.capacity);
    this.receipts = new Array(this.capacity);
    this.addedAt = new Float64Array(this.capacity);
  }

  /** Doubles the ring (at most to `limit`), its items moved to the front in order. */
  private grow(): void {
    const capacity = Math.min(this.limit, this.capacity * 2);
    const items = new Array<Item | undefined>(capacity);
    const receipts = new Array<Receipt | undefined>(capacity);
    const addedAt = new Float64Array(capacity);
    for (let i = 0, slot = this.head; i < this.count; i++) {
      items[i] = this.items[slot];
      receipts[i] = this.receipts[slot];
      addedAt[i] = this.addedAt[slot];
      if (++slot === this.capacity) slot = 0;
    }
    this.items = items;
    this.receipts = receipts;
    this.addedAt = addedAt;
    this.capacity = capacity;
    this.head = 0;
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
    if (this.count === this.capacity) this.grow();
    let slot = this.head + this.count;
    if (slot >= this.capacity) slot -= this.capacity;
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
    if (++this.head === this.capacity) this.head = 0;
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
