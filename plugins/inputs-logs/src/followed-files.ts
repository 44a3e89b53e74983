import type { FollowedFile } from './followed-file.js';

/**
 * The files followed and what is due for each: the bookkeeping the watcher, the recovery and
 * the read queue share. A file is active (followed under its name) or draining (renamed away,
 * read until it goes quiet), and known by its identity (`dev:ino`) either way.
 */
export class FollowedFiles {
  /** Files by the name they are followed under. */
  private readonly active = new Map<string, FollowedFile>();
  /** Files renamed away, read until they have been quiet for ROTATE_WAIT_MS. */
  private readonly draining = new Set<FollowedFile>();
  private readonly byIdentity = new Map<string, FollowedFile>();
  /** Files to read (data may have come), in the order they were noticed. */
  readonly toRead = new Set<FollowedFile>();
  /** Paths to check (a rename): they may name another file now. */
  readonly toCheck = new Set<string>();
  /** A file was added or dropped, or a position moved: save at the end of the step. */
  changed = false;

  /** `added` is told of every file added (its folder is to be watched). */
  constructor(private readonly added: (file: FollowedFile) => void) {}

  /** Draining files first: their data is older. */
  *all(): Iterable<FollowedFile> {
    yield* this.draining;
    yield* this.active.values();
  }

  *drainingFiles(): Iterable<FollowedFile> {
    yield* this.draining;
  }

  paths(): Iterable<string> {
    return this.active.keys();
  }

  under(path: string): FollowedFile | undefined {
    return this.active.get(path);
  }

  withIdentity(identity: string): FollowedFile | undefined {
    return this.byIdentity.get(identity);
  }

  has(identity: string): boolean {
    return this.byIdentity.has(identity);
  }

  add(file: FollowedFile): void {
    if (file.drainingSince) this.draining.add(file);
    else this.active.set(file.path, file);
    this.byIdentity.set(file.identity, file);
    this.toRead.add(file);
    this.changed = true;
    this.added(file);
  }

  /**
   * The path no longer names `file`: it is read on, before the file now under the name (draining
   * files come first), and dropped once deleted or quiet for ROTATE_WAIT_MS.
   */
  renamedAway(file: FollowedFile): void {
    this.active.delete(file.path);
    file.drainingSince = file.lastDataAt = Date.now();
    this.draining.add(file);
    this.toRead.add(file);
  }

  /** A draining file found under a name the globs match (app.log → app.log.1 with `app.log*`): followed under it. */
  foundUnder(file: FollowedFile, path: string): void {
    if (!this.draining.delete(file)) return;
    file.drainingSince = 0;
    file.finishing = false;
    file.path = path;
    this.active.set(path, file);
  }

  remove(file: FollowedFile): void {
    if (this.active.get(file.path) === file) this.active.delete(file.path);
    this.draining.delete(file);
    this.byIdentity.delete(file.identity);
    this.toRead.delete(file);
    this.changed = true;
  }

  readAll(): void {
    for (const file of this.all()) this.toRead.add(file);
  }

  clear(): void {
    this.active.clear();
    this.draining.clear();
    this.byIdentity.clear();
  }
}
