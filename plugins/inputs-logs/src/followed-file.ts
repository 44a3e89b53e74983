import { isAscii, isUtf8 } from 'node:buffer';
import { readSync } from 'node:fs';
import type { ChunkReader } from './chunk-reader.js';
import { DeliveredPosition } from './delivered-position.js';

/**
 * Bytes just before the read position kept and compared on every read: a file truncated and
 * written again (copytruncate) no longer has them there, even when it has grown past our offset.
 */
const CHECK_BYTES = 32;
/** ASCII text is decoded this much at a time (and then to the next line break). */
const ASCII_PIECE_BYTES = 16 * 1024;

/** Receives what a file's reads find. */
export interface LineHandler {
  /** A complete line, without its line break, spanning bytes `start` to `end` (past the `\n`). */
  line(file: FollowedFile, text: string, start: number, end: number, readAt: number): void;
  /** A line left out (longer than max_line_bytes, or binary data); it ended at `end`. */
  skipped(file: FollowedFile, end: number, why: 'long' | 'binary'): void;
  /** No more records may be taken for now (max_undelivered_lines): the read stops before the next line. */
  readonly full: boolean;
}

/**
 * `more`: a full buffer was read, there may be more; `idle`: at the end for now;
 * `truncated`: the file no longer holds what was read (read it again from the start);
 * `full`: the handler took all it may for now (read on later).
 */
export type ReadOutcome = 'more' | 'idle' | 'truncated' | 'full';

/**
 * Whether a line is text: valid UTF-8 with no control character but tab, carriage return and
 * escape (colours). Inside binary data nearly every stretch between two `\n` bytes fails this.
 */
function isText(data: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = data[i];
    if ((c < 32 && c !== 9 && c !== 13 && c !== 27) || c === 127) return false;
  }
  return isUtf8(data.subarray(start, end));
}

/** A multi-line record still collecting its lines. */
export interface PendingRecord {
  lines: string[];
  bytes: number;
  /** When its first line was read: the record's time when the text has none. */
  readAt: number;
  updatedAt: number;
}

/** One open log file and how far it has been read, queued, handed on and delivered. */
export class FollowedFile {
  /** Offset of the first byte not yet split into lines. */
  private readPos: number;
  /** Offset past the last complete line handled (not inside a skipped long line). */
  lineEnd: number;
  /** Offset past the last line put into the batch (or skipped). */
  queuedEnd: number;
  /** How far its records have been delivered: what is saved for a restart. */
  delivered: DeliveredPosition;
  /**
   * What the file is by content (see fingerprinter.ts); undefined until it holds enough to
   * tell, and again after a truncation.
   */
  fingerprint?: string;
  /** Found too short to fingerprint: not read until it can be told from a copy of a file followed. */
  awaitingFingerprint = false;
  /** Time the path stopped naming this file (renamed away); 0 while it still does. */
  drainingSince = 0;
  /** Being released: read to its very end (an unfinished last line included), then closed. */
  finishing = false;
  lastDataAt = Date.now();
  pending?: PendingRecord;
  private readonly check = Buffer.alloc(CHECK_BYTES);
  private checkLength = 0;
  private skippingLongLine = false;
  /** Why the line being skipped is left out (reported when it ends). */
  private skippingWhy: 'long' | 'binary' = 'long';
  /** Inside binary data: lines are left out until one is text again. */
  private inBinary = false;
  /** The chunk being split into lines, and its offset in the file: where batches ending in it take their check bytes. */
  private chunk?: Buffer;
  private chunkFrom = 0;

  constructor(
    /** The name it is followed under: the record's source and path tag. */
    public path: string,
    readonly fd: number,
    /** `dev:ino`: what the file is, whatever its name. */
    readonly identity: string,
    offset: number,
    /** Carried over when a file released is followed again with deliveries still pending. */
    delivered?: DeliveredPosition,
  ) {
    this.readPos = offset;
    this.lineEnd = offset;
    this.queuedEnd = offset;
    this.checkLength = readSyncAt(fd, this.check, Math.min(CHECK_BYTES, offset), offset - Math.min(CHECK_BYTES, offset));
    this.delivered = delivered ?? new DeliveredPosition(offset, this.readCheck());
  }

  /**
   * Reads one chunk from where the last read stopped and hands complete lines to `handler`,
   * stopping early when the handler is full. With `final` (the file is being released) an
   * unfinished last line counts as a line.
   */
  readChunk(reader: ChunkReader, maxLineBytes: number, handler: LineHandler, final = false): ReadOutcome {
    if (handler.full) return 'full';
    const back = this.checkLength;
    const from = this.readPos - back;
    const data = reader.read(this.fd, from);
    if (data.length < back || data.compare(this.check, 0, back, 0, back) !== 0) return 'truncated';
    if (data.length === back) return 'idle';
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
    // An unfinished line of binary data (an archive without a line break) is left out as it comes.
    const binaryUnfinished = unfinished > 0 && data.indexOf(0, consumed) >= 0;
    const skipUnfinished = binaryUnfinished || (!takeUnfinished && unfinished > maxLineBytes);
    if (takeUnfinished || skipUnfinished) consumed = data.length;

    const readAt = Date.now();
    this.chunk = data;
    this.chunkFrom = from;
    let full = false;
    try {
      if (skippedEnd >= 0) {
        this.skippingLongLine = false;
        this.lineEnd = from + skippedEnd;
        handler.skipped(this, this.lineEnd, this.skippingWhy);
      }
      if (last >= start) {
        const stop = this.splitLines(data, start, last, from, maxLineBytes, handler, readAt);
        this.lineEnd = from + stop;
        if (stop <= last) {
          // The handler filled up: the rest of the chunk is read again later.
          full = true;
          consumed = stop;
        }
      }
      if (!full && takeUnfinished && !binaryUnfinished) {
        if (handler.full) {
          full = true;
          consumed = data.length - unfinished;
        } else {
          this.handle(handler, data.toString('utf8', data.length - unfinished), from + data.length - unfinished, from + data.length, maxLineBytes, readAt);
          this.lineEnd = from + data.length;
        }
      }
    } finally {
      // The reader's buffer is reused by the next read.
      this.chunk = undefined;
    }
    if (!full && skipUnfinished && !this.skippingLongLine) {
      this.skippingLongLine = true;
      this.skippingWhy = binaryUnfinished ? 'binary' : 'long';
      // Said at once: binary data may never reach a line break.
      if (binaryUnfinished) {
        this.inBinary = true;
        handler.skipped(this, this.lineEnd, 'binary');
      }
    }
    if (consumed > back) {
      // Only new lines count as activity: an unfinished last line read again and again must not
      // keep a rotated file from being released.
      this.lastDataAt = readAt;
      this.readPos = from + consumed;
      const keep = Math.min(CHECK_BYTES, consumed);
      data.copy(this.check, 0, consumed - keep, consumed);
      this.checkLength = keep;
    }
    return full ? 'full' : atEnd ? 'idle' : 'more';
  }

  /**
   * Hands on the lines in `data[start, last]` (`last` is a line break). ASCII text (nearly
   * every log) is decoded some lines at a time and cut by character index, which then equals
   * the byte offset; other text is decoded line by line so offsets stay exact. Returns where in `data` it
   * stopped: `last + 1`, or the start of the first line left for later when the handler filled up.
   */
  private splitLines(data: Buffer, start: number, last: number, from: number, maxLineBytes: number, handler: LineHandler, readAt: number): number {
    // A NUL byte starts binary data (an archive appended, a file preallocated with zeros).
    const nul = data.indexOf(0, start);
    if (this.inBinary || (nul >= 0 && nul < last)) return this.splitAroundBinary(data, start, last, from, maxLineBytes, handler, readAt);
    if (isAscii(data.subarray(start, last))) {
      let p = start;
      while (p <= last && !handler.full) {
        // A piece at a time, ending at a line break: the handler may fill up well before the
        // chunk's end, and what it did not take is decoded again at the next read.
        const end = p + ASCII_PIECE_BYTES >= last ? last : data.indexOf(10, p + ASCII_PIECE_BYTES);
        // ASCII decodes as Latin-1 to the same text, without the UTF-8 decoder's work.
        const text = data.toString('latin1', p, end);
        const base = from + p;
        let q = 0;
        while (q <= text.length && !handler.full) {
          let newline = text.indexOf('\n', q);
          if (newline < 0) newline = text.length;
          this.handle(handler, q === 0 && newline === text.length ? text : text.slice(q, newline), base + q, base + newline + 1, maxLineBytes, readAt);
          q = newline + 1;
        }
        p += q;
      }
      return p;
    }
    let p = start;
    while (p <= last && !handler.full) {
      const newline = data.indexOf(10, p);
      this.handle(handler, data.toString('utf8', p, newline), from + p, from + newline + 1, maxLineBytes, readAt);
      p = newline + 1;
    }
    return p;
  }

  /**
   * Line by line, leaving out binary data: from a line holding a NUL byte up to the next line
   * that is text. The same rule for a file that starts with binary data and for binary data
   * appended to a file being followed.
   */
  private splitAroundBinary(data: Buffer, start: number, last: number, from: number, maxLineBytes: number, handler: LineHandler, readAt: number): number {
    let p = start;
    let nul = -1;
    while (p <= last && !handler.full) {
      const newline = data.indexOf(10, p);
      if (nul < p) nul = data.indexOf(0, p) >>> 0; // none: past every offset
      if (this.inBinary ? !isText(data, p, newline) : nul < newline) {
        this.inBinary = true;
        handler.skipped(this, from + newline + 1, 'binary');
      } else {
        this.inBinary = false;
        this.handle(handler, data.toString('utf8', p, newline), from + p, from + newline + 1, maxLineBytes, readAt);
      }
      p = newline + 1;
    }
    return p;
  }

  /** One line read from bytes `start` to `end` (past its line break, if it has one). */
  private handle(handler: LineHandler, line: string, start: number, end: number, maxLineBytes: number, readAt: number): void {
    if (end - start - 1 > maxLineBytes) return handler.skipped(this, end, 'long');
    const crlf = line.length > 0 && line.charCodeAt(line.length - 1) === 13;
    handler.line(this, crlf ? line.slice(0, -1) : line, start, end, readAt);
  }

  /**
   * After a truncation: everything now in the file is new. Once what was handed on before is
   * delivered, a restart reads it from its start. Returns whether the delivered position moved.
   */
  restartFromBeginning(): boolean {
    this.readPos = this.lineEnd = this.queuedEnd = 0;
    this.checkLength = 0;
    this.skippingLongLine = false;
    this.inBinary = false;
    this.pending = undefined;
    this.fingerprint = undefined;
    return this.delivered.reach(0, '');
  }

  /**
   * After a truncation whose copy was found (and took over this file's delivered position with
   * what was read before): this file starts anew, delivered from 0.
   */
  startAnew(): void {
    this.delivered = new DeliveredPosition(0, '');
    this.restartFromBeginning();
  }

  /** Offset of the first byte not yet read into lines. */
  get readOffset(): number {
    return this.readPos;
  }

  /** The bytes before the read offset (hex), as read. */
  readCheck(): string {
    return this.check.toString('hex', 0, this.checkLength);
  }

  /**
   * The bytes before `offset`, a line end already read (hex), as they were read; '' when the
   * file no longer holds what was read (truncated since), so a restart does not trust the offset.
   */
  checkBefore(offset: number): string {
    const start = offset - Math.min(CHECK_BYTES, offset);
    // A batch filled during a read: the bytes are in the chunk at hand.
    if (this.chunk && start >= this.chunkFrom && offset <= this.chunkFrom + this.chunk.length) return this.chunk.toString('hex', start - this.chunkFrom, offset - this.chunkFrom);
    const read = this.readCheck();
    if (offset === this.readPos) return read;
    // Flushed later (flush_interval, a file released): the same test a read makes tells that the
    // file still holds what was read, and so the bytes before `offset` are those read then.
    if (readCheckBytes(this.fd, this.readPos) !== read) return '';
    return readCheckBytes(this.fd, offset);
  }

  /** Where a restart should resume: how far the file has been delivered, with the bytes before it (hex). */
  savedPosition(): { path: string; identity: string; fingerprint?: string; offset: number; check: string } {
    return { path: this.path, identity: this.identity, fingerprint: this.fingerprint, offset: this.delivered.offset, check: this.delivered.check };
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
