import type { Receipt } from '../buffers/buffer.js';

/**
 * A group of items an input wants to hear about once they are safe (Telegraf's tracking
 * metrics). Each output that buffers an item of the group holds the group once per item, and its
 * buffer settles that hold when the item is written, stored on disk, or dropped or rejected (counted).
 * The group settles after it is closed and its last hold settled.
 */
export class Delivery implements Receipt {
  private holds = 0;
  private closed = false;
  private delivered = true;

  constructor(private readonly onSettled: (delivered: boolean) => void) {}

  /** An output took an item of the group into its buffer. */
  hold(): void {
    this.holds++;
  }

  settle(delivered: boolean): void {
    if (!delivered) this.delivered = false;
    this.holds--;
    this.settleIfDone();
  }

  close(): void {
    this.closed = true;
    this.settleIfDone();
  }

  private settleIfDone(): void {
    if (!this.closed || this.holds !== 0) return;
    this.holds = -1; // settled once
    this.onSettled(this.delivered);
  }
}

/** Where an item entered the pipeline: the input (for back-pressure) and its delivery group, if tracked. */
export interface ItemSource {
  readonly inputId: string;
  readonly delivery?: Delivery;
}
