import type { Logger } from 'pino';
import type { Fields, Item, ItemKind, LogRecordInit, Metric, Tags } from '../model/item.js';
import type { WriteResult } from './write-result.js';
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
   * Resolves once every output this input feeds with `when_full = "block"` is at most half full,
   * or when `signal` aborts. An input that can produce faster than outputs write (a log backlog) awaits
   * it between batches. Outputs that drop when full, or that this input does not feed, never
   * hold it back.
   */
  waitForRoom(): Promise<void>;
  /**
   * Starts a group of items whose delivery the input wants to hear about (Telegraf's tracking
   * metrics): `onSettled` runs once, after `close()`, when every output that took an item of the
   * group has written it or stored it in a disk buffer, or dropped or rejected it (counted).
   * `delivered` is false when some item was still unwritten when the agent stopped: an input
   * that keeps a position (a file offset) must not move past it.
   */
  trackDelivery(onSettled: (delivered: boolean) => void): DeliveryGroup;
}

/** Items added here are settled together; see Accumulator.trackDelivery. */
export interface DeliveryGroup {
  addMetric(metric: Metric): void;
  addLog(record: LogRecordInit): void;
  /** No more items will be added; the group settles once its items have (at once if none were taken). */
  close(): void;
}

/** What a write is told besides its batch. */
export interface WriteContext {
  /**
   * The same on every retry of this batch and, with a disk buffer, after a restart: use it as
   * an Idempotency-Key or message id so a batch sent again is recognised by the receiver.
   */
  batchId: string;
  /** One stable id per item of the batch, in order (e.g. for a broker's message deduplication). */
  itemIds: string[];
  /** 1 on the first attempt at this batch in this process. */
  attempt: number;
  /** Aborted when the write outlives the output's `timeout` (it is then abandoned and retried). */
  signal: AbortSignal;
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
  /** "inputs.system", or Telegraf's "inputs.system::alias" when an alias is set. */
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
  /**
   * `vigil check-connection`: checks reachability, TLS and credentials without sending data,
   * when `connect()` is too cheap to tell (it may leave the destination to a background task).
   * Resolves with a short detail line; throws with the reason. Without it, `connect()` is used.
   */
  checkConnection?(): Promise<string | void>;
  /**
   * Writes one batch. Resolving with nothing (or `written()`) means written; throwing or
   * `retryLater()` keeps the batch at the front of the buffer for a retry with backoff;
   * `rejectBatch()` drops it for good (counted and logged). See write-result.ts.
   */
  write(batch: Item[], context: WriteContext): Promise<WriteResult | void> | WriteResult | void;
  close?(): Promise<void> | void;
  /**
   * What the output would send now, for `vigil heartbeat --print` style previews; `items`, when
   * given, are one gather's items (`vigil ingest --print`). Sends nothing, changes no state.
   */
  preview?(items?: Item[]): Promise<unknown> | unknown;
  /**
   * The policy in force that the destination gave this output (outputs.ingest's edge policy),
   * shown by the status API under `policy`. Plain JSON; secrets are blanked out before it is shown.
   */
  policy?(): unknown;
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
  /**
   * The buffer_strategy when the output's own block sets none, over [agent]'s: "disk" for an
   * output whose guarantee rests on it (outputs.ingest).
   */
  bufferStrategy?: 'memory' | 'disk';
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
