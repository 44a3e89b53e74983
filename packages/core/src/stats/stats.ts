/**
 * Telegraf-style internal statistics. Running plugins bump plain counters on the hot path;
 * `snapshot()` copies them (and derives agent totals) for readers such as the heartbeat.
 * Counters count pipeline items, metrics and log records alike.
 */

export interface InputStats {
  metrics_gathered: number;
  errors: number;
  gather_time_ns: number;
  gather_timeouts: number;
  /** Gathers skipped because an output this input feeds was full with when_full = "block". */
  gathers_skipped: number;
  startup_errors: number;
}

export interface OutputStats {
  metrics_added: number;
  metrics_written: number;
  metrics_rejected: number;
  metrics_dropped: number;
  metrics_filtered: number;
  buffer_size: number;
  /** Bytes a disk buffer holds (0 for memory). */
  buffer_bytes: number;
  buffer_limit: number;
  /** Items left unwritten in a disk buffer at stop, for the next start. */
  metrics_kept: number;
  errors: number;
  retries: number;
  write_time_ns: number;
  startup_errors: number;
}

/** Counted where the pipeline runs the processor: its selectors and its `process` together. */
export interface ProcessorStats {
  /** Items that reached the processor, selected by it or not. */
  metrics_received: number;
  /** Items it passed on: unselected ones unchanged, and every item a `process` call returned. */
  metrics_emitted: number;
  /** Items it ended: `process` returned nothing, its selectors removed every field, or it threw. */
  metrics_dropped: number;
  /** Items whose `process` threw (each also dropped). */
  errors: number;
  /** Estimated from one item in 16 (see RunningProcessor): reading the clock per item costs more than most processors. */
  process_time_ns: number;
}

export interface InputStatsEntry extends InputStats {
  alias: string;
}

export interface ProcessorStatsEntry extends ProcessorStats {
  alias: string;
}

export interface OutputStatsEntry extends OutputStats {
  alias: string;
  /** buffer_size / buffer_limit, 0 … 1. */
  buffer_fullness: number;
}

export interface AgentStats {
  metrics_gathered: number;
  metrics_written: number;
  metrics_rejected: number;
  metrics_dropped: number;
  metrics_filtered: number;
  gather_errors: number;
  gather_timeouts: number;
  log_errors: number;
  log_warnings: number;
}

export interface LogCounts {
  trace: number;
  debug: number;
  info: number;
  warn: number;
  error: number;
  fatal: number;
}

export interface StatsSnapshot {
  agent: AgentStats;
  /** Keyed by plugin name ("system"), one entry per configured instance. */
  inputs: Record<string, InputStatsEntry[]>;
  /** A name's entries in the order its instances run. */
  processors: Record<string, ProcessorStatsEntry[]>;
  outputs: Record<string, OutputStatsEntry[]>;
  logs: LogCounts;
  /** Milliseconds since the epoch when the agent started. */
  started_at: number;
}

/** What plugins see of the statistics. */
export interface StatsReader {
  snapshot(): StatsSnapshot;
}

interface Registered<T> {
  name: string;
  alias: string;
  stats: T;
}

/** The counters of one configuration's plugins; a reload makes a new set and activates it. */
export class StatsSet {
  readonly inputs: Registered<InputStats>[] = [];
  readonly processors: Registered<ProcessorStats>[] = [];
  readonly outputs: Registered<OutputStats>[] = [];
  registerInput(name: string, alias = ''): InputStats {
    const stats: InputStats = { metrics_gathered: 0, errors: 0, gather_time_ns: 0, gather_timeouts: 0, gathers_skipped: 0, startup_errors: 0 };
    this.inputs.push({ name, alias, stats });
    return stats;
  }

  registerProcessor(name: string, alias = ''): ProcessorStats {
    const stats: ProcessorStats = { metrics_received: 0, metrics_emitted: 0, metrics_dropped: 0, errors: 0, process_time_ns: 0 };
    this.processors.push({ name, alias, stats });
    return stats;
  }

  registerOutput(name: string, alias: string, bufferLimit: number): OutputStats {
    const stats: OutputStats = {
      metrics_added: 0,
      metrics_written: 0,
      metrics_rejected: 0,
      metrics_dropped: 0,
      metrics_filtered: 0,
      buffer_size: 0,
      buffer_bytes: 0,
      buffer_limit: bufferLimit,
      metrics_kept: 0,
      errors: 0,
      retries: 0,
      write_time_ns: 0,
      startup_errors: 0,
    };
    this.outputs.push({ name, alias, stats });
    return stats;
  }
}

export class Stats implements StatsReader {
  private active = new StatsSet();
  readonly logCounts: LogCounts = { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0 };
  readonly startedAt = Date.now();

  /** Makes `set` the one snapshots read (a reloaded configuration's counters start again). */
  activate(set: StatsSet): void {
    this.active = set;
  }

  snapshot(): StatsSnapshot {
    const agent: AgentStats = {
      metrics_gathered: 0,
      metrics_written: 0,
      metrics_rejected: 0,
      metrics_dropped: 0,
      metrics_filtered: 0,
      gather_errors: 0,
      gather_timeouts: 0,
      log_errors: this.logCounts.error + this.logCounts.fatal,
      log_warnings: this.logCounts.warn,
    };
    const inputs: Record<string, InputStatsEntry[]> = {};
    for (const { name, alias, stats } of this.active.inputs) {
      agent.metrics_gathered += stats.metrics_gathered;
      agent.gather_errors += stats.errors;
      agent.gather_timeouts += stats.gather_timeouts;
      (inputs[name] ??= []).push({ alias, ...stats });
    }
    const processors: Record<string, ProcessorStatsEntry[]> = {};
    for (const { name, alias, stats } of this.active.processors) (processors[name] ??= []).push({ alias, ...stats });
    const outputs: Record<string, OutputStatsEntry[]> = {};
    for (const { name, alias, stats } of this.active.outputs) {
      agent.metrics_written += stats.metrics_written;
      agent.metrics_rejected += stats.metrics_rejected;
      agent.metrics_dropped += stats.metrics_dropped;
      agent.metrics_filtered += stats.metrics_filtered;
      const buffer_fullness = stats.buffer_limit > 0 ? stats.buffer_size / stats.buffer_limit : 0;
      (outputs[name] ??= []).push({ alias, ...stats, buffer_fullness });
    }
    return { agent, inputs, processors, outputs, logs: { ...this.logCounts }, started_at: this.startedAt };
  }
}
