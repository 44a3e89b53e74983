import type { Logger } from '@vigil/core';

/**
 * Problems with one file (cannot open it, not text, a line too long) are logged once, not on
 * every re-scan. A failure to open is forgotten once the file opens, so a later one is
 * reported anew.
 */
export class Problems {
  private readonly reported = new Set<string>();

  constructor(private readonly log: Logger) {}

  /** Logs `message` (naming the path) unless this problem with this path was already reported. */
  once(path: string, kind: string, message: string, level: 'warn' | 'debug' = 'warn'): void {
    const key = `${kind}\0${path}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.log[level](message);
  }

  forget(path: string, kind: string): void {
    this.reported.delete(`${kind}\0${path}`);
  }
}

/** `EACCES: permission denied` from a Node error, without the syscall and path it repeats. */
export function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? e.message.split(',')[0] : String(e?.message ?? err);
}
