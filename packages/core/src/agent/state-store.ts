import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { PluginState } from '../sdk/plugin.js';

/** The file is written at most this often: saves in between share the next write. */
const PERSIST_INTERVAL_MS = 1_000;

/**
 * `[agent] statefile`: plugins' state (e.g. log file offsets) kept across restarts, as in
 * Telegraf. One JSON object keyed by plugin instance; written atomically (temp file + rename)
 * about a second after a change, and at stop. Without a statefile, state lives only as long as
 * the process. A store outlives reloads (it belongs to the environment), so a reloaded
 * configuration's plugins see what the previous one saved last.
 */
export class StateStore {
  private loaded?: Record<string, unknown>;
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private lastPersist = 0;

  constructor(
    private readonly path: string,
    private readonly log: Logger,
  ) {}

  private get states(): Record<string, unknown> {
    if (this.loaded) return this.loaded;
    this.loaded = {};
    if (!this.path) return this.loaded;
    try {
      this.loaded = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') this.log.warn(`statefile ${this.path} is unreadable (${(err as Error).message}); starting without saved state`);
    }
    return this.loaded!;
  }

  /**
   * The state slot of one plugin instance. `isActive` turns saves into no-ops once the owner is
   * gone, so a stopped configuration cannot overwrite what its successor saves.
   */
  slot(key: string, isActive: () => boolean = () => true): PluginState {
    return {
      load: () => this.states[key],
      save: (value) => {
        if (!isActive()) return;
        this.states[key] = value;
        this.dirty = true;
        // Soon after progress (the next turn when the file was written a while ago), at most once a second.
        if (this.path && !this.timer) {
          this.timer = setTimeout(() => this.persist(), Math.max(0, this.lastPersist + PERSIST_INTERVAL_MS - Date.now()));
          this.timer.unref();
        }
      },
    };
  }

  /** Writes the file if anything changed since the last write. */
  persist(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.path || !this.dirty) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.states));
      renameSync(tmp, this.path);
      this.dirty = false;
      this.lastPersist = Date.now();
    } catch (err) {
      this.log.error(`cannot write statefile ${this.path}: ${(err as Error).message}`);
    }
  }
}

/** One store per statefile path, for the life of the process. */
export class StateStores {
  private readonly stores = new Map<string, StateStore>();

  constructor(private readonly log: Logger) {}

  open(path: string): StateStore {
    let store = this.stores.get(path);
    if (!store) this.stores.set(path, (store = new StateStore(path, this.log)));
    return store;
  }
}
