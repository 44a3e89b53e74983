import type { Logger } from 'pino';
import type { Fields, Item, ItemKind, LogRecordInit, Metric, Tags } from '../model/item.js';
import type { LogRingReader } from '../log/ring.js';
import type { StatsReader } from '../stats/stats.js';

/** A JSON schema for a plugin's options. `secret: true` marks values never to be shown. */
export type OptionsSchema = {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
  additionalProperties?: boolean;
  [keyword: string]: unknown;
};

/** What an input hands its data to. */
export interface Accumulator {
  addFields(name: string, fields: Fields, tags?: Tags, timestamp?: number): void;
  addGauge(name: string, fields: Fields, tags?: Tags, timestamp?: number): void;
  addCounter(name: string, fields: Fields, tags?: Tags, timestamp?: number): void;
  addMetric(metric: Metric): void;
  addLog(record: LogRecordInit): void;
  /** Counts a gather error and logs it once, naming the plugin. The gather goes on. */
  addError(error: unknown): void;
  /** Aborted when the gather outlives its interval or the agent stops. */
  readonly signal: AbortSignal;
  /**
   * Resolves when every output has room in its buffer (at most half full), or when `signal`
   * aborts. An input that can produce faster than outputs write (a log backlog) awaits it
   * between batches, so it waits instead of making the buffers drop. Outputs that keep failing
   * keep it waiting: what it has not read yet stays where it is, unlost.
   */
  waitForRoom(): Promise<void>;
}

/** Facts about the running agent a plugin may read. */
export interface AgentInfo {
  version: string;
  hostname: string;
  omitHostname: boolean;
  /** `[agent] log_with_timezone`: '' (UTC), "local" or an IANA zone; pass it to `rfc3339`. */
  logTimezone: string;
  /** Every loaded config source: absolute paths and URLs with credentials redacted. */
  configSources: string[];
  /** Milliseconds since the epoch when this process started. */
  startTime: number;
  /** `[agent] statefile`, where plugins keep state across restarts ('' when unset). */
  statefile: string;
  /** Blanks every configured secret out of a text. */
  redact(text: string): string;
}

/**
 * A plugin instance's state kept across restarts in `[agent] statefile` (JSON-serializable).
 * `save` is cheap: the agent writes the file on stop and every few seconds.
 */
export interface PluginState {
  load(): unknown;
  save(value: unknown): void;
}

export interface PluginContext<O> {
  /** The validated options, defaults applied. */
  options: O;
  /** "inputs.system", or the alias when one is set. */
  id: string;
  /** A pino child logger named after the plugin. */
  log: Logger;
  agent: AgentInfo;
  stats: StatsReader;
  logs: LogRingReader;
  state: PluginState;
  /** The interval this instance runs on, in milliseconds (inputs: gather; outputs: flush). */
  intervalMs: number;
}

/** A problem a plugin's own check found, pointed at the option it concerns. */
export interface OptionProblem {
  option?: string;
  message: string;
}

interface DefinitionBase<O> {
  name: string;
  /** One line, shown by `vigil plugins`. */
  description: string;
  schema: OptionsSchema;
  /** The TOML block `vigil config` prints. */
  sample: string;
  /** Checks beyond the schema; return the problems found. */
  check?(options: O): OptionProblem[] | OptionProblem | undefined | void;
}

export interface InputPlugin {
  /** A polled input: called every interval. */
  gather?(acc: Accumulator): Promise<void> | void;
  /** A service input: runs from start to stop, adding to `acc` as data arrives. */
  start?(acc: Accumulator): Promise<void> | void;
  stop?(): Promise<void> | void;
}

export interface ProcessorPlugin {
  /** Returns the item (changed or not), several items, or nothing to drop it. */
  process(item: Item): Item | Item[] | null | undefined;
  close?(): Promise<void> | void;
}

export interface OutputPlugin {
  connect?(): Promise<void> | void;
  /** Throwing keeps the batch in the buffer for a later retry. */
  write(batch: Item[]): Promise<void> | void;
  close?(): Promise<void> | void;
  /** What the output would send now, for `vigil heartbeat --print` style previews. */
  preview?(): Promise<unknown> | unknown;
}

export interface InputDefinition<O = Record<string, unknown>> extends DefinitionBase<O> {
  kind: 'inputs';
  create(ctx: PluginContext<O>): InputPlugin;
}

export interface ProcessorDefinition<O = Record<string, unknown>> extends DefinitionBase<O> {
  kind: 'processors';
  create(ctx: PluginContext<O>): ProcessorPlugin;
}

export interface OutputDefinition<O = Record<string, unknown>> extends DefinitionBase<O> {
  kind: 'outputs';
  /** Which items the output receives. */
  accepts: ItemKind[];
  create(ctx: PluginContext<O>): OutputPlugin;
}

export type PluginDefinition = InputDefinition<any> | ProcessorDefinition<any> | OutputDefinition<any>;
export type PluginKind = PluginDefinition['kind'];

export function defineInput<O>(def: Omit<InputDefinition<O>, 'kind'>): InputDefinition<O> {
  return { kind: 'inputs', ...def };
}

export function defineProcessor<O>(def: Omit<ProcessorDefinition<O>, 'kind'>): ProcessorDefinition<O> {
  return { kind: 'processors', ...def };
}

export function defineOutput<O>(def: Omit<OutputDefinition<O>, 'kind'>): OutputDefinition<O> {
  return { kind: 'outputs', ...def };
}

export function isPluginDefinition(value: unknown): value is PluginDefinition {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<PluginDefinition>;
  return (
    (v.kind === 'inputs' || v.kind === 'processors' || v.kind === 'outputs') &&
    typeof v.name === 'string' &&
    typeof v.create === 'function'
  );
}
