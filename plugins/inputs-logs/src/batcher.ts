import type { Accumulator, LogRecordInit } from '@vigil/core';
import type { DeliveredPosition, PositionMark } from './delivered-position.js';
import type { FollowedFile } from './followed-file.js';

export interface BatcherSettings {
  /** Records handed on at a time (batch_size). */
  batchSize: number;
  /** Most records handed on and not yet settled, queued ones included (max_undelivered_lines). */
  maxUndelivered: number;
  /**
   * A delivery group settled, or lines without records were passed: `moved` when some file's
   * delivered position moved (save it). May run during a flush, and after the tailer stopped.
   */
  onSettled(moved: boolean): void;
}

/**
 * Collects records and hands them on `batchSize` at a time (or when flushed), each batch as one
 * delivery group. A file's delivered position, the one saved for restarts, moves only when the
 * groups holding its records have been delivered, in order. Reading stops while
 * `maxUndelivered` records are queued or handed on and unsettled (`full`).
 */
export class Batcher {
  private records: LogRecordInit[] = [];
  private readonly touched = new Set<FollowedFile>();
  private lastTouched?: FollowedFile;
  /** Records handed on whose group has not settled yet. */
  private handedOn = 0;

  constructor(
    private readonly acc: Accumulator,
    private readonly settings: BatcherSettings,
  ) {}

  /** Records handed on and not settled yet. */
  get undelivered(): number {
    return this.handedOn;
  }

  /** No more records may be taken until groups settle. */
  get full(): boolean {
    return this.records.length + this.handedOn >= this.settings.maxUndelivered;
  }

  /** Queues a record from `file`, which has now been read up to `end`. */
  add(record: LogRecordInit, file: FollowedFile, end: number): void {
    this.records.push(record);
    this.advance(file, end);
    // When full, waiting for flush_interval would only hold up the reader: hand on at once.
    if (this.records.length >= this.settings.batchSize || this.full) this.flush();
  }

  /** Notes that `file` was read up to `end` without a record (an empty or skipped line). */
  advance(file: FollowedFile, end: number): void {
    file.queuedEnd = end;
    if (file !== this.lastTouched) {
      this.touched.add(file);
      this.lastTouched = file;
    }
  }

  /** Resolves when the outputs have room for more (see Accumulator.waitForRoom). */
  waitForRoom(): Promise<void> {
    return this.acc.waitForRoom();
  }

  /**
   * Hands every queued record on as one delivery group; each file it read from gets a mark at
   * the offset its records reach, settled with the group. Call it before a file's descriptor is
   * closed (the marks read the bytes before their offsets).
   */
  flush(): void {
    if (this.touched.size === 0) return;
    const records = this.records;
    const files = [...this.touched];
    this.records = [];
    this.touched.clear();
    this.lastTouched = undefined;
    if (records.length === 0) {
      // Only lines without records (empty, too long): nothing to wait for.
      let moved = false;
      for (const file of files) moved = file.delivered.reach(file.queuedEnd, file.checkBefore(file.queuedEnd)) || moved;
      if (moved) this.settings.onSettled(true);
      return;
    }
    const marks = files.map((file): [DeliveredPosition, PositionMark] => [file.delivered, file.delivered.handOn(file.queuedEnd, file.checkBefore(file.queuedEnd))]);
    const count = records.length;
    this.handedOn += count;
    let settled = false;
    const group = this.acc.trackDelivery((delivered) => {
      if (settled) return;
      settled = true;
      this.handedOn -= count;
      let moved = false;
      for (const [position, mark] of marks) moved = position.settle(mark, delivered) || moved;
      this.settings.onSettled(moved);
    });
    for (const record of records) group.addLog(record);
    group.close();
  }
}
