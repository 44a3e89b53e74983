import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { PluginState } from '../sdk/plugin.js';

/**
 * `[agent] statefile`: plugins' state (e.g. log file offsets) kept across restarts, as in
 * Telegraf. One JSON object keyed by plugin instance; written atomically (temp file + rename)
 * on stop and periodically. Without a statefile, state lives only as long as the process.
 */
export class StateStore {
  private loaded?: Record<string, unknown>;
  private dirty = false;

  constructor(
    private readonly path: string,
    private readonly log: Logger,
  ) {}

  /**
   * Read at the first `load()`, not before: on a reload the old agent writes its state when it
   * stops, and the new one must see that, not what the file held a few seconds earlier.
   */
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

  /** The state slot of one plugin instance. */
  slot(key: string): PluginState {
    return {
      load: () => this.states[key],
      save: (value) => {
        this.states[key] = value;
        this.dirty = true;
      },
    };
  }

  /** Writes the file if anything changed since the last write. */
  persist(): void {
    if (!this.path || !this.dirty) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.states));
      renameSync(tmp, this.path);
      this.dirty = false;
    } catch (err) {
      this.log.error(`cannot write statefile ${this.path}: ${(err as Error).message}`);
    }
  }
}
