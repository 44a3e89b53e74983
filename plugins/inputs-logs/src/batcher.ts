import type { Accumulator, LogRecordInit } from '@vigil/core';
import type { FollowedFile } from './followed-file.js';

/**
 * Collects records and hands them to the accumulator `size` at a time (or when flushed). A
 * file's committed offset, the one saved for restarts, moves only when its records have been
 * handed on, so a restart neither repeats nor skips a line.
 */
export class Batcher {
  private records: LogRecordInit[] = [];
  private readonly touched = new Set<FollowedFile>();
  private lastTouched?: FollowedFile;

  constructor(
    private readonly acc: Accumulator,
    private readonly size: number,
  ) {}

  /** Queues a record from `file`, which has now been read up to `end`. */
  add(record: LogRecordInit, file: FollowedFile, end: number): void {
    this.records.push(record);
    this.advance(file, end);
    if (this.records.length >= this.size) this.flush();
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

  /** Hands every queued record on and commits the offsets they reach. */
  flush(): void {
    const records = this.records;
    this.records = [];
    for (const record of records) this.acc.addLog(record);
    for (const file of this.touched) file.committed = file.queuedEnd;
    this.touched.clear();
    this.lastTouched = undefined;
  }
}
