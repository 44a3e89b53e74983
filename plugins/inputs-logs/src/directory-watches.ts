import { watch, type FSWatcher } from 'node:fs';

export interface WatchEvents {
  /** Something changed in `dir`: `name` written to (`change`) or created, removed, renamed (`rename`); null when unknown. */
  changed(dir: string, event: string, name: string | null): void;
  /** A watched directory went away or broke: look again. */
  lost(dir: string): void;
  /** Watches cannot be had (inotify limits): fall back to polling. */
  failed(dir: string, err: NodeJS.ErrnoException): void;
}

/** inotify watches on directories (Linux watches a directory's files through the directory). */
export class DirectoryWatches {
  private readonly watchers = new Map<string, FSWatcher>();
  private closed = false;

  constructor(private readonly events: WatchEvents) {}

  /** Watches exactly the directories in `wanted`. */
  update(wanted: Set<string>): void {
    for (const [dir, watcher] of this.watchers) {
      if (wanted.has(dir)) continue;
      watcher.close();
      this.watchers.delete(dir);
    }
    for (const dir of wanted) this.add(dir);
  }

  add(dir: string): void {
    if (this.closed || this.watchers.has(dir)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: false }, (event, name) => this.events.changed(dir, event, name === null ? null : name.toString()));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Not there yet: the next expansion of the globs tries again.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') this.events.failed(dir, err as NodeJS.ErrnoException);
      return;
    }
    watcher.on('error', () => {
      watcher.close();
      this.watchers.delete(dir);
      this.events.lost(dir);
    });
    this.watchers.set(dir, watcher);
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}
