import { read } from 'node:fs';
import { promisify } from 'node:util';
import { isRotationName } from './fingerprinter.js';
import { readCheckBytes } from './followed-file.js';

const readAsync = promisify(read);

/** One file's place as saved in the agent's statefile. */
export interface SavedFile {
  /** The name it was followed under. */
  path: string;
  /** `dev:ino` */
  identity: string;
  /** What the file is by content (fingerprinter.ts): found by it under a new name or inode. */
  fingerprint?: string;
  /** Offset past the last line handed on. */
  offset: number;
  /** The bytes before `offset`, hex: tells the same file from a truncated or reused one. */
  check: string;
}

export interface SavedState {
  files: SavedFile[];
  /** Milliseconds since the epoch when it was saved: files born later appeared while stopped. */
  savedAt?: number;
}

export type InitialReadOffset = 'beginning' | 'end' | 'saved-or-beginning' | 'saved-or-end';

/** What `ctx.state.load()` returned, if it is state this plugin saved. */
export function parseSavedState(value: unknown): SavedState | undefined {
  const files = (value as SavedState | undefined)?.files;
  if (!Array.isArray(files)) return undefined;
  const valid = files.filter(
    (f): f is SavedFile =>
      typeof f?.path === 'string' &&
      typeof f.identity === 'string' &&
      (f.fingerprint === undefined || typeof f.fingerprint === 'string') &&
      Number.isSafeInteger(f.offset) &&
      f.offset >= 0 &&
      typeof f.check === 'string',
  );
  const savedAt = (value as SavedState).savedAt;
  return { files: valid, savedAt: typeof savedAt === 'number' ? savedAt : undefined };
}

/** Whether the open file still holds, just before the saved offset, the bytes it held then. */
export function stillHolds(fd: number, saved: SavedFile): boolean {
  return readCheckBytes(fd, saved.offset) === saved.check;
}

/**
 * Where each file found at start begins to be read. Saved places are used (with the `saved-…`
 * policies) when the file is still the same, found by fingerprint (under any name) or, for a
 * file saved before it had one, by device and inode; a file that replaced one we followed was
 * written since, so it is read whole; any other file follows the policy.
 */
export class StartPositions {
  private readonly byFingerprint = new Map<string, SavedFile[]>();
  private readonly byIdentity = new Map<string, SavedFile>();
  private readonly pathsSeen = new Set<string>();
  private readonly claimed = new Set<SavedFile>();
  private readonly savedAt?: number;

  constructor(
    private readonly policy: InitialReadOffset,
    saved: SavedState | undefined,
  ) {
    const useSaved = policy === 'saved-or-beginning' || policy === 'saved-or-end';
    if (useSaved) this.savedAt = saved?.savedAt;
    for (const file of useSaved ? (saved?.files ?? []) : []) {
      if (file.fingerprint) this.byFingerprint.set(file.fingerprint, [...(this.byFingerprint.get(file.fingerprint) ?? []), file]);
      this.byIdentity.set(file.identity, file);
      this.pathsSeen.add(file.path);
    }
  }

  /**
   * The saved place of the file found at `path`. Files sharing a first line share a
   * fingerprint: the one saved under this path, or this inode, is taken first.
   */
  private savedFor(path: string, identity: string, fingerprint: string | undefined): SavedFile | undefined {
    const candidates = (fingerprint === undefined ? [] : (this.byFingerprint.get(fingerprint) ?? [])).filter((f) => !this.claimed.has(f));
    // Under another name only when named like its rotation (app.log saved, found as app.log.1).
    const match = candidates.find((f) => f.path === path) ?? candidates.find((f) => f.identity === identity) ?? candidates.find((f) => isRotationName(path, f.path));
    if (match) return match;
    // Saved before it had a fingerprint (too short then, or an older statefile).
    const byInode = this.byIdentity.get(identity);
    return byInode && !byInode.fingerprint && !this.claimed.has(byInode) ? byInode : undefined;
  }

  /**
   * The offset to start `path` (open as `fd`, `size` bytes, created at `bornAt`) at, when found
   * by the first scan. A file created after the state was saved appeared while the agent was
   * stopped: it is read whole, so a restart skips no line.
   */
  async offsetAtStart(path: string, identity: string, fingerprint: string | undefined, fd: number, size: number, bornAt: number): Promise<number> {
    const saved = this.savedFor(path, identity, fingerprint);
    if (saved) {
      this.claimed.add(saved);
      return saved.offset <= size && stillHolds(fd, saved) ? saved.offset : 0;
    }
    if (this.pathsSeen.has(path) || this.policy === 'beginning' || this.policy === 'saved-or-beginning') return 0;
    if (this.savedAt !== undefined && bornAt > this.savedAt) return 0;
    return endOfLastLine(fd, size);
  }

  /** Saved files the first scan did not find under their names: rotated while the agent was stopped. */
  unclaimed(): SavedFile[] {
    return [...this.byIdentity.values(), ...[...this.byFingerprint.values()].flat()].filter((f, i, all) => !this.claimed.has(f) && all.indexOf(f) === i);
  }
}

/** Past the last line break (so reading starts on a line's first byte), or 0 when there is none near the end. */
async function endOfLastLine(fd: number, size: number): Promise<number> {
  const length = Math.min(size, 65_536);
  const tail = Buffer.alloc(length);
  const { bytesRead } = await readAsync(fd, tail, 0, length, size - length);
  const newline = tail.subarray(0, bytesRead).lastIndexOf(10);
  return newline < 0 ? (size > length ? size : 0) : size - length + newline + 1;
}
