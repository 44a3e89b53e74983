import { close, constants, fstat, open, readdir, stat, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Batcher } from './batcher.js';
import { ChunkReader } from './chunk-reader.js';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { DirectoryWatches } from './directory-watches.js';
import type { FileGlob } from './file-glob.js';
import { FollowedFile, readCheckBytes, type ReadOutcome } from './followed-file.js';
import { describeError, type Problems } from './problems.js';
import type { RecordBuilder } from './record-builder.js';
import { stillHolds, type SavedFile, type SavedState, type StartPositions } from './saved-state.js';

const openAsync = promisify(open);
const closeAsync = promisify(close);
const fstatAsync = promisify(fstat);
const statAsync = promisify(stat);
const readdirAsync = promisify(readdir);

/** How often files are checked with watch_method = "poll" (Telegraf's tail polls as often). */
export const POLL_INTERVAL_MS = 250;
/** How many let-go files are remembered, against reading one again when a scan finds it. */
const RELEASED_REMEMBERED = 1000;
/** When the file was made: its birth time where the filesystem keeps one, else its change time. */
function bornAtOf(st: Stats): number {
  return st.birthtimeMs || st.ctimeMs;
}

/** How many first bytes tell a binary file from the same path rewritten. */
const HEAD_BYTES = 32;

/** The first bytes of the file at `path`, hex ('' when it cannot be read). */
async function headOf(path: string): Promise<string> {
  let fd: number | undefined;
  try {
    fd = await openAsync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const size = (await fstatAsync(fd)).size;
    return readCheckBytes(fd, Math.min(HEAD_BYTES, size));
  } catch {
    return '';
  } finally {
    if (fd !== undefined) await closeAsync(fd).catch(() => undefined);
  }
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
  /** How often partial batches are flushed and positions saved. */
  flushMs: number;
}

function identityOf(st: Stats): string {
  return `${st.dev}:${st.ino}`;
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
 * (read to their end, and a while longer, before the new file is followed), truncated (read
 * again from the start), deleted (let go) or new (picked up). Every read, check and scan runs
 * in one queue (`pump`), so a file's lines are handled in order and none is read twice at once.
 */
export class Tailer {
  /** Files by the name they are followed under. */
  private readonly active = new Map<string, FollowedFile>();
  /** Files renamed away, read until they have been quiet for ROTATE_WAIT_MS. */
  private readonly draining = new Set<FollowedFile>();
  private readonly byIdentity = new Map<string, FollowedFile>();
  /**
   * Paths not to follow while they name the same file (a directory, a binary file): same
   * device and inode, same birth, same first bytes. A file re-created or rewritten from its
   * start (copytruncate) is looked at again.
   */
  private readonly ignored = new Map<string, { identity: string; bornAt: number; head: string }>();
  private readonly watches: DirectoryWatches;
  private readonly dirtyFiles = new Set<FollowedFile>();
  private readonly dirtyPaths = new Set<string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly reader: ChunkReader;
  private rescanDue = false;
  private tickDue = false;
  private polling = false;
  private stopped = false;
  private running?: Promise<void>;
  private starting?: Promise<void>;
  private lastYield = performance.now();
  /** Where recently let-go files ended, by identity (oldest first). */
  private readonly released = new Map<string, SavedFile>();

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
    if (this.settings.watchMethod === 'poll') this.startPolling();
    this.every(this.settings.flushMs, () => (this.tickDue = true));
    this.every(this.settings.rescanMs, () => {
      this.rescanDue = true;
      for (const file of this.followed()) this.dirtyFiles.add(file);
    });
    this.kick();
  }

  /** Stops reading, hands on every complete record and saves where each file stands. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting?.catch(() => undefined);
    for (const timer of this.timers) clearInterval(timer);
    this.watches.close();
    await this.running;
    this.batch.flush();
    this.saveState();
    await Promise.all([...this.followed()].map((file) => closeAsync(file.fd).catch(() => undefined)));
    this.active.clear();
    this.draining.clear();
    this.byIdentity.clear();
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
    this.running = this.pump().finally(() => {
      this.running = undefined;
      if (this.hasWork()) this.kick();
    });
  }

  private hasWork(): boolean {
    return this.tickDue || this.rescanDue || this.dirtyPaths.size > 0 || this.dirtyFiles.size > 0;
  }

  /** The one queue: periodic work, then path checks (rotations), then reads, draining files first. */
  private async pump(): Promise<void> {
    while (!this.stopped && this.hasWork()) {
      try {
        if (this.tickDue) {
          this.tickDue = false;
          this.tick();
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
          if ((await this.readOnce(file)) === 'more') {
            this.dirtyFiles.add(file);
            await this.betweenChunks();
          }
        }
      } catch (err) {
        this.problems.once('', describeError(err), `unexpected error: ${describeError(err)}`);
      }
    }
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

  /** Every flush interval: completes quiet multi-line records, flushes the batch, saves positions. */
  private tick(): void {
    const now = Date.now();
    for (const file of this.followed()) {
      // A file with unread data (the reader waiting for output room) may still continue the record.
      if (file.pending && !this.dirtyFiles.has(file) && now - file.pending.updatedAt >= this.settings.flushMs) this.records.finishPending(file);
      if (file.drainingSince) this.dirtyFiles.add(file);
    }
    this.batch.flush();
    this.saveState();
  }

  private saveState(): void {
    this.save({ files: [...this.followed()].map((file) => file.savedPosition()), savedAt: Date.now() });
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
    if (current) await this.letGoOfName(current);
    if (!st || !this.matchesGlob(path)) return;
    const identity = identityOf(st);
    const ignored = this.ignored.get(path);
    if (ignored && ignored.identity === identity && ignored.bornAt === bornAtOf(st) && (!st.isFile() || (await headOf(path)) === ignored.head)) return;
    this.ignored.delete(path);
    const known = this.byIdentity.get(identity);
    if (known) {
      // Renamed to another name the globs match (app.log → app.log.1 with files = ["app.log*"]): same file, go on.
      if (this.draining.delete(known)) {
        known.drainingSince = 0;
        known.path = path;
        this.active.set(path, known);
      }
      return;
    }
    if (!st.isFile()) {
      this.problems.once(path, 'type', `${path}: ${kindOf(st)}, not a log file; skipped`);
      this.ignored.set(path, { identity, bornAt: bornAtOf(st), head: '' });
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
      if (!st.isFile() || this.byIdentity.has(identity)) {
        await closeAsync(fd);
        return;
      }
      const released = this.released.get(identity);
      const offset = released && released.offset <= st.size && stillHolds(fd, released)
        ? released.offset
        : atStart ? await this.positions.offsetAtStart(path, identity, fd, st.size, st.birthtimeMs || st.ctimeMs) : 0;
      this.adopt(new FollowedFile(path, fd, identity, offset));
      this.problems.forget(path, 'open');
    } catch (err) {
      await closeAsync(fd).catch(() => undefined);
      this.problems.once(path, 'open', `${path}: cannot open (${describeError(err)}); skipped`);
    }
  }

  private adopt(file: FollowedFile): void {
    if (file.drainingSince) this.draining.add(file);
    else this.active.set(file.path, file);
    this.byIdentity.set(file.identity, file);
    this.dirtyFiles.add(file);
    if (!this.polling) this.watches.add(dirname(file.path));
  }

  /**
   * The path no longer names `file`. Whatever was written to it is read first; then a deleted
   * file is let go, and a renamed one kept a while for the writer's last lines.
   */
  private async letGoOfName(file: FollowedFile): Promise<void> {
    this.active.delete(file.path);
    while ((await this.readOnce(file)) === 'more') await this.betweenChunks();
    if (!this.byIdentity.has(file.identity)) return;
    const st = await fstatAsync(file.fd);
    if (st.nlink === 0) return this.finish(file);
    file.drainingSince = file.lastDataAt = Date.now();
    this.draining.add(file);
  }

  /** One read of `file`, dealing with what it finds. */
  private async readOnce(file: FollowedFile): Promise<ReadOutcome | 'gone'> {
    if (!this.byIdentity.has(file.identity)) return 'gone';
    let outcome: ReadOutcome;
    try {
      outcome = file.readChunk(this.reader, this.settings.maxLineBytes, this.records);
    } catch (err) {
      this.problems.once(file.path, 'read', `${file.path}: cannot read (${describeError(err)}); skipped`);
      await this.forget(file);
      return 'gone';
    }
    switch (outcome) {
      case 'truncated':
        // copytruncate: what was read stays handed on; everything now in the file is new.
        this.records.finishPending(file);
        this.batch.flush();
        file.restartFromBeginning();
        return 'more';
      case 'binary': {
        const st = await fstatAsync(file.fd);
        this.ignored.set(file.path, { identity: file.identity, bornAt: bornAtOf(st), head: readCheckBytes(file.fd, Math.min(HEAD_BYTES, st.size)) });
        this.problems.once(file.path, 'binary', `${file.path}: binary content, not a log file; skipped`);
        await this.forget(file);
        return 'gone';
      }
      case 'idle':
        if (file.drainingSince && (Date.now() - file.lastDataAt >= ROTATE_WAIT_MS || (await fstatAsync(file.fd)).nlink === 0)) await this.finish(file);
        return outcome;
      default:
        return outcome;
    }
  }

  /** Reads `file` to its very end (an unfinished last line included), hands everything on and closes it. */
  private async finish(file: FollowedFile): Promise<void> {
    try {
      while (file.readChunk(this.reader, this.settings.maxLineBytes, this.records, true) === 'more') await this.betweenChunks();
    } catch {
      // What could be read was read; the file is being let go anyway.
    }
    this.records.finishPending(file);
    this.batch.flush();
    this.remember(file.savedPosition());
    await this.forget(file);
  }

  /**
   * A file let go may be found again under a name the globs match (app.log.1 with `app.log*`,
   * by a later scan); remembering where it ended keeps it from being read again.
   */
  private remember(position: SavedFile): void {
    this.released.delete(position.identity);
    this.released.set(position.identity, position);
    if (this.released.size > RELEASED_REMEMBERED) this.released.delete(this.released.keys().next().value!);
  }

  private async forget(file: FollowedFile): Promise<void> {
    if (this.active.get(file.path) === file) this.active.delete(file.path);
    this.draining.delete(file);
    this.byIdentity.delete(file.identity);
    this.dirtyFiles.delete(file);
    await closeAsync(file.fd).catch(() => undefined);
  }

  /**
   * Files saved by the last run that are no longer under their name: rotated while the agent
   * was stopped. Looked for beside their old name and read from the saved offset to the end.
   */
  private async recoverRotatedWhileStopped(): Promise<void> {
    for (const saved of this.positions.unclaimed()) {
      const dir = dirname(saved.path);
      let names: string[];
      try {
        names = await readdirAsync(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        const path = join(dir, name);
        const st = await statAsync(path).catch(() => undefined);
        // Still under its old name yet not found by the scan: no longer configured, not rotated.
        if (!st || identityOf(st) !== saved.identity || st.size < saved.offset || path === saved.path) continue;
        const fd = await openAsync(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
        if (fd === undefined) break;
        if (!stillHolds(fd, saved) || this.byIdentity.has(saved.identity)) {
          await closeAsync(fd);
          break;
        }
        const file = new FollowedFile(saved.path, fd, saved.identity, saved.offset);
        file.drainingSince = Date.now();
        this.adopt(file);
        break;
      }
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
