import { close, constants, fstat, open, stat, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { DirectoryWatches } from './directory-watches.js';
import type { FileGlob } from './file-glob.js';
import { isCompressed, isRotationName } from './fingerprinter.js';
import { FollowedFile, readCheckBytes } from './followed-file.js';
import type { FollowedFiles } from './followed-files.js';
import { describeError, type Problems } from './problems.js';
import type { ReleasedFiles } from './released-files.js';
import { identityOf, type RotatedCopies } from './rotated-copies.js';
import type { StartPositions } from './saved-state.js';

const openAsync = promisify(open);
const closeAsync = promisify(close);
const fstatAsync = promisify(fstat);
const statAsync = promisify(stat);

/** How often files are checked with watch_method = "poll" (Telegraf's tail polls as often). */
export const POLL_INTERVAL_MS = 250;

/** What discovery asks of the read queue it feeds. */
export interface DiscoveryQueue {
  /** Something is due: run the queue. */
  wake(): void;
  /** Expand the globs again (a watch lost, a change the kernel did not name). */
  rescanSoon(): void;
  /** Every `ms`, `mark` what is due and run the queue, until the tailer stops. */
  every(ms: number, mark: () => void): void;
  stopped(): boolean;
}

/** When the file was made: its birth time where the filesystem keeps one, else its change time. */
function bornAtOf(st: Stats): number {
  return st.birthtimeMs || st.ctimeMs;
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Finds the files the globs name and notices changes to them (directory watches, or polling):
 * decides for each path whether it is the file followed already, a rotation of it, a copy of
 * one (not read), or a new file to follow from where it should be read.
 */
export class FileDiscovery {
  /** Paths not to follow while they name the same thing (a directory, a pipe): same device, inode and birth. */
  private readonly ignored = new Map<string, { identity: string; bornAt: number }>();
  private readonly watches: DirectoryWatches;
  private polling = false;

  constructor(
    private readonly globs: FileGlob[],
    private readonly files: FollowedFiles,
    private readonly queue: DiscoveryQueue,
    private readonly copies: RotatedCopies,
    private readonly released: ReleasedFiles,
    private readonly positions: StartPositions,
    private readonly problems: Problems,
  ) {
    this.watches = new DirectoryWatches({
      changed: (dir, event, name) => this.onChange(dir, event, name),
      lost: () => this.queue.rescanSoon(),
      failed: (dir, err) => {
        this.problems.once(dir, 'watch', `cannot watch ${dir} (${describeError(err)}); polling every ${POLL_INTERVAL_MS} ms instead`);
        this.startPolling();
      },
    });
  }

  /** Expands the globs; every path found (and every one followed) is checked. */
  async scan(atStart: boolean): Promise<void> {
    const paths = new Set<string>(this.files.paths());
    for (const glob of this.globs) {
      const found = await glob.expand((dir, err) => this.problems.once(dir, 'list', `cannot list ${dir}: ${describeError(err)}`));
      for (const path of found) paths.add(path);
    }
    for (const path of paths) {
      if (this.queue.stopped()) return;
      await this.checkPath(path, atStart);
    }
    this.updateWatches();
  }

  /** Makes what is followed under `path` match what the path names now. */
  async checkPath(path: string, atStart: boolean): Promise<void> {
    let st: Stats | undefined;
    try {
      st = await statAsync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        // A passing error (permissions, a stale mount) is not a rotation: what is open stays followed.
        this.problems.once(path, 'stat', `${path}: ${describeError(err)}; ${this.files.under(path) ? 'reading on from the open file' : 'skipped'}`);
        return;
      }
    }
    const current = this.files.under(path);
    if (current && st && identityOf(st) === current.identity) return;
    if (current) this.files.renamedAway(current);
    if (!st || !this.matchesGlob(path)) return;
    if (isCompressed(path)) return this.problems.once(path, 'compressed', `${path}: a compressed rotation, not read`, 'debug');
    const identity = identityOf(st);
    const ignored = this.ignored.get(path);
    if (ignored && ignored.identity === identity && ignored.bornAt === bornAtOf(st)) return;
    this.ignored.delete(path);
    const known = this.files.withIdentity(identity);
    if (known) {
      // Renamed to another name the globs match: the same file, read on.
      this.files.foundUnder(known, path);
      return;
    }
    if (!st.isFile()) {
      this.problems.once(path, 'type', `${path}: ${kindOf(st)}, not a log file; skipped`);
      this.ignored.set(path, { identity, bornAt: bornAtOf(st) });
      return;
    }
    await this.follow(path, atStart);
  }

  /**
   * A copy of a file followed (app.log.1 made by copytruncate, found while app.log is not yet
   * truncated): named like its rotation, with its fingerprint. Not read: its lines are read
   * from the original, or from the copy once the original's truncation is seen.
   */
  isCopy(path: string, fingerprint: string): boolean {
    for (const file of this.files.all()) {
      if (file.fingerprint !== fingerprint || !isRotationName(path, file.path)) continue;
      this.problems.once(path, 'copy', `${path}: a copy of ${file.path} (same fingerprint), not read again`, 'debug');
      return true;
    }
    return false;
  }

  /** A file was added: its folder is watched (unless polling), so its changes are seen. */
  watchFolderOf(file: FollowedFile): void {
    if (!this.polling) this.watches.add(dirname(file.path));
  }

  /** Checks every followed file and its name on a timer: watch_method = "poll", or when inotify is not to be had. */
  startPolling(): void {
    if (this.polling) return;
    this.polling = true;
    this.watches.close();
    this.queue.every(POLL_INTERVAL_MS, () => {
      this.files.readAll();
      for (const path of this.files.paths()) this.files.toCheck.add(path);
    });
  }

  close(): void {
    this.watches.close();
  }

  private matchesGlob(path: string): boolean {
    return this.globs.some((glob) => glob.matches(path));
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
      if (!st.isFile() || this.files.has(identity) || (fingerprint !== undefined && this.isCopy(path, fingerprint))) {
        await closeAsync(fd);
        return;
      }
      const released = this.released.take(fingerprint, identity);
      let file: FollowedFile;
      if (released) {
        // Released earlier and found again (a rotation the globs match): read on where it ended, delivering on from where it was.
        const same = released.readEnd <= st.size && readCheckBytes(fd, released.readEnd) === released.readCheck;
        file = new FollowedFile(path, fd, identity, same ? released.readEnd : 0, released.delivered);
        if (!same) file.delivered.reach(0, '');
      } else {
        const offset = atStart ? await this.positions.offsetAtStart(path, identity, fingerprint, fd, st.size, bornAtOf(st)) : 0;
        file = new FollowedFile(path, fd, identity, offset);
      }
      file.fingerprint = fingerprint;
      file.awaitingFingerprint = fingerprint === undefined;
      this.files.add(file);
      this.problems.forget(path, 'open');
    } catch (err) {
      await closeAsync(fd).catch(() => undefined);
      this.problems.once(path, 'open', `${path}: cannot open (${describeError(err)}); skipped`);
    }
  }

  /** Watches the directories of followed files and those the globs start from. */
  private updateWatches(): void {
    if (this.polling) return;
    const wanted = new Set(this.globs.map((glob) => glob.base));
    for (const file of this.files.all()) wanted.add(dirname(file.path));
    this.watches.update(wanted);
  }

  private onChange(dir: string, event: string, name: string | null): void {
    if (this.queue.stopped()) return;
    if (name === null) {
      // The kernel did not say which file: look at them all.
      this.files.readAll();
      return this.queue.rescanSoon();
    }
    const path = join(dir, name);
    const file = this.files.under(path);
    if (file) this.files.toRead.add(file);
    for (const old of this.files.drainingFiles()) if (dirname(old.path) === dir) this.files.toRead.add(old);
    if (event === 'rename' && (file || this.matchesGlob(path))) this.files.toCheck.add(path);
    this.queue.wake();
  }
}
