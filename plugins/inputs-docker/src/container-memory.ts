import type { CpuSample } from './cpu-fields.js';

/** What the plugin keeps about a container from one gather to the next. */
export interface Remembered {
  /** The CPU counters of the last stats sample, for the next `usage_percent`. */
  cpu?: CpuSample;
  /** The start of the run `cpu` was sampled in: counters of an earlier run do not compare. */
  cpuRun?: string;
  /** Why it last stopped, from the engine's events (its state forgets once it runs again). */
  exitReason?: string;
  /** An `oom` event came and its `die` has not yet. */
  oomPending?: boolean;
}

/** Per-container memory, dropped as soon as a container is no longer listed by the engine. */
export class ContainerMemory {
  private readonly byId = new Map<string, Remembered>();

  of(id: string): Remembered {
    let entry = this.byId.get(id);
    if (!entry) this.byId.set(id, (entry = {}));
    return entry;
  }

  peek(id: string): Remembered | undefined {
    return this.byId.get(id);
  }

  forget(id: string): void {
    this.byId.delete(id);
  }

  /** Drops every container not in `present`. */
  keepOnly(present: ReadonlySet<string>): void {
    for (const id of this.byId.keys()) if (!present.has(id)) this.byId.delete(id);
  }

  /** The ids remembered now. */
  ids(): string[] {
    return [...this.byId.keys()];
  }
}
