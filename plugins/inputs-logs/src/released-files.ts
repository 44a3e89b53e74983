import type { DeliveredPosition } from './delivered-position.js';
import type { FollowedFile } from './followed-file.js';
import type { SavedFile } from './saved-state.js';

/** How many let-go files are remembered, against reading one again when a scan finds it. */
const REMEMBERED = 1000;

/** A file released: where its reading ended, and how far it has been delivered. */
export interface ReleasedFile {
  path: string;
  identity: string;
  fingerprint?: string;
  readEnd: number;
  /** The bytes before `readEnd` (hex). */
  readCheck: string;
  delivered: DeliveredPosition;
}

/**
 * Files released (rotated away and quiet, deleted), by fingerprint, or by identity for one too
 * short to have one. A file released may be found again under a name the globs match (app.log.1
 * with `app.log*`, by a later scan); remembering where it ended keeps it from being read again.
 * Its delivered position goes with it: until its records are delivered it stays in the saved state.
 */
export class ReleasedFiles {
  private readonly files = new Map<string, ReleasedFile>();

  remember(file: FollowedFile): void {
    const key = file.fingerprint ?? file.identity;
    this.files.delete(key);
    this.files.set(key, { path: file.path, identity: file.identity, fingerprint: file.fingerprint, readEnd: file.readOffset, readCheck: file.readCheck(), delivered: file.delivered });
    for (const [oldest, released] of this.files) {
      if (this.files.size <= REMEMBERED) break;
      if (!released.delivered.unsettled) this.files.delete(oldest);
    }
  }

  /** The file released with this fingerprint (or identity), forgotten here as it is followed again. */
  take(fingerprint: string | undefined, identity: string): ReleasedFile | undefined {
    const key = fingerprint !== undefined && this.files.has(fingerprint) ? fingerprint : identity;
    const released = this.files.get(key);
    this.files.delete(key);
    return released;
  }

  /** Positions of those whose records are not all delivered yet: they stay in the saved state. */
  *undelivered(): Iterable<SavedFile> {
    for (const released of this.files.values()) {
      if (!released.delivered.unsettled) continue;
      yield { path: released.path, identity: released.identity, fingerprint: released.fingerprint, offset: released.delivered.offset, check: released.delivered.check };
    }
  }
}
