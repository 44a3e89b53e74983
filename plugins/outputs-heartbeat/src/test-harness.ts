/** Runs the heartbeat output the way the agent does, with statistics the test controls. */
import type { AgentInfo, AgentStats, InputStatsEntry, LogEntry, LogRingReader, OutputStatsEntry, StatsReader, StatsSnapshot } from '@vigil/core';
import { newMetric } from '@vigil/core';
import { createOutput } from '@vigil/core/testing';
import type { Heartbeat } from './heartbeat.js';
import { heartbeatOutput } from './index.js';
import { Receiver } from './test-receiver.js';

/**
 * The agent's statistics as a test sets them. Log counts come from the log ring, as the
 * agent's own logger keeps both in step.
 */
export class TestStats implements StatsReader {
  ring?: LogRingReader;
  agent: Partial<AgentStats> = {};
  inputs: Record<string, InputStatsEntry[]> = {};
  outputs: Record<string, OutputStatsEntry[]> = {};

  snapshot(): StatsSnapshot {
    const logs = { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0 };
    for (const e of this.ring?.entries(0) ?? []) logs[e.level]++;
    const agent: AgentStats = {
      metrics_gathered: 0,
      metrics_written: 0,
      metrics_rejected: 0,
      metrics_dropped: 0,
      metrics_filtered: 0,
      gather_errors: 0,
      gather_timeouts: 0,
      log_errors: logs.error + logs.fatal,
      log_warnings: logs.warn,
      ...this.agent,
    };
    return { agent, inputs: this.inputs, outputs: this.outputs, logs, started_at: 0 };
  }
}

export function outputEntry(counters: Partial<OutputStatsEntry>): OutputStatsEntry {
  const entry = {
    alias: '',
    metrics_added: 0,
    metrics_written: 0,
    metrics_rejected: 0,
    metrics_dropped: 0,
    metrics_filtered: 0,
    buffer_size: 0,
    buffer_bytes: 0,
    buffer_limit: 10000,
    metrics_kept: 0,
    errors: 0,
    retries: 0,
    write_time_ns: 0,
    startup_errors: 0,
    ...counters,
  };
  return { ...entry, buffer_fullness: counters.buffer_fullness ?? entry.buffer_size / entry.buffer_limit };
}

export function inputEntry(counters: Partial<InputStatsEntry>): InputStatsEntry {
  return { alias: '', metrics_gathered: 0, errors: 0, gather_time_ns: 0, gather_timeouts: 0, gathers_skipped: 0, startup_errors: 0, ...counters };
}

export interface Running {
  heartbeat: Heartbeat;
  stats: TestStats;
  ring: { push(entry: Omit<LogEntry, 'seq'>): void } & LogRingReader;
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  /** Every entry the plugin itself logged, as "level message". */
  ownLogs: () => string[];
}

const running: Heartbeat[] = [];
const receivers: Receiver[] = [];

/** Creates the output (not yet connected) with `options`; `afterEach(stopAll)` closes it. */
export function createHeartbeat(options: Record<string, unknown>, agent: Partial<AgentInfo> = {}): Running {
  const stats = new TestStats();
  const { plugin, ctx } = createOutput(heartbeatOutput, { interval: '1h', ...options }, { stats, agent });
  stats.ring = ctx.ring;
  const heartbeat = plugin as Heartbeat;
  running.push(heartbeat);
  return {
    heartbeat,
    stats,
    ring: ctx.ring,
    log: (level, message) => ctx.ring.push({ timestamp: Date.now(), level, message, source: 'inputs.test' }),
    ownLogs: () => ctx.ring.entries(0).filter((e) => e.source === 'outputs.heartbeat').map((e) => `${e.level} ${e.message}`),
  };
}

export async function startReceiver(...args: Parameters<typeof Receiver.start>): Promise<Receiver> {
  const receiver = await Receiver.start(...args);
  receivers.push(receiver);
  return receiver;
}

export async function stopAll(): Promise<void> {
  const open = receivers.splice(0);
  for (const r of open) r.release();
  await Promise.all(running.splice(0).map((h) => h.close()));
  await Promise.all(open.map((r) => r.close()));
}

/** Connects (which sends the first heartbeat) and waits until it is done. */
export async function connected(run: Running): Promise<void> {
  await run.heartbeat.connect();
  await run.heartbeat.whenIdle();
}

export function metrics(count: number) {
  return Array.from({ length: count }, (_, i) => newMetric('cpu', { usage: i }));
}
