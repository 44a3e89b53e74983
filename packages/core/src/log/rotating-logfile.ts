import { readdirSync, renameSync, statSync, unlinkSync, existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { pino, type DestinationStream } from 'pino';

/** Telegraf's logfile_rotation_* options; 0 turns a trigger off. */
export interface LogRotation {
  intervalMs: number;
  maxBytes: number;
  /** Archives kept, oldest removed first; -1 keeps all. */
  maxArchives: number;
}

/**
 * A logfile that rotates as Telegraf's does: once it is `maxBytes` large or `intervalMs` old,
 * it is renamed to `NAME.YYYY-MM-DD-UNIXSECONDS.EXT` next to itself and a new one is opened
 * under the configured name, so `tail -F` and log shippers keep following the same path.
 *
 * Writes stay synchronous (pino's SonicBoom with `sync: true`, as for an unrotated file):
 * the last lines before a crash or an exit are on disk. SonicBoom's `reopen()` is the hook it
 * offers for rotation; the rename and the pruning of old archives are ours.
 */
export class RotatingLogfile implements DestinationStream {
  private readonly file: ReturnType<typeof pino.destination>;
  private bytes: number;
  private openedAt = Date.now();

  constructor(
    private readonly path: string,
    private readonly rotation: LogRotation,
  ) {
    this.file = pino.destination({ dest: path, sync: true, append: true, mkdir: true });
    this.bytes = existsSync(path) ? statSync(path).size : 0;
  }

  write(line: string): void {
    this.file.write(line);
    this.bytes += Buffer.byteLength(line);
    const { maxBytes, intervalMs } = this.rotation;
    if ((maxBytes > 0 && this.bytes >= maxBytes) || (intervalMs > 0 && Date.now() - this.openedAt >= intervalMs)) this.rotate();
  }

  private rotate(): void {
    try {
      renameSync(this.path, this.archiveName());
    } catch (err) {
      // Keep logging to the file as it is rather than lose lines; try again at the next trigger.
      process.stderr.write(`vigil: cannot rotate logfile ${this.path}: ${(err as Error).message}\n`);
      this.openedAt = Date.now();
      return;
    }
    this.file.reopen();
    this.bytes = 0;
    this.openedAt = Date.now();
    this.pruneArchives();
  }

  private archiveName(): string {
    const ext = extname(this.path);
    const stem = join(dirname(this.path), basename(this.path, ext));
    const now = new Date();
    const base = `${stem}.${now.toISOString().slice(0, 10)}-${Math.floor(now.getTime() / 1000)}`;
    // Several rotations within one second (a small max size) get a counter, oldest lowest.
    let name = `${base}${ext}`;
    for (let n = 1; existsSync(name); n++) name = `${base}.${n}${ext}`;
    return name;
  }

  /** This logfile's archives, oldest first. */
  archives(): string[] {
    const ext = extname(this.path);
    const prefix = `${basename(this.path, ext)}.`;
    const dir = dirname(this.path);
    const pattern = /^\d{4}-\d{2}-\d{2}-\d+(?:\.\d+)?$/;
    return readdirSync(dir)
      .filter((n) => n.startsWith(prefix) && n.endsWith(ext) && pattern.test(n.slice(prefix.length, n.length - ext.length)))
      .map((n) => join(dir, n))
      .map((p) => ({ p, mtime: statSync(p).mtimeMs }))
      .sort((a, b) => a.mtime - b.mtime || a.p.localeCompare(b.p, 'en', { numeric: true }))
      .map((a) => a.p);
  }

  private pruneArchives(): void {
    if (this.rotation.maxArchives < 0) return;
    const archives = this.archives();
    for (const old of archives.slice(0, Math.max(0, archives.length - this.rotation.maxArchives))) {
      try {
        unlinkSync(old);
      } catch {
        // Already gone, or not ours to remove: the next rotation tries again.
      }
    }
  }
}
