import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, truncate, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Item } from '../../model/item.js';
import type { BufferedBatch, BufferEvents, ItemBuffer, Receipt, WhenFull } from '../buffer.js';
import { countHeld, heldRanges, readAckState, writeAckState, type AckState, type OpenBatch } from './acknowledgements.js';
import { readOrCreateBufferId } from './buffer-id.js';
import { claimDirectory, releaseDirectory } from './directory-lock.js';
import { ByteWriter } from './item-codec.js';
import { appendRecord } from './record-framing.js';
import { listSegmentFiles, scanSegment, Segment, segmentFileName } from './segment-files.js';
import { SegmentReader, type ReadRecords } from './segment-reader.js';
import { RecentItems } from './recent-items.js';
import { createReserve, releaseReserve, syncDirectory, TEMP_SUFFIX } from './state-files.js';

/**
 * A buffer on disk: items are appended to segment files as checksummed records and read back
 * from them, so that only the batch in flight and what waits for the next write are in memory.
 *
 * What survives what:
 *   | event                       | what is kept                                                         | counted as             |
 *   | close() (SIGTERM, SIGHUP)   | everything: queued items are written and fsynced first                | —                      |
 *   | kill -9, a crash            | every item whose receipt settled: it settles once its write returned  | —                      |
 *   | power loss                  | what the last fsync covered: each commit when buffer_sync_interval   | —                      |
 *   |                             | is 0 (receipts then wait for it), else at most that interval's worth |                        |
 *   | a damaged record            | all but the records the damage covers                                 | dropped "damaged"      |
 *   | a torn last write           | all whole records before it                                           | (it never settled)     |
 *   | a full disk                 | what was written; what arrives is dropped until writing works         | dropped "disk full"    |
 * After any restart the batch that was in flight is offered again under the same id, and no
 * acknowledged item comes back.
 */
export interface DiskBufferOptions {
  /** This output's own directory; created if missing. */
  directory: string;
  /** `metric_buffer_limit`: at most this many items held. */
  limit: number;
  /** `buffer_max_size`: at most this many bytes of segment files. */
  maxBytes: number;
  whenFull: WhenFull;
  /** `buffer_sync_interval`: fsync at most this often; 0 fsyncs every commit. */
  syncIntervalMs: number;
  /** Default 8 MiB; never more than half of `maxBytes`, so that a drained segment cannot fill the buffer. */
  segmentBytes?: number;
  log: Logger;
  events: BufferEvents;
}

const DEFAULT_SEGMENT_BYTES = 8 * 1024 * 1024;
/** A queue this large is written at once instead of at the end of the event-loop turn. */
const COMMIT_BYTES = 1024 * 1024;
const SPARE_WRITERS = 4;
/** How many of the items appended last are kept as objects, so batches formed soon need no read-back. */
const RECENT_ITEMS = 10_000;
/** Acknowledged segments are deleted at most this often (each deletion costs two fsyncs), or at once on a full disk. */
const DELETE_INTERVAL_MS = 1000;

/** Records encoded and waiting for their write; one chunk never spans two segments. */
interface PendingChunk {
  writer: ByteWriter;
  firstSeq: number;
  /** One per record; cleared when the record is dropped while it waits. */
  receipts: (Receipt | undefined)[];
  firstAddedAt: number;
  /** Written to a new segment named by `firstSeq`, not appended to the last one. */
  startsSegment: boolean;
}

interface DiskBatch extends BufferedBatch {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstAddedAt: number;
}

const errorCode = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;
const isDiskFull = (err: unknown) => errorCode(err) === 'ENOSPC' || errorCode(err) === 'EDQUOT';
const message = (err: unknown) => String((err as Error | undefined)?.message ?? err);

export class DiskBuffer implements ItemBuffer {
  readonly strategy = 'disk';
  readonly limit: number;
  private readonly directory: string;
  private readonly maxBytes: number;
  private readonly whenFull: WhenFull;
  private readonly syncIntervalMs: number;
  private readonly segmentBytes: number;
  private readonly log: Logger;
  private readonly events: BufferEvents;
  private readonly reader = new SegmentReader((segment, from, to) => this.damageFound(segment, from, to));

  /** Oldest first; the last one is where records are appended. */
  private segments: Segment[] = [];
  /** Segments that hold nothing unacknowledged, deleted once the state saying so is durable. */
  private retired: Segment[] = [];
  private appendHandle?: FileHandle;
  /** Handles of segments written since the last fsync and since left behind by a roll. */
  private unsynced: FileHandle[] = [];
  private directoryChanged = false;

  private acknowledgedThrough = 0;
  private droppedThrough = 0;
  private inFlight?: DiskBatch;
  /**
   * Formed by `remove` while a backlog holds a full batch, so that one state write records both
   * the acknowledgement and the new batch (half the writes while draining). Handed out by the
   * next `nextBatch` of the same size; given up for another size or when `drop_oldest` needs
   * to drop (it is not in flight yet), and then formed again.
   */
  private formedAhead?: { batch: DiskBatch; max: number };
  /** The batch that was in flight when the buffer was last stopped, until it is offered again. */
  private reopened?: OpenBatch;
  private nextSeq = 1;
  private readonly recent = new RecentItems(RECENT_ITEMS);
  private held = 0;
  private storedBytes = 0;
  private queuedBytes = 0;

  private open?: PendingChunk;
  private sealed: PendingChunk[] = [];
  private writing: PendingChunk[] = [];
  private spareWriters: ByteWriter[] = [];
  /** Bytes the segment the next record goes to will have once everything queued is written. */
  private tailBytes = 0;
  private rollRequested = false;

  private io: Promise<unknown> = Promise.resolve();
  private commitScheduled = false;
  private syncTimer?: NodeJS.Timeout;
  private lastSync = 0;
  private deleteTimer?: NodeJS.Timeout;
  private lastDelete = 0;
  /** The size last asked of `nextBatch`, for forming the next batch ahead on `remove`. */
  private batchMax = 0;
  private stateDirty = false;
  private reserveMissing = false;
  /** Set while writes fail: logged when it starts and when it ends, not per item. */
  private writeFailure?: { reason: string; dropped: number };
  private stateFailureLogged = false;
  private unstorableLogged = false;
  private readonly damageLogged = new Set<string>();
  private closed = false;
  private closing?: Promise<number>;
  /** No more disk operations: closed, or a crash simulated. */
  private stopped = false;

  private constructor(
    options: DiskBufferOptions,
    private readonly bufferId: string,
  ) {
    this.directory = options.directory;
    this.limit = options.limit;
    this.maxBytes = options.maxBytes;
    this.whenFull = options.whenFull;
    this.syncIntervalMs = options.syncIntervalMs;
    this.segmentBytes = Math.max(1, Math.min(options.segmentBytes ?? DEFAULT_SEGMENT_BYTES, Math.floor(options.maxBytes / 2)));
    this.log = options.log;
    this.events = options.events;
  }

  /**
   * Opens (or creates) the buffer in `options.directory`, verifying every record: damage costs
   * the damaged records alone and is reported, a torn last write is cut off. Throws only when
   * the directory cannot be used.
   */
  static async open(options: DiskBufferOptions): Promise<DiskBuffer> {
    const { directory } = options;
    const unusable = (err: unknown) => new Error(`disk buffer directory ${directory} cannot be used: ${message(err)}`);
    let bufferId: string;
    try {
      await mkdir(directory, { recursive: true });
      await claimDirectory(directory);
      bufferId = await readOrCreateBufferId(directory, (text) => options.log.warn(text));
    } catch (err) {
      throw unusable(err);
    }
    const buffer = new DiskBuffer(options, bufferId);
    try {
      await buffer.load();
    } catch (err) {
      await buffer.releaseFiles();
      throw unusable(err);
    }
    return buffer;
  }

  /** Items held, the batch in flight and those waiting for their write included. */
  get length(): number {
    return this.held;
  }

  /** Bytes of the segments holding items, and of items waiting for their write. */
  get bytes(): number {
    return this.storedBytes + this.queuedBytes;
  }

  get full(): boolean {
    return this.held >= this.limit || this.storedBytes + this.queuedBytes >= this.maxBytes;
  }

  /**
   * Exact for the batch in flight (the add time is in each record's header); otherwise the add
   * time of the nearest mark at or before the oldest record, kept once a second, so at most a
   * second older than it: this keeps no per-item state in memory.
   */
  get oldestAt(): number | undefined {
    if (this.held === 0) return undefined;
    const batch = this.inFlight ?? this.formedAhead?.batch;
    if (batch) return batch.firstAddedAt;
    const from = this.reopened?.firstSeq ?? this.firstLiveAfterBatch();
    for (const segment of this.segments) {
      if (segment.endSeq < from) continue;
      const seq = segment.firstPresentFrom(from);
      if (seq !== undefined) return segment.markAtOrBefore(seq)?.addedAt;
    }
    return this.pendingChunks().find((chunk) => chunk.firstSeq + chunk.receipts.length > from)?.firstAddedAt;
  }

  add(item: Item, receipt?: Receipt): void {
    if (this.closed) return this.drop(receipt, 'closed');
    if (this.full && !this.makeRoom()) return this.drop(receipt, 'newest');
    const seq = this.nextSeq;
    const now = Date.now();
    let chunk = this.chunkFor(seq, now);
    const start = chunk.writer.pos;
    let size: number;
    try {
      size = appendRecord(chunk.writer, seq, now, item);
    } catch (err) {
      if (!this.unstorableLogged) {
        this.unstorableLogged = true;
        this.log.warn(`disk buffer ${this.directory}: an item cannot be stored (${message(err)}); such items are dropped`);
      }
      return this.drop(receipt, 'unstorable');
    }
    if (this.tailBytes > 0 && this.tailBytes + size > this.segmentBytes) chunk = this.moveToNewSegment(chunk, start, size, seq, now);
    if (chunk.receipts.length === 0) chunk.firstAddedAt = now;
    chunk.receipts.push(receipt);
    this.recent.push(seq, item, now);
    this.nextSeq++;
    this.held++;
    this.queuedBytes += size;
    this.tailBytes += size;
    if (chunk.writer.pos >= COMMIT_BYTES) {
      this.sealOpen();
      this.background(() => this.writeSealed());
    } else if (!this.commitScheduled) {
      this.commitScheduled = true;
      setImmediate(this.commitTurn);
    }
  }

  nextBatch(max: number): BufferedBatch | undefined | Promise<BufferedBatch | undefined> {
    if (this.inFlight) return this.inFlight;
    if (this.formedAhead?.max === max) return this.handOut(this.formedAhead.batch);
    this.formedAhead = undefined;
    if (this.closed || max <= 0) return undefined;
    this.batchMax = max;
    return this.enqueue(() => this.formBatch(max));
  }

  remove(batch: BufferedBatch): void | Promise<void> {
    if (!this.inFlight || batch !== this.inFlight) return;
    this.acknowledgedThrough = Math.max(this.acknowledgedThrough, this.inFlight.lastSeq);
    this.inFlight = undefined;
    this.held -= batch.items.length;
    this.stateDirty = true;
    this.retireConsumed();
    return this.enqueue(async () => {
      if (!this.inFlight && !this.formedAhead && this.batchMax > 0 && this.held >= this.batchMax) await this.formBatch(this.batchMax, true);
      else await this.saveProgress();
    });
  }

  /** Writes and fsyncs what is queued, saves the state and closes the files; it all stays for the next open. */
  close(): Promise<number> {
    this.closing ??= this.closeFiles();
    return this.closing;
  }

  private async closeFiles(): Promise<number> {
    this.closed = true;
    clearTimeout(this.syncTimer);
    clearTimeout(this.deleteTimer);
    await this.enqueue(async () => {
      this.sealOpen();
      await this.writeSealed();
      await this.syncData().catch((err) => this.log.warn(`disk buffer ${this.directory}: fsync at close failed: ${message(err)}`));
      this.stateDirty = true;
      await this.saveProgress({ durable: true, deleteNow: true });
      await this.releaseFiles();
      await releaseDirectory(this.directory);
      this.stopped = true;
      clearTimeout(this.deleteTimer);
    });
    return 0;
  }

  /**
   * For tests: stops as a killed process would. The disk operation under way completes; nothing
   * queued is written, no state is saved, no receipt settles; timers and files are released.
   */
  async simulateCrash(): Promise<void> {
    this.closed = this.stopped = true;
    clearTimeout(this.syncTimer);
    clearTimeout(this.deleteTimer);
    this.open = undefined;
    this.sealed = [];
    await this.io.catch(() => undefined);
    clearTimeout(this.deleteTimer);
    await this.releaseFiles();
  }

  // ---- opening

  private async load(): Promise<void> {
    const dir = this.directory;
    for (const name of await readdir(dir)) {
      if (name.endsWith(TEMP_SUFFIX)) await unlink(join(dir, name)).catch(() => undefined);
    }
    const state = await readAckState(dir);
    const files = await listSegmentFiles(dir);
    for (let i = 0; i < files.length; i++) {
      const { firstSeq, path } = files[i]!;
      const last = i === files.length - 1;
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (err) {
        this.log.error(`disk buffer ${dir}: segment ${path} cannot be read (${message(err)}); its records are lost`);
        bytes = Buffer.alloc(0);
      }
      const { segment, intactEnd } = scanSegment(bytes, firstSeq, path, last ? Infinity : files[i + 1]!.firstSeq - 1);
      if (last && bytes.length > intactEnd) {
        await truncate(path, intactEnd);
        this.log.info(`disk buffer ${dir}: cut ${bytes.length - intactEnd} bytes of an unfinished write from the end of segment ${path}`);
      }
      this.segments.push(segment);
    }
    if (state === 'unreadable') {
      this.acknowledgedThrough = this.droppedThrough = (files[0]?.firstSeq ?? 1) - 1;
      this.log.warn(`disk buffer ${dir}: its acknowledgement state is damaged; everything still in its segments will be sent again`);
    } else if (state) {
      this.acknowledgedThrough = state.acknowledgedThrough;
      this.droppedThrough = state.droppedThrough;
      if (state.openBatch && state.openBatch.lastSeq > state.acknowledgedThrough) this.reopened = state.openBatch;
    }
    const lastSegment = this.segments[this.segments.length - 1];
    this.nextSeq =
      Math.max(lastSegment?.endSeq ?? 0, (lastSegment?.firstSeq ?? 1) - 1, this.acknowledgedThrough, this.droppedThrough, this.reopened?.lastSeq ?? 0) + 1;
    for (const segment of this.segments) {
      this.held += this.liveIn(segment);
      this.storedBytes += segment.size;
      const lost = segment.gaps.reduce((n, gap) => n + countHeld(this.heldRanges(), gap.from, gap.to), 0);
      if (lost > 0) this.reportDamage(segment, lost);
    }
    // Appending after a gap in sequence numbers would read as damage at the next open.
    this.tailBytes = lastSegment?.size ?? 0;
    this.rollRequested = !lastSegment || lastSegment.size >= this.segmentBytes || lastSegment.endSeq + 1 !== this.nextSeq;
    this.retireConsumed();
    this.stateDirty = true;
    await this.saveProgress({ durable: true, deleteNow: true, mustSucceed: true });
    await this.makeReserve();
  }

  // ---- adding

  private drop(receipt: Receipt | undefined, reason: string): void {
    receipt?.settle(true);
    this.events.dropped(1, reason);
  }

  /** `drop_oldest`: makes room by dropping the oldest items not in flight; false when it cannot. */
  private makeRoom(): boolean {
    if (this.whenFull !== 'drop_oldest') return false;
    while (this.storedBytes + this.queuedBytes >= this.maxBytes) {
      if (!this.dropOldestSegment('oldest')) {
        // Everything stored shares a segment with the batch in flight or with new items: start
        // a new segment, so that the next overflow has a whole one to drop.
        this.rollRequested = true;
        return false;
      }
    }
    return this.held < this.limit || this.dropOldestItem();
  }

  /** The first sequence number after the batch in flight and what was dropped. */
  private firstLiveAfterBatch(): number {
    return Math.max(this.batchEnd(), this.droppedThrough) + 1;
  }

  private giveUpFormedAhead(): void {
    if (!this.formedAhead) return;
    this.formedAhead = undefined;
    this.stateDirty = true;
  }

  private dropOldestItem(): boolean {
    this.giveUpFormedAhead();
    const from = this.firstLiveAfterBatch();
    for (const segment of this.segments) {
      if (segment.endSeq < from) continue;
      const seq = segment.firstPresentFrom(from);
      if (seq === undefined) continue;
      this.dropThrough(seq, 1, 'oldest');
      if (seq === segment.endSeq) this.retireConsumed();
      return true;
    }
    const chunks = this.pendingChunks();
    const seq = Math.max(from, chunks[0]?.firstSeq ?? Infinity);
    const chunk = chunks.find((c) => seq < c.firstSeq + c.receipts.length);
    if (!chunk) return false;
    chunk.receipts[seq - chunk.firstSeq]?.settle(true);
    chunk.receipts[seq - chunk.firstSeq] = undefined;
    this.dropThrough(seq, 1, 'oldest');
    return true;
  }

  /** Drops every item through the end of the oldest segment that holds none of the batch in flight. */
  private dropOldestSegment(reason: string): boolean {
    this.giveUpFormedAhead();
    const batchEnd = this.batchEnd();
    const from = this.firstLiveAfterBatch();
    const candidate = this.segments.slice(0, -1).find((s) => s.firstSeq > batchEnd && s.endSeq >= from);
    if (!candidate) return false;
    const count = this.segments.reduce((n, s) => n + s.countPresent(from, candidate.endSeq), 0);
    this.dropThrough(candidate.endSeq, count, reason);
    this.retireConsumed();
    return true;
  }

  private dropThrough(seq: number, count: number, reason: string): void {
    this.droppedThrough = seq;
    this.held -= count;
    this.stateDirty = true;
    if (count > 0) this.events.dropped(count, reason);
  }

  private chunkFor(seq: number, now: number): PendingChunk {
    if (this.open && !this.rollRequested) return this.open;
    const startsSegment = this.rollRequested || this.tailBytes >= this.segmentBytes;
    if (this.open?.receipts.length === 0) this.recycle(this.open);
    else this.sealOpen();
    this.rollRequested = false;
    if (startsSegment) this.tailBytes = 0;
    this.open = { writer: this.spareWriters.pop() ?? new ByteWriter(COMMIT_BYTES + 64 * 1024), firstSeq: seq, receipts: [], firstAddedAt: now, startsSegment };
    return this.open;
  }

  /** The record just encoded at `start` does not fit its segment: it starts the next one. */
  private moveToNewSegment(chunk: PendingChunk, start: number, size: number, seq: number, now: number): PendingChunk {
    const record = Buffer.from(chunk.writer.buf.subarray(start, start + size));
    chunk.writer.pos = start;
    this.rollRequested = true;
    const next = this.chunkFor(seq, now);
    next.writer.reserve(size);
    record.copy(next.writer.buf, next.writer.pos);
    next.writer.pos += size;
    return next;
  }

  /** An open chunk still empty stays open, so that what it was made for (a new segment) holds. */
  private sealOpen(): void {
    if (!this.open || this.open.receipts.length === 0) return;
    this.sealed.push(this.open);
    this.open = undefined;
  }

  private readonly commitTurn = () => {
    this.commitScheduled = false;
    this.sealOpen();
    this.background(() => this.writeSealed());
  };

  private pendingChunks(): PendingChunk[] {
    return this.open ? [...this.writing, ...this.sealed, this.open] : [...this.writing, ...this.sealed];
  }

  private recycle(chunk: PendingChunk): void {
    chunk.writer.pos = 0;
    if (this.spareWriters.length < SPARE_WRITERS) this.spareWriters.push(chunk.writer);
  }

  // ---- writing

  /** Disk operations run one at a time, in order. */
  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.io.then(() => (this.stopped ? (undefined as T) : op()));
    this.io = run.catch(() => undefined);
    return run;
  }

  private background(op: () => Promise<void>): void {
    this.enqueue(op).catch((err) => this.log.error(`disk buffer ${this.directory}: ${message(err)}`));
  }

  /** Writes the chunks sealed so far: one write per segment they go to. */
  private async writeSealed(): Promise<void> {
    const last = this.sealed[this.sealed.length - 1];
    if (!last) return;
    const written: PendingChunk[] = [];
    // Only what was sealed when it started: a steady stream of adds must not starve reads.
    while (this.sealed.length > 0 && !written.includes(last)) {
      let n = 1;
      while (n < this.sealed.length && !this.sealed[n]!.startsSegment) n++;
      this.writing = this.sealed.splice(0, n);
      if (!(await this.writeGroup(this.writing))) break;
      written.push(...this.writing);
      this.writing = [];
    }
    if (written.includes(last) && this.writeFailure) {
      this.log.info(`disk buffer ${this.directory}: writing works again; ${this.writeFailure.dropped} items were dropped meanwhile (${this.writeFailure.reason})`);
      this.writeFailure = undefined;
    }
    if (written.length > 0) {
      if (this.syncIntervalMs > 0) this.scheduleSync();
      if (this.reserveMissing) await this.makeReserve();
    }
    // The state (what drop_oldest dropped meanwhile) is saved before the receipts settle, so
    // that what a settled receipt promised holds after a crash too.
    await this.saveProgress();
    for (const chunk of written) {
      for (const receipt of chunk.receipts) receipt?.settle(true);
      this.recycle(chunk);
    }
  }

  /** Appends chunks bound for one segment; on failure drops everything queued and returns false. */
  private async writeGroup(group: PendingChunk[]): Promise<boolean> {
    const buffers = group.map((chunk) => chunk.writer.buf.subarray(0, chunk.writer.pos));
    const total = buffers.reduce((n, b) => n + b.length, 0);
    for (let attempt = 0; ; attempt++) {
      let segment: Segment | undefined;
      try {
        segment = await this.appendTarget(group[0]!);
        await this.writeAll(this.appendHandle!, buffers, total);
        if (this.syncIntervalMs === 0) await this.syncData();
        let offset = segment.size;
        for (const chunk of group) {
          segment.appended(offset, chunk.writer.pos, chunk.firstSeq, chunk.firstSeq + chunk.receipts.length - 1, chunk.firstAddedAt);
          offset += chunk.writer.pos;
        }
        this.storedBytes += total;
        this.queuedBytes -= total;
        return true;
      } catch (err) {
        // Cut whatever part of the write landed, so that the segment still ends on a whole record.
        if (segment && this.appendHandle) await this.appendHandle.truncate(segment.size).catch(() => undefined);
        if (attempt < 2 && isDiskFull(err) && (await this.makeSpace())) continue;
        this.writeFailed(err, segment ?? this.segments[this.segments.length - 1]);
        return false;
      }
    }
  }

  private async writeAll(handle: FileHandle, buffers: Buffer[], total: number): Promise<void> {
    const { bytesWritten } = await handle.writev(buffers);
    if (bytesWritten === total) return;
    const rest = Buffer.concat(buffers).subarray(bytesWritten);
    for (let done = 0; done < rest.length; ) done += (await handle.write(rest, done)).bytesWritten;
  }

  /** The segment a group goes to, its file open for appending. */
  private async appendTarget(chunk: PendingChunk): Promise<Segment> {
    const last = this.segments[this.segments.length - 1];
    if (!chunk.startsSegment && last) {
      this.appendHandle ??= await open(last.path, 'a');
      return last;
    }
    if (last?.firstSeq === chunk.firstSeq) {
      // Made by a write that then failed: still empty, and named for this record.
      this.appendHandle ??= await open(last.path, 'a');
      return last;
    }
    const segment = new Segment(chunk.firstSeq, join(this.directory, segmentFileName(chunk.firstSeq)));
    const handle = await open(segment.path, 'a');
    if (this.appendHandle) {
      // Synced with each commit when the interval is 0; otherwise at the next fsync.
      if (this.syncIntervalMs === 0) await this.appendHandle.close();
      else this.unsynced.push(this.appendHandle);
    }
    this.appendHandle = handle;
    this.segments.push(segment);
    this.directoryChanged = true;
    return segment;
  }

  /** Drops everything queued and rewinds the sequence numbers, so that nothing reads as a gap later. */
  private writeFailed(err: unknown, segment: Segment | undefined): void {
    const chunks = this.pendingChunks();
    this.writing = [];
    this.sealed = [];
    this.open = undefined;
    let count = 0;
    for (const chunk of chunks) {
      chunk.receipts.forEach((receipt, i) => {
        if (chunk.firstSeq + i > this.droppedThrough) count++;
        receipt?.settle(true);
      });
      this.recycle(chunk);
    }
    this.nextSeq = chunks[0]!.firstSeq;
    this.recent.forgetFrom(this.nextSeq);
    this.droppedThrough = Math.min(this.droppedThrough, this.nextSeq - 1);
    this.held -= count;
    this.queuedBytes = 0;
    const last = this.segments[this.segments.length - 1];
    this.tailBytes = last?.size ?? 0;
    this.rollRequested = !last || last.endSeq + 1 !== this.nextSeq || last.size >= this.segmentBytes;
    const reason = isDiskFull(err) ? 'disk full' : 'write failed';
    if (!this.writeFailure) {
      this.writeFailure = { reason, dropped: 0 };
      this.log.error(`disk buffer ${this.directory}: cannot write to ${segment?.path ?? 'a new segment'}: ${message(err)}; what arrives is dropped until a write succeeds`);
    }
    this.writeFailure.dropped += count;
    if (count > 0) this.events.dropped(count, reason);
  }

  /** On a full disk: deletes acknowledged segments now and, under `drop_oldest`, the oldest one not in flight. */
  private async makeSpace(): Promise<boolean> {
    if (this.retired.length > 0 && (await this.deleteRetired()) > 0) return true;
    return this.whenFull === 'drop_oldest' && this.dropOldestSegment('oldest') && (await this.deleteRetired()) > 0;
  }

  private scheduleSync(): void {
    if (this.syncTimer || this.closed) return;
    this.syncTimer = setTimeout(
      () => {
        // Counted from now: commits while the fsync waits its turn must not schedule another.
        this.lastSync = Date.now();
        this.syncTimer = undefined;
        this.background(() => this.syncData());
      },
      Math.max(0, this.lastSync + this.syncIntervalMs - Date.now()),
    );
    this.syncTimer.unref();
  }

  private async syncData(): Promise<void> {
    this.lastSync = Date.now();
    for (const handle of this.unsynced.splice(0)) {
      await handle.sync().catch(() => undefined);
      await handle.close().catch(() => undefined);
    }
    await this.appendHandle?.sync();
    if (this.directoryChanged) {
      this.directoryChanged = false;
      await syncDirectory(this.directory);
    }
  }

  private async makeReserve(): Promise<void> {
    try {
      await createReserve(this.directory);
      this.reserveMissing = false;
    } catch {
      this.reserveMissing = true;
    }
  }

  // ---- reading and acknowledging

  /** The batch whose items overflow may not drop: in flight, formed ahead, or reopened. */
  private openBatch(): { firstSeq: number; lastSeq: number } | undefined {
    return this.inFlight ?? this.formedAhead?.batch ?? this.reopened;
  }

  private batchEnd(): number {
    return this.openBatch()?.lastSeq ?? this.acknowledgedThrough;
  }

  private handOut(batch: DiskBatch): DiskBatch {
    this.formedAhead = undefined;
    this.inFlight = batch;
    return batch;
  }

  private async formBatch(max: number, ahead = false): Promise<DiskBatch | undefined> {
    if (this.inFlight) return this.inFlight;
    if (this.formedAhead) {
      if (ahead) return undefined;
      if (this.formedAhead.max === max) return this.handOut(this.formedAhead.batch);
      this.formedAhead = undefined;
    }
    this.sealOpen();
    await this.writeSealed();
    let batch: DiskBatch | undefined;
    const reopened = this.reopened;
    if (reopened) {
      const read = await this.reader.read(this.segments, reopened.firstSeq - 1, reopened.lastSeq, Infinity);
      this.reopened = undefined;
      if (read.items.length > 0) batch = this.makeBatch(reopened.id, read, 0, reopened.firstSeq, reopened.lastSeq);
      else {
        // Every record of it was lost to damage: nothing is left to send.
        this.acknowledgedThrough = Math.max(this.acknowledgedThrough, reopened.lastSeq);
        this.stateDirty = true;
      }
    }
    if (!batch) {
      const after = Math.max(this.acknowledgedThrough, this.droppedThrough);
      const read = this.recent.take(after, max) ?? (await this.reader.read(this.segments, after, Infinity, max));
      // drop_oldest may have dropped some of these while they were read.
      let skip = 0;
      while (skip < read.seqs.length && read.seqs[skip]! <= this.droppedThrough) skip++;
      if (skip === read.seqs.length) {
        await this.saveProgress();
        return undefined;
      }
      batch = this.makeBatch(randomUUID(), read, skip, read.seqs[skip]!, read.seqs[read.seqs.length - 1]!);
      return this.keepNewBatch(batch, max, ahead);
    }
    if (ahead) this.formedAhead = { batch, max };
    else this.inFlight = batch;
    this.stateDirty = true;
    await this.saveProgress();
    return batch;
  }

  /**
   * A new batch id is handed out only once the state that holds it is saved: otherwise a kill -9
   * would give the same items another id (and an output its receiver's dedup relies on, another
   * key). A failed save throws, and the flush backs off and tries again; a batch formed ahead is
   * just forgotten.
   */
  private async keepNewBatch(batch: DiskBatch, max: number, ahead: boolean): Promise<DiskBatch | undefined> {
    if (ahead) this.formedAhead = { batch, max };
    else this.inFlight = batch;
    this.stateDirty = true;
    try {
      await this.saveProgress({ mustSucceed: true });
    } catch (err) {
      if (ahead) {
        this.formedAhead = undefined;
        return undefined;
      }
      this.inFlight = undefined;
      throw err;
    }
    return batch;
  }

  private makeBatch(id: string, read: ReadRecords, skip: number, firstSeq: number, lastSeq: number): DiskBatch {
    const items = skip === 0 ? read.items : read.items.slice(skip);
    const itemIds = read.seqs.slice(skip).map((seq) => `${this.bufferId}-${seq}`);
    return { id, items, itemIds, firstSeq, lastSeq, firstAddedAt: read.addedAts[skip]! };
  }

  private heldRanges(): [number, number][] {
    return heldRanges(this.acknowledgedThrough, this.openBatch(), this.droppedThrough);
  }

  /** Records of the segment not yet acknowledged or dropped. */
  private liveIn(segment: Segment): number {
    return this.heldRanges().reduce((n, [from, to]) => n + segment.countPresent(from, to), 0);
  }

  /** Moves segments that hold nothing live out of the list; the last one is kept for appending. */
  private retireConsumed(): void {
    const keep: Segment[] = [];
    this.segments.forEach((segment, i) => {
      if (i < this.segments.length - 1 && this.liveIn(segment) === 0) {
        this.retired.push(segment);
        this.storedBytes -= segment.size;
      } else keep.push(segment);
    });
    this.segments = keep;
  }

  /**
   * Saves the state if it changed, and deletes retired segments when their time has come (the
   * state is then written durably first). Failures are logged by `writeState` and retried with
   * the next save, unless `mustSucceed`.
   */
  private async saveProgress(options: { durable?: boolean; deleteNow?: boolean; mustSucceed?: boolean } = {}): Promise<void> {
    if (this.retired.length > 0) {
      const wait = this.lastDelete + DELETE_INTERVAL_MS - Date.now();
      if (options.deleteNow || wait <= 0) {
        await this.deleteRetired(options.mustSucceed);
        return;
      }
      this.deleteTimer ??= setTimeout(() => {
        this.deleteTimer = undefined;
        this.background(() => this.saveProgress({ deleteNow: true }));
      }, wait).unref();
    }
    if (!this.stateDirty) return;
    try {
      await this.writeState(options.durable ?? false);
    } catch (err) {
      if (options.mustSucceed) throw err;
    }
  }

  /** Returns how many segments were deleted. */
  private async deleteRetired(mustSucceed = false): Promise<number> {
    // Only those the state about to be written covers: more may retire while it is written.
    const retired = this.retired.splice(0);
    this.stateDirty = true;
    try {
      await this.writeState(true);
    } catch (err) {
      this.retired.unshift(...retired);
      if (mustSucceed) throw err;
      return 0;
    }
    this.lastDelete = Date.now();
    for (const segment of retired) {
      await this.reader.forget(segment);
      await unlink(segment.path).catch((err) => {
        if (errorCode(err) !== 'ENOENT') this.log.warn(`disk buffer ${this.directory}: cannot delete acknowledged segment ${segment.path}: ${message(err)}`);
      });
    }
    return retired.length;
  }

  /** On a full disk the space reserve is given up so that the state can still be written. */
  private async writeState(durable: boolean): Promise<void> {
    const state = this.state();
    this.stateDirty = false;
    try {
      try {
        await writeAckState(this.directory, state, durable);
      } catch (err) {
        if (!isDiskFull(err) || !(await releaseReserve(this.directory))) throw err;
        this.reserveMissing = true;
        await writeAckState(this.directory, state, durable);
      }
      this.stateFailureLogged = false;
    } catch (err) {
      this.stateDirty = true;
      if (!this.stateFailureLogged) {
        this.stateFailureLogged = true;
        this.log.warn(`disk buffer ${this.directory}: cannot save its acknowledgement state: ${message(err)}; will try again`);
      }
      throw err;
    }
  }

  private state(): AckState {
    const formed = this.inFlight ?? this.formedAhead?.batch;
    const batch = formed ? { id: formed.id, firstSeq: formed.firstSeq, lastSeq: formed.lastSeq, count: formed.items.length } : this.reopened;
    const state: AckState = { acknowledgedThrough: this.acknowledgedThrough, droppedThrough: this.droppedThrough };
    if (batch) state.openBatch = batch;
    return state;
  }

  private damageFound(segment: Segment, from: number, to: number): void {
    const lost = this.heldRanges().reduce((n, [lo, hi]) => n + segment.countPresent(Math.max(from, lo), Math.min(to, hi)), 0);
    segment.lost(from, to);
    if (lost > 0) {
      this.held -= lost;
      this.reportDamage(segment, lost);
    }
  }

  private reportDamage(segment: Segment, lost: number): void {
    this.events.dropped(lost, 'damaged');
    if (this.damageLogged.has(segment.path)) return;
    this.damageLogged.add(segment.path);
    this.log.warn(`${lost} records lost to damage in segment ${segment.path}`);
  }

  private async releaseFiles(): Promise<void> {
    for (const handle of this.unsynced.splice(0)) await handle.close().catch(() => undefined);
    await this.appendHandle?.close().catch(() => undefined);
    this.appendHandle = undefined;
    await this.reader.close().catch(() => undefined);
  }
}
