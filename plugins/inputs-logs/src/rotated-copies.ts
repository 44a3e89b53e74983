import { close, constants, fstat, open, readdir, stat, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { isCompressed, isRotationName, type Fingerprinter } from './fingerprinter.js';
import { FollowedFile, readCheckBytes } from './followed-file.js';
import { stillHolds, type SavedFile } from './saved-state.js';

const openAsync = promisify(open);
const closeAsync = promisify(close);
const fstatAsync = promisify(fstat);
const statAsync = promisify(stat);
const readdirAsync = promisify(readdir);

export function identityOf(st: Stats): string {
  return `${st.dev}:${st.ino}`;
}

/**
 * Finds, beside a file, the rotation holding what was not read of it: the copy copytruncate
 * made before truncating it, or the file a rotation moved while the agent was stopped.
 */
export class RotatedCopies {
  constructor(
    private readonly fingerprints: Fingerprinter,
    /** Whether a file (`dev:ino`) is followed already. */
    private readonly followed: (identity: string) => boolean,
  ) {}

  /**
   * The copy of `file` as it was before its truncation: named like its rotation, with its
   * fingerprint and, before the read offset, the bytes read. It takes over the file's
   * delivered position (the records handed on came from what it now holds), under the name it
   * was read as, so its records keep their source.
   */
  async copyOf(file: FollowedFile): Promise<FollowedFile | undefined> {
    if (!file.fingerprint) return undefined;
    for (const path of await this.rotationsOf(file.path)) {
      const fd = await openAsync(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
      if (fd === undefined) continue;
      const st = await fstatAsync(fd).catch(() => undefined);
      if (st?.isFile() && !this.followed(identityOf(st)) && st.size >= file.readOffset && this.fingerprintOf(fd) === file.fingerprint && readCheckBytes(fd, file.readOffset) === file.readCheck()) {
        const copy = new FollowedFile(file.path, fd, identityOf(st), file.readOffset, file.delivered);
        copy.fingerprint = file.fingerprint;
        copy.drainingSince = copy.lastDataAt = Date.now();
        return copy;
      }
      await closeAsync(fd).catch(() => undefined);
    }
    return undefined;
  }

  /**
   * The file saved as `saved` when it is no longer under its name: renamed (same inode, any
   * name in the folder) or copied (a rotation's name, same fingerprint), still holding the
   * saved bytes before the saved offset. To be read from there to its end.
   */
  async rotatedWhileStopped(saved: SavedFile): Promise<FollowedFile | undefined> {
    const names = await readdirAsync(dirname(saved.path)).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(dirname(saved.path), name);
      // Still under its old name yet not found by the scan: no longer configured, not rotated.
      if (path === saved.path || isCompressed(path)) continue;
      const st = await statAsync(path).catch(() => undefined);
      if (!st?.isFile() || st.size < saved.offset || this.followed(identityOf(st))) continue;
      const sameInode = identityOf(st) === saved.identity;
      if (!sameInode && !(saved.fingerprint && isRotationName(path, saved.path))) continue;
      const fd = await openAsync(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
      if (fd === undefined) continue;
      const fingerprint = this.fingerprintOf(fd);
      if ((!sameInode && fingerprint !== saved.fingerprint) || !stillHolds(fd, saved)) {
        await closeAsync(fd);
        continue;
      }
      const file = new FollowedFile(saved.path, fd, identityOf(st), saved.offset);
      file.fingerprint = fingerprint;
      file.drainingSince = Date.now();
      return file;
    }
    return undefined;
  }

  /** The fingerprint, or undefined when the file is too short or cannot be read now (its read will tell). */
  fingerprintOf(fd: number): string | undefined {
    try {
      return this.fingerprints.of(fd);
    } catch {
      return undefined;
    }
  }

  /** Uncompressed files in `path`'s folder named like its rotations. */
  private async rotationsOf(path: string): Promise<string[]> {
    const names = await readdirAsync(dirname(path)).catch(() => [] as string[]);
    return names.map((name) => join(dirname(path), name)).filter((p) => isRotationName(p, path) && !isCompressed(p));
  }
}
