import { readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { globSource as nameGlobSource } from '@vigil/core';

const globSource = (glob: string) => nameGlobSource(glob, { paths: true });

const GLOB_CHARS = /[*?[{]/;

/**
 * A `files` pattern: `*` matches within one path segment, `**` across segments, `?`, `[abc]`,
 * `[!abc]` and `{a,b}` as usual. Relative patterns are taken from the working directory.
 */
export class FileGlob {
  /** The deepest directory named without glob characters: where the walk starts. */
  readonly base: string;
  private readonly rest: string[];
  private readonly whole: RegExp;
  private readonly segmentMatchers: RegExp[];

  constructor(readonly pattern: string) {
    const absolute = resolve(pattern);
    const parts = absolute.split(sep);
    let fixed = 0;
    while (fixed < parts.length - 1 && !GLOB_CHARS.test(parts[fixed])) fixed++;
    this.base = parts.slice(0, fixed).join(sep) || sep;
    this.rest = parts.slice(fixed);
    this.whole = new RegExp(`^${globSource(absolute)}$`, 's');
    this.segmentMatchers = this.rest.map((p) => new RegExp(`^${globSource(p)}$`, 's'));
  }

  matches(path: string): boolean {
    return this.whole.test(path);
  }

  /**
   * Every existing path the pattern names, whatever its type: the caller reports what it
   * cannot follow. `onDirError` hears of directories that could not be listed (not of
   * missing ones, which are normal until a log appears).
   */
  async expand(onDirError: (dir: string, err: NodeJS.ErrnoException) => void): Promise<string[]> {
    const found: string[] = [];
    await this.walk(this.base, 0, found, onDirError);
    return found;
  }

  private async walk(dir: string, index: number, found: string[], onDirError: (dir: string, err: NodeJS.ErrnoException) => void): Promise<void> {
    const segment = this.rest[index];
    const last = index === this.rest.length - 1;
    if (segment.includes('**')) return this.walkDeep(dir, found, onDirError);
    if (!GLOB_CHARS.test(segment)) {
      const path = join(dir, segment);
      if (last) {
        if (await exists(path)) found.push(path);
      } else await this.walk(path, index + 1, found, onDirError);
      return;
    }
    for (const entry of await list(dir, onDirError)) {
      if (!this.segmentMatchers[index].test(entry.name)) continue;
      const path = join(dir, entry.name);
      if (last) found.push(path);
      else if (entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(path)))) await this.walk(path, index + 1, found, onDirError);
    }
  }

  /** Below a `**`: every path under `dir` tested against the whole pattern; symlinked directories are not entered (loops). */
  private async walkDeep(dir: string, found: string[], onDirError: (dir: string, err: NodeJS.ErrnoException) => void): Promise<void> {
    for (const entry of await list(dir, onDirError)) {
      const path = join(dir, entry.name);
      if (this.whole.test(path)) found.push(path);
      if (entry.isDirectory()) await this.walkDeep(path, found, onDirError);
    }
  }
}

async function list(dir: string, onDirError: (dir: string, err: NodeJS.ErrnoException) => void) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') onDirError(dir, err as NodeJS.ErrnoException);
    return [];
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
