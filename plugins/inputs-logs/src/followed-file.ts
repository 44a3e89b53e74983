import { readSync } from 'node:fs';
import type { ChunkReader } from './chunk-reader.js';

/**
 * Bytes just before the read position kept and compared on every read: a file truncated and
 * written again (copytruncate) no longer has them there, even when it has grown past our offset.
 */
const CHECK_BYTES = 32;
/** How far into a newly opened file NUL bytes mark it as binary. */
const BINARY_SNIFF_BYTES = 4096;

/** Receives what a file's reads find. */
export interface LineHandler {
  /** A complete line, without its line break, spanning bytes `start` to `end` (past the `\n`). */
  line(file: FollowedFile, text: string, start: number, end: number, readAt: number): void;
  /** A line longer than max_line_bytes, left out; it ended at `end`. */
  skipped(file: FollowedFile, end: number): void;
}

/**
 * `more`: a full buffer was read, there may be more; `idle`: at the end for now;
 * `truncated`: the file no longer holds what was read (read it again from the start);
 * `binary`: the file is not text.
 */
export type ReadOutcome = 'more' | 'idle' | 'truncated' | 'binary';

/** A multi-line record still collecting its lines. */
export interface PendingRecord {
  lines: string[];
  bytes: number;
  /** When its first line was read: the record's time when the text has none. */
  readAt: number;
  updatedAt: number;
}

/** One open log file and how far it has been read, queued and handed on. */
export class FollowedFile {
  /** Offset of the first byte not yet split into lines. */
  private readPos: number;
  /** Offset past the last complete line handled (not inside a skipped long line). */
  lineEnd: number;
  /** Offset past the last line put into the batch (or skipped). */
  queuedEnd: number;
  /** Offset past the last line handed to the accumulator: what is saved. */
  committed: number;
  /** Time the path stopped naming this file (renamed away); 0 while it still does. */
  drainingSince = 0;
  lastDataAt = Date.now();
  pending?: PendingRecord;
  private readonly check = Buffer.alloc(CHECK_BYTES);
  private checkLength = 0;
  private skippingLongLine = false;
  private sniffed = false;
  private savedOffset = -1;
  private savedCheck = '';

  constructor(
    /** The name it is followed under: the record's source and path tag. */
    public path: string,
    readonly fd: number,
    /** `dev:ino`: what the file is, whatever its name. */
    readonly identity: string,
    offset: number,
  ) {
    this.readPos = offset;
    this.lineEnd = offset;
    this.queuedEnd = offset;
    this.committed = offset;
    this.checkLength = readSyncAt(fd, this.check, Math.min(CHECK_BYTES, offset), offset - Math.min(CHECK_BYTES, offset));
  }

  /**
   * Reads one chunk from where the last read stopped and hands complete lines to `handler`.
   * With `final` (the file is being let go) an unfinished last line counts as a line.
   */
  readChunk(reader: ChunkReader, maxLineBytes: number, handler: LineHandler, final = false): ReadOutcome {
    const back = this.checkLength;
    const from = this.readPos - back;
    const data = reader.read(this.fd, from);
    if (data.length < back || data.compare(this.check, 0, back, 0, back) !== 0) return 'truncated';
    if (data.length === back) return 'idle';
    if (!this.sniffed) {
      this.sniffed = true;
      if (data.subarray(back, back + BINARY_SNIFF_BYTES).includes(0)) return 'binary';
    }
    const atEnd = data.length < reader.size;

    // Where this chunk's lines start and where the next read must start.
    let start = back;
    let skippedEnd = -1;
    if (this.skippingLongLine) {
      const newline = data.indexOf(10, back);
      start = newline < 0 ? data.length : newline + 1;
      if (newline >= 0) skippedEnd = start;
    }
    const last = start < data.length ? data.lastIndexOf(10) : -1;
    let consumed = last >= start ? last + 1 : start;
    const unfinished = data.length - consumed;
    const takeUnfinished = final && atEnd && unfinished > 0;
    const skipUnfinished = !takeUnfinished && unfinished > maxLineBytes;
    if (takeUnfinished || skipUnfinished) consumed = data.length;

    const readAt = Date.now();
    // Only new lines count as activity: an unfinished last line read again and again must not
    // keep a rotated file from being let go.
    if (consumed > back) this.lastDataAt = readAt;
    if (skippedEnd >= 0) {
      this.skippingLongLine = false;
      this.lineEnd = from + skippedEnd;
      handler.skipped(this, this.lineEnd);
    }
    if (last >= start) {
      this.splitLines(data, start, last, from, maxLineBytes, handler, readAt);
      this.lineEnd = from + last + 1;
    }
    if (takeUnfinished) {
      this.handle(handler, data.toString('utf8', data.length - unfinished), from + data.length - unfinished, from + data.length, maxLineBytes, readAt);
      this.lineEnd = from + data.length;
    }
    if (skipUnfinished) this.skippingLongLine = true;
    if (consumed > back) {
      this.readPos = from + consumed;
      const keep = Math.min(CHECK_BYTES, consumed);
      data.copy(this.check, 0, consumed - keep, consumed);
      this.checkLength = keep;
    }
    return atEnd ? 'idle' : 'more';
  }

  /**
   * Hands on the lines in `data[start, last]` (`last` is a line break). ASCII text (nearly
   * every log) is decoded once and cut by character index, which then equals the byte offset;
   * other text is decoded line by line so offsets stay exact.
   */
  private splitLines(data: Buffer, start: number, last: number, from: number, maxLineBytes: number, handler: LineHandler, readAt: number): void {
    const text = data.toString('utf8', start, last);
    if (text.length === last - start) {
      const base = from + start;
      let p = 0;
      while (p <= text.length) {
        let newline = text.indexOf('\n', p);
        if (newline < 0) newline = text.length;
        this.handle(handler, p === 0 && newline === text.length ? text : text.slice(p, newline), base + p, base + newline + 1, maxLineBytes, readAt);
        p = newline + 1;
      }
    } else {
      let p = start;
      while (p <= last) {
        const newline = data.indexOf(10, p);
        this.handle(handler, data.toString('utf8', p, newline), from + p, from + newline + 1, maxLineBytes, readAt);
        p = newline + 1;
      }
    }
  }

  /** One line read from bytes `start` to `end` (past its line break, if it has one). */
  private handle(handler: LineHandler, line: string, start: number, end: number, maxLineBytes: number, readAt: number): void {
    if (end - start - 1 > maxLineBytes) return handler.skipped(this, end);
    const crlf = line.length > 0 && line.charCodeAt(line.length - 1) === 13;
    handler.line(this, crlf ? line.slice(0, -1) : line, start, end, readAt);
  }

  /** After a truncation: everything now in the file is new. */
  restartFromBeginning(): void {
    this.readPos = this.lineEnd = this.queuedEnd = this.committed = 0;
    this.checkLength = 0;
    this.skippingLongLine = false;
    this.pending = undefined;
    this.savedOffset = -1;
  }

  /** Where a restart should resume, with the bytes before it (hex) to recognise the file by. */
  savedPosition(): { path: string; identity: string; offset: number; check: string } {
    if (this.committed !== this.savedOffset) {
      this.savedCheck = readCheckBytes(this.fd, this.committed);
      this.savedOffset = this.committed;
    }
    return { path: this.path, identity: this.identity, offset: this.committed, check: this.savedCheck };
  }
}

/** The (up to) 32 bytes before `offset` in hex; '' when they cannot be read. */
export function readCheckBytes(fd: number, offset: number): string {
  const length = Math.min(CHECK_BYTES, offset);
  const bytes = Buffer.alloc(length);
  return readSyncAt(fd, bytes, length, offset - length) === length ? bytes.toString('hex') : '';
}

/** Reads `length` bytes at `position` into `into` (a few bytes: sync is cheaper than a thread hop); 0 on failure. */
function readSyncAt(fd: number, into: Buffer, length: number, position: number): number {
  if (length === 0) return 0;
  try {
    return readSync(fd, into, 0, length, position);
  } catch {
    return 0;
  }
}
