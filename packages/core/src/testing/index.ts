/**
 * Helpers for plugin tests, built-in or third-party: they validate options with the same
 * schema checks the agent uses, run a plugin with a real logger, statistics and log ring, and
 * make what a test talks to: certificates from a throw-away CA, free ports on 127.0.0.1.
 */
import { pino } from 'pino';
import { compileSchema } from '../config/validator.js';
import type { Item, LogRecord, Metric } from '../model/item.js';
import { newLogRecord, newMetric } from '../model/item.js';
import { LogRing } from '../log/ring.js';
import { Stats, type StatsReader } from '../stats/stats.js';

/** The agent's own statistics, for tests that set counters the way running plugins do. */
export { Stats, StatsSet, type InputStats, type ProcessorStats, type OutputStats } from '../stats/stats.js';
import type { Accumulator, AgentInfo, DeliveryGroup, PluginState, InputDefinition, OutputDefinition, PluginContext, PluginDefinition, ProcessorDefinition, WriteContext } from '../sdk/plugin.js';
import { VERSION } from '../version.js';

export { makeTestCertificates, readKeyPair, serverTls, type CertificateRequest, type KeyPair, type TestCertificates } from './test-certificates.js';
export { freePort } from './free-port.js';
export { requireTool } from './require-tool.js';
export { fakeRoot, removeFakeRoots, writeFiles } from './fake-root.js';
export { runVigilTest, VigilTestFolder, type VigilTestRun } from './vigil-test-run.js';
export { startConnectProxy, type ConnectProxy } from './connect-proxy.js';
export { startFixedAnswerServer, type FixedAnswer, type FixedAnswerServer } from './fixed-answer-server.js';

/** Validates `options` against the plugin's schema (defaults applied, durations → ms). Throws on problems. */
export function checkOptions<O>(def: PluginDefinition, options: Record<string, unknown>): O {
  const copy = structuredClone(options);
  const problems = compileSchema(def.schema).validate(copy);
  const own = problems.length === 0 ? [def.check?.(copy as never) ?? []].flat() : [];
  const all = [...problems, ...own];
  if (all.length > 0) throw new Error(all.map((p) => p.message).join('; '));
  return copy as O;
}

export interface TestContextOverrides {
  agent?: Partial<AgentInfo>;
  stats?: StatsReader;
  logs?: LogRing;
  intervalMs?: number;
  /** Share one between two contexts to test a restart. */
  state?: PluginState;
}

/** A state slot held in memory. */
export function memoryState(): PluginState {
  let value: unknown;
  return { load: () => value, save: (v) => (value = v) };
}

/**
 * A PluginContext with validated options, a silent logger whose entries land in `ring` and,
 * as the agent's logger does, in the log counts of `stats` when it is a `Stats`.
 */
export function createTestContext<O>(def: PluginDefinition, options: Record<string, unknown>, overrides: TestContextOverrides = {}): PluginContext<O> & { ring: LogRing } {
  const ring = overrides.logs ?? new LogRing();
  const stats = overrides.stats ?? new Stats();
  const levels: Record<number, LogRecord['level']> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
  const log = pino({
    level: 'debug',
    hooks: {
      logMethod(args, method, level) {
        const message = args.find((a): a is string => typeof a === 'string') ?? '';
        if (stats instanceof Stats) stats.logCounts[levels[level]]++;
        ring.push({ timestamp: Date.now(), level: levels[level], message, source: `${def.kind}.${def.name}` });
        method.apply(this, args);
      },
    },
  }, { write() {} });
  return {
    options: checkOptions<O>(def, options),
    id: `${def.kind}.${def.name}`,
    log,
    agent: {
      version: VERSION,
      hostname: 'test-host',
      omitHostname: false,
      logTimezone: '',
      configSources: [],
      startTime: Date.now(),
      statefile: '',
      redact: (t) => t,
      ...overrides.agent,
    },
    stats,
    logs: ring,
    intervalMs: overrides.intervalMs ?? 10_000,
    state: overrides.state ?? memoryState(),
    ring,
  };
}

export interface Gathered {
  metrics: Metric[];
  logs: LogRecord[];
  errors: string[];
  items: Item[];
}

/** A delivery group seen by a recording accumulator. */
export interface RecordedGroup {
  items: Item[];
  closed: boolean;
  /** Whether and how it was settled; undefined while pending. */
  settled?: boolean;
}

export interface DeliveryControl {
  groups: RecordedGroup[];
  /** Settles the oldest `count` closed groups still pending (all when omitted), as `delivered`. */
  settle(delivered?: boolean, count?: number): number;
}

export interface RecordingOptions {
  signal?: AbortSignal;
  /**
   * Keep delivery groups pending until `deliveries.settle()` is called, as a down output would;
   * by default a group settles as delivered as soon as it is closed.
   */
  holdDeliveries?: boolean;
}

/** An accumulator that records what it is given, delivery groups included. */
export function createRecordingAccumulator(options: RecordingOptions | AbortSignal = {}): Accumulator & Gathered & { deliveries: DeliveryControl } {
  const { signal = new AbortController().signal, holdDeliveries = false } = options instanceof AbortSignal ? { signal: options } : options;
  const metrics: Metric[] = [];
  const logs: LogRecord[] = [];
  const errors: string[] = [];
  const items: Item[] = [];
  const addMetric = (m: Metric) => {
    metrics.push(m);
    items.push(m);
  };
  const groups: RecordedGroup[] = [];
  const callbacks = new Map<RecordedGroup, (delivered: boolean) => void>();
  const settleGroup = (group: RecordedGroup, delivered: boolean) => {
    group.settled = delivered;
    const onSettled = callbacks.get(group)!;
    callbacks.delete(group);
    onSettled(delivered);
  };
  const deliveries: DeliveryControl = {
    groups,
    settle(delivered = true, count = Infinity) {
      const due = groups.filter((g) => g.closed && g.settled === undefined).slice(0, count);
      for (const g of due) settleGroup(g, delivered);
      return due.length;
    },
  };
  const trackDelivery = (onSettled: (delivered: boolean) => void): DeliveryGroup => {
    const group: RecordedGroup = { items: [], closed: false };
    groups.push(group);
    callbacks.set(group, onSettled);
    return {
      addMetric: (metric) => {
        group.items.push(metric);
        addMetric(metric);
      },
      addLog: (init) => {
        const r = newLogRecord(init);
        group.items.push(r);
        logs.push(r);
        items.push(r);
      },
      close: () => {
        if (group.closed) return;
        group.closed = true;
        if (!holdDeliveries) settleGroup(group, true);
      },
    };
  };
  return {
    metrics,
    logs,
    errors,
    items,
    signal,
    deliveries,
    trackDelivery,
    addFields: (name, fields, tags, ts) => addMetric(newMetric(name, fields, tags ?? {}, ts)),
    addGauge: (name, fields, tags, ts) => addMetric(newMetric(name, fields, tags ?? {}, ts, 'gauge')),
    addCounter: (name, fields, tags, ts) => addMetric(newMetric(name, fields, tags ?? {}, ts, 'counter')),
    addMetric,
    addLog: (init) => {
      const r = newLogRecord(init);
      logs.push(r);
      items.push(r);
    },
    addError: (e) => errors.push(e instanceof Error ? e.message : String(e)),
    waitForRoom: () => Promise.resolve(),
  };
}

/** Creates the input with `options` and runs one gather. */
export async function gatherOnce(def: InputDefinition<any>, options: Record<string, unknown> = {}, overrides: TestContextOverrides = {}): Promise<Gathered> {
  const plugin = def.create(createTestContext(def, options, overrides));
  const acc = createRecordingAccumulator();
  try {
    await plugin.gather?.(acc);
  } catch (err) {
    acc.addError(err);
  }
  await plugin.stop?.();
  return acc;
}

/** Creates a processor and returns a function that runs one item through it. */
export function createProcessor(def: ProcessorDefinition<any>, options: Record<string, unknown> = {}) {
  const plugin = def.create(createTestContext(def, options));
  return (item: Item) => plugin.process(item);
}

let writeContexts = 0;

/** A WriteContext for calling an output's write directly: a fresh batch id unless given one. */
export function writeContext(overrides: Partial<WriteContext> = {}): WriteContext {
  const batchId = overrides.batchId ?? `test-batch-${++writeContexts}`;
  return { batchId, itemIds: [], attempt: 1, signal: new AbortController().signal, ...overrides };
}

/** Creates an output, for tests that drive connect/write/close themselves. */
export function createOutput(def: OutputDefinition<any>, options: Record<string, unknown> = {}, overrides: TestContextOverrides = {}) {
  const ctx = createTestContext(def, options, overrides);
  return { plugin: def.create(ctx), ctx };
}
