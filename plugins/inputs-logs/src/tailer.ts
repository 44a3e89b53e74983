import { close, fstat } from 'node:fs';
import { promisify } from 'node:util';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Batcher } from './batcher.js';
import { ChunkReader } from './chunk-reader.js';
import { FileDiscovery } from './file-discovery.js';
import type { FileGlob } from './file-glob.js';
import type { Fingerprinter } from './fingerprinter.js';
import type { FollowedFile, ReadOutcome } from './followed-file.js';
import { FollowedFiles } from './followed-files.js';
import { describeError, type Problems } from './problems.js';
import type { RecordBuilder } from './record-builder.js';
import { ReleasedFiles } from './released-files.js';
import { RotatedCopies } from './rotated-copies.js';
import { RotationRecovery } from './rotation-recovery.js';
import type { SavedFile, SavedState, StartPositions } from './saved-state.js';

const closeAsync = promisify(close);
const fstatAsync = promisify(fstat);

/** Longest stretch a backlog is read without letting the event loop run anything else. */
const YIELD_EVERY_MS = 20;
/**
 * How long a file renamed away is still read after its last new line: the writing program
 * keeps writing to it until it reopens its log (logrotate's postrotate signal).
 */
const ROTATE_WAIT_MS = 5_000;

export interface TailerSettings {
  globs: FileGlob[];
  watchMethod: 'inotify' | 'poll';
  maxLineBytes: number;
  /** How often the globs are expanded again (the input's interval). */
  rescanMs: number;
  /** How often partial batches are flushed (and quiet multi-line records completed). */
  flushMs: number;
  /** What a file is by content: a rotated copy is known as the file already read. */
  fingerprints: Fingerprinter;
}

/**
 * Follows the files the globs name: reads what is appended, and sees files renamed away
 * (read to their end, and a while longer, before the new file is followed), truncated (the
 * rest read from the copy, then read again from the start), deleted (released) or new (picked
 * up, unless a copy of a file followed). Every read, check and scan runs in one queue
 * (`runQueue`), so a file's lines are handled in order and none is read twice at once.
 *
 * Its parts: followed-files.ts keeps the files followed and what is due for each,
 * file-discovery.ts finds files and notices changes, rotation-recovery.ts keeps the lines a
 * rotation would lose, fingerprinter.ts tells files apart by content, rotated-copies.ts finds
 * a rotation's copy, released-files.ts remembers files released, saved-state.ts keeps
 * positions for a restart.
 *
 * While max_undelivered_lines records wait for delivery the queue leaves reads out and goes on
 * with everything else (renames, new files, rescans); a settled group starts it again. What is
 * saved for a restart is each file's delivered position, whenever one moves.
 */
export class Tailer {
  private readonly files: FollowedFiles;
  private readonly discovery: FileDiscovery;
  private readonly recovery: RotationRecovery;
  private readonly copies: RotatedCopies;
  private readonly reader: ChunkReader;
  private readonly timers: NodeJS.Timeout[] = [];
  private rescanDue = false;
  private tickDue = false;
  private stopped = false;
  /** When stop() was called: the saved state's time from then on. */
  private stoppedAt = 0;
  /** The files followed at stop, whose positions groups settling after the stop still move. */
  private filesAtStop?: FollowedFile[];
  private running?: Promise<void>;
  private starting?: Promise<void>;
  private lastYield = performance.now();
  /** Recently released files; those still delivering stay in the saved state. */
  private readonly released = new ReleasedFiles();

  constructor(
    private readonly settings: TailerSettings,
    private readonly records: RecordBuilder,
    private readonly batch: Batcher,
    private readonly problems: Problems,
    positions: StartPositions,
    private readonly save: (state: SavedState) => void,
  ) {
    this.files = new FollowedFiles((file) => this.discovery.watchFolderOf(file));
    this.copies = new RotatedCopies(settings.fingerprints, (identity) => this.files.has(identity));
    // Large reads keep the per-read cost small; a chunk must hold a whole longest line, and
    // stays small enough that its records fit in an output buffer (see waitForRoom).
    this.reader = new ChunkReader(Math.max(1 << 17, settings.maxLineBytes * 2 + 64));
    const queue = {
      wake: () => this.wake(),
      rescanSoon: () => {
        this.rescanDue = true;
        this.wake();
      },
      every: (ms: number, mark: () => void) => this.every(ms, mark),
      stopped: () => this.stopped,
    };
    this.discovery = new FileDiscovery(settings.globs, this.files, queue, this.copies, this.released, positions, problems);
    this.recovery = new RotationRecovery(this.files, this.copies, records, batch, positions);
  }

  /** Finds the files, places each at its start offset, and starts watching. Reading goes on in the background. */
  start(): Promise<void> {
    this.starting = this.findAndWatch();
    return this.starting;
  }

  private async findAndWatch(): Promise<void> {
    await this.discovery.scan(true);
    await this.recovery.recoverRotatedWhileStopped();
    // A stop during a long first scan: it closes what was opened; start nothing more.
    if (this.stopped) return;
    // Where each file starts is delivered already (nothing before it is to be read): kept even if nothing arrives.
    this.saveState();
    if (this.settings.watchMethod === 'poll') this.discovery.startPolling();
    this.every(this.settings.flushMs, () => (this.tickDue = true));
    this.every(this.settings.rescanMs, () => {
      this.rescanDue = true;
      this.files.readAll();
    });
    this.wake();
  }

  /**
   * Stops reading, hands on every complete record and saves where each file stands. Groups
   * still pending are not waited for: when they settle (the agent flushing its outputs), the
   * positions they reach are saved then.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stoppedAt = Date.now();
    await this.starting?.catch(() => undefined);
    for (const timer of this.timers) clearInterval(timer);
    this.discovery.close();
    await this.running;
    this.batch.flush();
    this.filesAtStop = [...this.files.all()];
    this.saveState();
    await Promise.all(this.filesAtStop.map((file) => closeAsync(file.fd).catch(() => undefined)));
    this.files.clear();
  }

  /** A delivery group settled: save the positions that moved, and read on if reading waited for room. */
  onSettled(moved: boolean): void {
    if (moved) this.saveState();
    this.wake();
  }

  private every(ms: number, mark: () => void): void {
    this.timers.push(
      setInterval(() => {
        mark();
        this.wake();
      }, ms),
    );
  }

  /** Runs the queue unless it runs already. */
  private wake(): void {
    if (this.running || this.stopped) return;
    // Started from a microtask, so `running` is set before any read: a group settled during a
    // read (synchronously, from close()) wakes it again and must not start a second queue.
    this.running = Promise.resolve().then(() => this.runQueue()).finally(() => {
      this.running = undefined;
      if (this.hasWork()) this.wake();
    });
  }

  /** Reads wait while the batcher is full (max_undelivered_lines): a settled group wakes the queue again. */
  private hasWork(): boolean {
    const { toRead, toCheck } = this.files;
    return this.tickDue || this.rescanDue || toCheck.size > 0 || (toRead.size > 0 && !this.batch.full);
  }

  /** The one queue: periodic work, then path checks (rotations), then reads, draining files first. */
  private async runQueue(): Promise<void> {
    const { toRead, toCheck } = this.files;
    while (!this.stopped && this.hasWork()) {
      try {
        if (this.tickDue) {
          this.tickDue = false;
          await this.tick();
        } else if (this.rescanDue) {
          this.rescanDue = false;
          await this.discovery.scan(false);
        } else if (toCheck.size > 0) {
          const path = first(toCheck);
          toCheck.delete(path);
          await this.discovery.checkPath(path, false);
        } else {
          const file = this.nextFileToRead();
          toRead.delete(file);
          const outcome = await this.readOnce(file);
          if (outcome === 'more' || outcome === 'full') toRead.add(file);
          if (outcome === 'more') await this.betweenChunks();
        }
      } catch (err) {
        this.problems.once('', describeError(err), `unexpected error: ${describeError(err)}`);
      }
      if (this.files.changed) this.saveState();
    }
    // Caught up with every file: what is queued goes now, not at the next flush_interval tick
    // (the last lines of a backlog, a quiet file's new line).
    if (!this.stopped) this.batch.flush();
  }

  /**
   * Between two chunks of a backlog: wait until the outputs have room, and, since reads are
   * synchronous, every YIELD_EVERY_MS let timers, other plugins and output writes run.
   * (Yielding after every chunk measured a third slower: the loop then sat idle between chunks.)
   */
  private async betweenChunks(): Promise<void> {
    await this.batch.waitForRoom();
    if (performance.now() - this.lastYield < YIELD_EVERY_MS) return;
    await yieldToEventLoop();
    this.lastYield = performance.now();
  }

  /** Older data first: a file renamed away is read before the one that replaced it. */
  private nextFileToRead(): FollowedFile {
    for (const file of this.files.toRead) if (file.drainingSince) return file;
    return first(this.files.toRead);
  }

  /** Every flush interval: completes quiet multi-line records and flushes the batch. */
  private async tick(): Promise<void> {
    const now = Date.now();
    for (const file of this.files.all()) {
      // A file with unread data (the reader waiting for room) may still continue the record;
      // when full, the record waits for room like any other.
      if (file.pending && !this.files.toRead.has(file) && !this.batch.full && now - file.pending.updatedAt >= this.settings.flushMs) this.records.finishPending(file);
      if (file.drainingSince) this.files.toRead.add(file);
    }
    this.batch.flush();
    if (this.batch.full) await this.recovery.noticeTruncationsWhileWaiting();
  }

  /**
   * Saves every file's delivered position: the files followed (or followed at stop), and those
   * released whose records are not all delivered yet.
   */
  private saveState(): void {
    this.files.changed = false;
    const files: SavedFile[] = (this.filesAtStop ?? [...this.files.all()]).map((file) => file.savedPosition());
    files.push(...this.released.undelivered());
    this.save({ files, savedAt: this.stoppedAt || Date.now() });
  }

  /** One read of `file`, dealing with what it finds. */
  private async readOnce(file: FollowedFile): Promise<ReadOutcome | 'gone'> {
    if (!this.files.has(file.identity)) return 'gone';
    let outcome: ReadOutcome;
    try {
      if (file.awaitingFingerprint && !file.finishing) {
        // A new file (or a copy being written) is read once it can be told from the files followed.
        const fingerprint = this.settings.fingerprints.of(file.fd);
        if (fingerprint !== undefined && this.discovery.isCopy(file.path, fingerprint)) {
          await this.stopFollowing(file);
          return 'gone';
        }
        file.fingerprint = fingerprint;
        file.awaitingFingerprint = fingerprint === undefined;
      }
      // Still too short: nothing read, but a file renamed away is released in time all the same.
      outcome = file.awaitingFingerprint && !file.finishing ? 'idle' : file.readChunk(this.reader, this.settings.maxLineBytes, this.records, file.finishing);
    } catch (err) {
      // What could be read of a file being released was read.
      if (file.finishing) return this.release(file);
      this.problems.once(file.path, 'read', `${file.path}: cannot read (${describeError(err)}); skipped`);
      await this.stopFollowing(file);
      return 'gone';
    }
    // Truncated and written again since: known by its new first line once it has one.
    if (!file.fingerprint && outcome !== 'truncated') file.fingerprint = this.copies.fingerprintOf(file.fd);
    switch (outcome) {
      case 'truncated':
        if (file.finishing) return this.release(file);
        // Completing its multi-line record takes room: the truncation is still there later.
        if (file.pending && this.batch.full) return 'full';
        await this.recovery.restartAfterTruncation(file);
        return 'more';
      case 'idle':
        if (file.finishing) return this.release(file);
        if (file.drainingSince && (Date.now() - file.lastDataAt >= ROTATE_WAIT_MS || (await fstatAsync(file.fd)).nlink === 0)) {
          // Read once more to its very end, an unfinished last line included, then release it.
          file.finishing = true;
          return 'more';
        }
        return outcome;
      default:
        return outcome;
    }
  }

  /**
   * Hands on the rest of a file read to its end and closes it; 'full' when its last multi-line
   * record has to wait for room.
   */
  private async release(file: FollowedFile): Promise<'gone' | 'full'> {
    if (file.pending && this.batch.full) return 'full';
    this.records.finishPending(file);
    this.batch.flush();
    this.released.remember(file);
    await this.stopFollowing(file);
    return 'gone';
  }

  private async stopFollowing(file: FollowedFile): Promise<void> {
    // Marks read the bytes before their offsets: hand on what came from the file while it is open.
    this.batch.flush();
    this.files.remove(file);
    await closeAsync(file.fd).catch(() => undefined);
  }
}

function first<T>(set: Set<T>): T {
  return set.values().next().value as T;
}
