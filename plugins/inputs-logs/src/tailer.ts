import { close, constants, fstat, open, stat, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Batcher } from './batcher.js';
import { ChunkReader } from './chunk-reader.js';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { DirectoryWatches } from './directory-watches.js';
import type { FileGlob } from './file-glob.js';
import { isCompressed, isRotationName, type Fingerprinter } from './fingerprinter.js';
import { FollowedFile, readCheckBytes, type ReadOutcome } from './followed-file.js';
import { describeError, type Problems } from './problems.js';
import { ReleasedFiles } from './released-files.js';
import { identityOf, RotatedCopies } from './rotated-copies.js';
import type { RecordBuilder } from './record-builder.js';
import type { SavedFile, SavedState, StartPositions } from './saved-state.js';

const openAsync = promisify(open);
const closeAsync = promisify(close);
const fstatAsync = promisify(fstat);
const statAsync = promisify(stat);

/** How often files are checked with watch_method = "poll" (Telegraf's tail polls as often). */
export const POLL_INTERVAL_MS = 250;

/** When the file was made: its birth time where the filesystem keeps one, else its change time. */
function bornAtOf(st: Stats): number {
  return st.birthtimeMs || st.ctimeMs;
}

/** Longest stretch a backlog is read without letting the event loop run anything else. */
const YIELD_EVERY_MS = 20;
/**
 * How long a file renamed away is still read after its last new line: the writing program
 * keeps writing to it until it reopens its log (logrotate's postrotate signal).
 */
export const ROTATE_WAIT_MS = 5_000;

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


function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Follows the files the globs name: reads what is appended, and sees files renamed away
 * (read to their end, and a while longer, before the new file is followed), truncated (the
 * rest read from the copy, then read again from the start), deleted (let go) or new (picked
 * up, unless a copy of a file followed). Every read, check and scan runs in one queue
 * (`pump`), so a file's lines are handled in order and none is read twice at once.
 *
 * Its parts: directory-watches.ts notices changes, fingerprinter.ts tells files apart by
 * content, rotated-copies.ts finds a rotation's copy, released-files.ts remembers files let go,
 * saved-state.ts keeps positions for a restart.
 *
 * While max_undelivered_lines records wait for delivery the queue leaves reads out and goes on
 * with everything else (renames, new files, rescans); a settled group starts it again. What is
 * saved for a restart is each file's delivered position, whenever one moves.
 */
export class Tailer {
  /** Files by the name they are followed under. */
  private readonly active = new Map<string, FollowedFile>();
  /** Files renamed away, read until they have been quiet for ROTATE_WAIT_MS. */
  private readonly draining = new Set<FollowedFile>();
  private readonly byIdentity = new Map<string, FollowedFile>();
  /** Paths not to follow while they name the same thing (a directory, a pipe): same device, inode and birth. */
  private readonly ignored = new Map<string, { identity: string; bornAt: number }>();

  private readonly watches: DirectoryWatches;
  private readonly dirtyFiles = new Set<FollowedFile>();
  private readonly dirtyPaths = new Set<string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly reader: ChunkReader;
  private rescanDue = false;
  private tickDue = false;
  private polling = false;
  private stopped = false;
  /** When stop() was called: the saved state's time from then on. */
  private stoppedAt = 0;
  /** The files followed at stop, whose positions groups settling after the stop still move. */
  private filesAtStop?: FollowedFile[];
  /** A file was adopted or let go, or a position moved: save at the end of the step. */
  private stateChanged = false;
  private running?: Promise<void>;
  private starting?: Promise<void>;
  private lastYield = performance.now();
  /** Recently let-go files; those still delivering stay in the saved state. */
  private readonly released = new ReleasedFiles();
  private readonly copies: RotatedCopies;

  constructor(
    private readonly settings: TailerSettings,
    private readonly records: RecordBuilder,
    private readonly batch: Batcher,
    private readonly problems: Problems,
    private readonly positions: StartPositions,
    private readonly save: (state: SavedState) => void,
  ) {
    // Large reads keep the per-read cost small; a chunk must hold a whole longest line, and
    // stays small enough that its records fit in an output buffer (see waitForRoom).
    this.copies = new RotatedCopies(settings.fingerprints, (identity) => this.byIdentity.has(identity));
    this.reader = new ChunkReader(Math.max(1 << 17, settings.maxLineBytes * 2 + 64));
    this.watches = new DirectoryWatches({
      changed: (dir, event, name) => this.onChange(dir, event, name),
      lost: () => {
        this.rescanDue = true;
        this.kick();
      },
      failed: (dir, err) => {
        this.problems.once(dir, 'watch', `cannot watch ${dir} (${describeError(err)}); polling every ${POLL_INTERVAL_MS} ms instead`);
        this.startPolling();
      },
    });
  }

  /** Finds the files, places each at its start offset, and starts watching. Reading goes on in the background. */
  start(): Promise<void> {
    this.starting = this.findAndWatch();
    return this.starting;
  }

  private async findAndWatch(): Promise<void> {
    await this.scan(true);
    await this.recoverRotatedWhileStopped();
    // A stop during a long first scan: it closes what was opened; start nothing more.
    if (this.stopped) return;
    // Where each file starts is delivered already (nothing before it is to be read): kept even if nothing arrives.
    this.saveState();
    if (this.settings.watchMethod === 'poll') this.startPolling();
    this.every(this.settings.flushMs, () => (this.tickDue = true));
    this.every(this.settings.rescanMs, () => {
      this.rescanDue = true;
      for (const file of this.followed()) this.dirtyFiles.add(file);
    });
    this.kick();
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
    this.watches.close();
    await this.running;
    this.batch.flush();
    this.filesAtStop = [...this.followed()];
    this.saveState();
    await Promise.all(this.filesAtStop.map((file) => closeAsync(file.fd).catch(() => undefined)));
    this.active.clear();
    this.draining.clear();
    this.byIdentity.clear();
  }

  /** A delivery group settled: save the positions that moved, and read on if reading waited for room. */
  onSettled(moved: boolean): void {
    if (moved) this.saveState();
    this.kick();
  }

  private every(ms: number, mark: () => void): void {
    this.timers.push(
      setInterval(() => {
        mark();
        this.kick();
      }, ms),
    );
  }

  private *followed(): Iterable<FollowedFile> {
    yield* this.draining;
    yield* this.active.values();
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    // Started from a microtask, so `running` is set before any read: a group settled during a
    // read (synchronously, from close()) kicks again and must not start a second queue.
    this.running = Promise.resolve().then(() => this.pump()).finally(() => {
      this.running = undefined;
      if (this.hasWork()) this.kick();
    });
  }

  /** Reads wait while the batcher is full (max_undelivered_lines): a settled group kicks the queue again. */
  private hasWork(): boolean {
    return this.tickDue || this.rescanDue || this.dirtyPaths.size > 0 || (this.dirtyFiles.size > 0 && !this.batch.full);
  }

  /** The one queue: periodic work, then path checks (rotations), then reads, draining files first. */
  private async pump(): Promise<void> {
    while (!this.stopped && this.hasWork()) {
      try {
        if (this.tickDue) {
          this.tickDue = false;
          await this.tick();
        } else if (this.rescanDue) {
          this.rescanDue = false;
          await this.scan(false);
        } else if (this.dirtyPaths.size > 0) {
          const path = first(this.dirtyPaths);
          this.dirtyPaths.delete(path);
          await this.checkPath(path, false);
        } else {
          const file = this.nextDirtyFile();
          this.dirtyFiles.delete(file);
          const outcome = await this.readOnce(file);
          if (outcome === 'more' || outcome === 'full') this.dirtyFiles.add(file);
          if (outcome === 'more') await this.betweenChunks();
        }
      } catch (err) {
        this.problems.once('', describeError(err), `unexpected error: ${describeError(err)}`);
      }
      if (this.stateChanged) this.saveState();
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
  private nextDirtyFile(): FollowedFile {
    for (const file of this.dirtyFiles) if (file.drainingSince) return file;
    return first(this.dirtyFiles);
  }

  /** Every flush interval: completes quiet multi-line records and flushes the batch. */
  private async tick(): Promise<void> {
    const now = Date.now();
    for (const file of this.followed()) {
      // A file with unread data (the reader waiting for room) may still continue the record;
      // when full, the record waits for room like any other.
      if (file.pending && !this.dirtyFiles.has(file) && !this.batch.full && now - file.pending.updatedAt >= this.settings.flushMs) this.records.finishPending(file);
      if (file.drainingSince) this.dirtyFiles.add(file);
    }
    this.batch.flush();
    if (this.batch.full) await this.noticeTruncationsWhileWaiting();
  }

  /**
   * Files waiting for room are not read, so a truncation is looked for by size. (One refilled
   * past the read offset meanwhile is still caught by the read, by its bytes.)
   */
  private async noticeTruncationsWhileWaiting(): Promise<void> {
    for (const file of [...this.dirtyFiles]) {
      if (file.finishing || (file.pending && this.batch.full)) continue;
      const size = await fstatAsync(file.fd).then((st) => st.size, () => Infinity);
      if (size < file.readOffset && this.byIdentity.get(file.identity) === file) await this.restartAfterTruncation(file);
    }
  }

  /**
   * copytruncate: what was read stays handed on; everything now in the file is new. The copy
   * made just before the truncation holds the lines not read yet: when it is found beside the
   * file (whether or not the globs match it), it is read from where reading stopped first.
   */
  private async restartAfterTruncation(file: FollowedFile): Promise<void> {
    this.records.finishPending(file);
    this.batch.flush();
    const copy = await this.copies.copyOf(file);
    if (copy) {
      this.adopt(copy);
      file.startAnew();
      this.stateChanged = true;
    } else if (file.restartFromBeginning()) this.stateChanged = true;
  }

  /**
   * Saves every file's delivered position: the files followed (or followed at stop), and those
   * let go whose records are not all delivered yet.
   */
  private saveState(): void {
    this.stateChanged = false;
    const files: SavedFile[] = (this.filesAtStop ?? [...this.followed()]).map((file) => file.savedPosition());
    files.push(...this.released.undelivered());
    this.save({ files, savedAt: this.stoppedAt || Date.now() });
  }

  /** Expands the globs; every path found (and every one followed) is checked. */
  private async scan(atStart: boolean): Promise<void> {
    const paths = new Set<string>(this.active.keys());
    for (const glob of this.settings.globs) {
      const found = await glob.expand((dir, err) => this.problems.once(dir, 'list', `cannot list ${dir}: ${describeError(err)}`));
      for (const path of found) paths.add(path);
    }
    for (const path of paths) {
      if (this.stopped) return;
      await this.checkPath(path, atStart);
    }
    this.updateWatches();
  }

  private matchesGlob(path: string): boolean {
    return this.settings.globs.some((glob) => glob.matches(path));
  }

  /** Makes what is followed under `path` match what the path names now. */
  private async checkPath(path: string, atStart: boolean): Promise<void> {
    let st: Stats | undefined;
    try {
      st = await statAsync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        // A passing error (permissions, a stale mount) is not a rotation: what is open stays followed.
        this.problems.once(path, 'stat', `${path}: ${describeError(err)}; ${this.active.has(path) ? 'reading on from the open file' : 'skipped'}`);
        return;
      }
    }
    const current = this.active.get(path);
    if (current && st && identityOf(st) === current.identity) return;
    if (current) this.letGoOfName(current);
    if (!st || !this.matchesGlob(path)) return;
    if (isCompressed(path)) return this.problems.once(path, 'compressed', `${path}: a compressed rotation, not read`, 'debug');
    const identity = identityOf(st);
    const ignored = this.ignored.get(path);
    if (ignored && ignored.identity === identity && ignored.bornAt === bornAtOf(st)) return;
    this.ignored.delete(path);
    const known = this.byIdentity.get(identity);
    if (known) {
      // Renamed to another name the globs match (app.log → app.log.1 with files = ["app.log*"]): same file, go on.
      if (this.draining.delete(known)) {
        known.drainingSince = 0;
        known.finishing = false;
        known.path = path;
        this.active.set(path, known);
      }
      return;
    }
    if (!st.isFile()) {
      this.problems.once(path, 'type', `${path}: ${kindOf(st)}, not a log file; skipped`);
      this.ignored.set(path, { identity, bornAt: bornAtOf(st) });
      return;
    }
    await this.follow(path, atStart);
  }

  /** Opens `path` and starts following it from where it should be read. */
  private async follow(path: string, atStart: boolean): Promise<void> {
    let fd: number;
    try {
      // O_NONBLOCK: a named pipe put in place since the stat must not hang the open.
      fd = await openAsync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      this.problems.once(path, 'open', `${path}: cannot open (${describeError(err)}); skipped`);
      return;
    }
    try {
      const st = await fstatAsync(fd);
      const identity = identityOf(st);
      // A file too short to fingerprint is held open (a rename keeps it) but read only once it can be told from a copy.
      const fingerprint = st.isFile() ? this.copies.fingerprintOf(fd) : undefined;
      if (!st.isFile() || this.byIdentity.has(identity) || (fingerprint !== undefined && this.isCopy(path, fingerprint))) {
        await closeAsync(fd);
        return;
      }
      const released = this.released.take(fingerprint, identity);
      let file: FollowedFile;
      if (released) {
        // Let go earlier and found again (a rotation the globs match): read on where it ended, delivering on from where it was.
        const same = released.readEnd <= st.size && readCheckBytes(fd, released.readEnd) === released.readCheck;
        file = new FollowedFile(path, fd, identity, same ? released.readEnd : 0, released.delivered);
        if (!same) file.delivered.reach(0, '');
      } else {
        const offset = atStart ? await this.positions.offsetAtStart(path, identity, fingerprint, fd, st.size, bornAtOf(st)) : 0;
        file = new FollowedFile(path, fd, identity, offset);
      }
      file.fingerprint = fingerprint;
      file.awaitingFingerprint = fingerprint === undefined;
      this.adopt(file);
      this.problems.forget(path, 'open');
    } catch (err) {
      await closeAsync(fd).catch(() => undefined);
      this.problems.once(path, 'open', `${path}: cannot open (${describeError(err)}); skipped`);
    }
  }

  /**
   * A copy of a file followed (app.log.1 made by copytruncate, found while app.log is not yet
   * truncated): named like its rotation, with its fingerprint. Not read: its lines are read
   * from the original, or from the copy once the original's truncation is seen.
   */
  private isCopy(path: string, fingerprint: string): boolean {
    for (const file of this.followed()) {
      if (file.fingerprint !== fingerprint || !isRotationName(path, file.path)) continue;
      this.problems.once(path, 'copy', `${path}: a copy of ${file.path} (same fingerprint), not read again`, 'debug');
      return true;
    }
    return false;
  }

  private adopt(file: FollowedFile): void {
    if (file.drainingSince) this.draining.add(file);
    else this.active.set(file.path, file);
    this.byIdentity.set(file.identity, file);
    this.dirtyFiles.add(file);
    this.stateChanged = true;
    if (!this.polling) this.watches.add(dirname(file.path));
  }

  /**
   * The path no longer names `file`: it is read on, before the file now under the name (draining
   * files come first), and let go once deleted or quiet for ROTATE_WAIT_MS.
   */
  private letGoOfName(file: FollowedFile): void {
    this.active.delete(file.path);
    file.drainingSince = file.lastDataAt = Date.now();
    this.draining.add(file);
    this.dirtyFiles.add(file);
  }

  /** One read of `file`, dealing with what it finds. */
  private async readOnce(file: FollowedFile): Promise<ReadOutcome | 'gone'> {
    if (!this.byIdentity.has(file.identity)) return 'gone';
    let outcome: ReadOutcome;
    try {
      if (file.awaitingFingerprint && !file.finishing) {
        // A new file (or a copy being written) is read once it can be told from the files followed.
        const fingerprint = this.settings.fingerprints.of(file.fd);
        if (fingerprint !== undefined && this.isCopy(file.path, fingerprint)) {
          await this.forget(file);
          return 'gone';
        }
        file.fingerprint = fingerprint;
        file.awaitingFingerprint = fingerprint === undefined;
      }
      // Still too short: nothing read, but a file renamed away is let go in time all the same.
      outcome = file.awaitingFingerprint && !file.finishing ? 'idle' : file.readChunk(this.reader, this.settings.maxLineBytes, this.records, file.finishing);
    } catch (err) {
      // What could be read of a file being let go was read.
      if (file.finishing) return this.release(file);
      this.problems.once(file.path, 'read', `${file.path}: cannot read (${describeError(err)}); skipped`);
      await this.forget(file);
      return 'gone';
    }
    // Truncated and written again since: known by its new first line once it has one.
    if (!file.fingerprint && outcome !== 'truncated') file.fingerprint = this.copies.fingerprintOf(file.fd);
    switch (outcome) {
      case 'truncated':
        if (file.finishing) return this.release(file);
        // Completing its multi-line record takes room: the truncation is still there later.
        if (file.pending && this.batch.full) return 'full';
        await this.restartAfterTruncation(file);
        return 'more';
      case 'idle':
        if (file.finishing) return this.release(file);
        if (file.drainingSince && (Date.now() - file.lastDataAt >= ROTATE_WAIT_MS || (await fstatAsync(file.fd)).nlink === 0)) {
          // Read once more to its very end, an unfinished last line included, then let go.
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
    await this.forget(file);
    return 'gone';
  }

  private async forget(file: FollowedFile): Promise<void> {
    // Marks read the bytes before their offsets: hand on what came from the file while it is open.
    this.batch.flush();
    if (this.active.get(file.path) === file) this.active.delete(file.path);
    this.draining.delete(file);
    this.byIdentity.delete(file.identity);
    this.dirtyFiles.delete(file);
    this.stateChanged = true;
    await closeAsync(file.fd).catch(() => undefined);
  }

  /**
   * Files saved by the last run that are no longer under their name: rotated while the agent
   * was stopped. Each found beside its old name is read from the saved offset to the end.
   */
  private async recoverRotatedWhileStopped(): Promise<void> {
    for (const saved of this.positions.unclaimed()) {
      const file = await this.copies.rotatedWhileStopped(saved);
      if (file) this.adopt(file);
    }
  }

  /** Watches the directories of followed files and those the globs start from. */
  private updateWatches(): void {
    if (this.polling) return;
    const wanted = new Set(this.settings.globs.map((glob) => glob.base));
    for (const file of this.followed()) wanted.add(dirname(file.path));
    this.watches.update(wanted);
  }

  private onChange(dir: string, event: string, name: string | null): void {
    if (this.stopped) return;
    if (name === null) {
      // The kernel did not say which file: look at them all.
      this.rescanDue = true;
      for (const file of this.followed()) this.dirtyFiles.add(file);
      return this.kick();
    }
    const path = join(dir, name);
    const file = this.active.get(path);
    if (file) this.dirtyFiles.add(file);
    for (const old of this.draining) if (dirname(old.path) === dir) this.dirtyFiles.add(old);
    if (event === 'rename' && (file || this.matchesGlob(path))) this.dirtyPaths.add(path);
    this.kick();
  }

  /** Checks every followed file and its name on a timer: watch_method = "poll", or when inotify is not to be had. */
  private startPolling(): void {
    if (this.polling) return;
    this.polling = true;
    this.watches.close();
    this.every(POLL_INTERVAL_MS, () => {
      for (const file of this.followed()) this.dirtyFiles.add(file);
      for (const path of this.active.keys()) this.dirtyPaths.add(path);
    });
  }
}

function first<T>(set: Set<T>): T {
  return set.values().next().value as T;
}
