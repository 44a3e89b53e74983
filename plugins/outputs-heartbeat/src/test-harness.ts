/** Runs the heartbeat output the way the agent does, with the agent's statistics, which the test sets. */
import type { AgentInfo, LogEntry, LogLevel, LogRingReader } from '@vigil/core';
import { newMetric } from '@vigil/core';
import { createOutput, Stats, StatsSet, type InputStats, type OutputStats } from '@vigil/core/testing';
import type { Heartbeat } from './heartbeat.js';
import { heartbeatOutput } from './index.js';
import { Receiver } from './test-receiver.js';

export interface Running {
  heartbeat: Heartbeat;
  stats: Stats;
  /** The log ring the output reads; write to it with `log`. */
  ring: LogRingReader;
  /** An entry logged by another plugin: in the ring and the log counts, as the agent's logger does. */
  log: (level: LogLevel, message: string, entry?: Partial<Omit<LogEntry, 'seq' | 'level' | 'message'>>) => void;
  /** Registers an input instance; the test sets its counters as a running input would. */
  input: (name: string, alias?: string) => InputStats;
  /** Registers an output instance; the test sets its counters as a running output would. */
  output: (name: string, options?: { alias?: string; bufferLimit?: number }) => OutputStats;
  /** Every entry the plugin itself logged, as "level message". */
  ownLogs: () => string[];
}

const running: Heartbeat[] = [];
const receivers: Receiver[] = [];

/** Creates the output (not yet connected) with `options`; `afterEach(stopAll)` closes it. */
export function createHeartbeat(options: Record<string, unknown>, agent: Partial<AgentInfo> = {}): Running {
  const stats = new Stats();
  const set = new StatsSet();
  stats.activate(set);
  const { plugin, ctx } = createOutput(heartbeatOutput, { interval: '1h', ...options }, { stats, agent });
  const heartbeat = plugin as Heartbeat;
  running.push(heartbeat);
  return {
    heartbeat,
    stats,
    ring: ctx.ring,
    log: (level, message, entry = {}) => {
      stats.logCounts[level]++;
      ctx.ring.push({ timestamp: Date.now(), source: 'inputs.test', ...entry, level, message });
    },
    input: (name, alias = '') => set.registerInput(name, alias),
    output: (name, { alias = '', bufferLimit = 10_000 } = {}) => set.registerOutput(name, alias, bufferLimit),
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
