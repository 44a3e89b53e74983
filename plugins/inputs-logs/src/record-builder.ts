import type { LogRecordInit, Tags } from '@vigil/core';
import type { Batcher } from './batcher.js';
import type { FollowedFile, LineHandler } from './followed-file.js';
import type { LineParser } from './formats/index.js';

export interface RecordOptions {
  /** A line that does not match starts no record: it continues the previous one. */
  multiline?: RegExp;
  /** Tag naming the file ('' for none). */
  pathTag: string;
  /** Most bytes a record (one line, or a multi-line record) may hold. */
  maxLineBytes: number;
  /** Told of each line left out: too long, or binary data. */
  onSkipped(file: FollowedFile, why: 'long' | 'binary'): void;
}

/** Turns lines into log records (joining multi-line records) and queues them in the batch. */
export class RecordBuilder implements LineHandler {
  constructor(
    private readonly parse: LineParser,
    private readonly batch: Batcher,
    private readonly options: RecordOptions,
  ) {}

  get full(): boolean {
    return this.batch.full;
  }

  line(file: FollowedFile, text: string, start: number, end: number, readAt: number): void {
    const { multiline, maxLineBytes } = this.options;
    if (!multiline) {
      if (text.length === 0) this.batch.advance(file, end);
      else this.batch.add(this.record(file, text, readAt), file, end);
      return;
    }
    const pending = file.pending;
    if (!pending && text.length === 0) return this.batch.advance(file, end);
    if (pending && !multiline.test(text) && pending.bytes + text.length < maxLineBytes) {
      pending.lines.push(text);
      pending.bytes += text.length + 1;
      pending.updatedAt = readAt;
      return;
    }
    if (pending) this.batch.add(this.record(file, pending.lines.join('\n'), pending.readAt), file, start);
    file.pending = { lines: [text], bytes: text.length, readAt, updatedAt: readAt };
  }

  skipped(file: FollowedFile, end: number, why: 'long' | 'binary'): void {
    this.options.onSkipped(file, why);
    // Inside a multi-line record the offset stays at the record's start until it is complete.
    if (!file.pending) this.batch.advance(file, end);
  }

  /** Completes a multi-line record whose next line has not come (its file went quiet, changed or is released). */
  finishPending(file: FollowedFile): void {
    const pending = file.pending;
    if (!pending) return;
    file.pending = undefined;
    this.batch.add(this.record(file, pending.lines.join('\n'), pending.readAt), file, file.lineEnd);
  }

  /** The parsed line made the record itself: one object less per line. */
  private record(file: FollowedFile, text: string, readAt: number): LogRecordInit {
    const record: LogRecordInit = this.parse(text, readAt);
    if (Number.isNaN(record.timestamp)) record.timestamp = readAt;
    record.source = file.path;
    // A fresh tags object per record: the pipeline adds to it.
    const tags: Tags = {};
    if (this.options.pathTag) tags[this.options.pathTag] = file.path;
    record.tags = tags;
    return record;
  }
}
