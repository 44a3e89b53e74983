/**
 * The two kinds of item that flow through the pipeline. Both carry a name, tags and a
 * timestamp so that global tags, selectors and processors treat them alike.
 */

/** A field value: `number` is a float, `bigint` an integer (serialized `42i`). */
export type FieldValue = number | bigint | string | boolean;
export type Tags = Record<string, string>;
export type Fields = Record<string, FieldValue>;
export type MetricType = 'gauge' | 'counter' | 'untyped';

export interface Metric {
  readonly kind: 'metric';
  name: string;
  tags: Tags;
  fields: Fields;
  /** Milliseconds since the Unix epoch. */
  timestamp: number;
  type: MetricType;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type AttributeValue = string | number | boolean;

export interface LogRecord {
  readonly kind: 'log';
  /** The stream name selectors match on; inputs default it to their own name (e.g. "logs"). */
  name: string;
  tags: Tags;
  /** Milliseconds since the Unix epoch. */
  timestamp: number;
  level: LogLevel;
  message: string;
  /** Where the record came from: a file path, a container, a plugin. */
  source: string;
  attributes: Record<string, AttributeValue>;
}

export type Item = Metric | LogRecord;
export type ItemKind = Item['kind'];

export function newMetric(
  name: string,
  fields: Fields,
  tags: Tags = {},
  timestamp: number = Date.now(),
  type: MetricType = 'untyped',
): Metric {
  return { kind: 'metric', name, tags, fields, timestamp, type };
}

export interface LogRecordInit {
  level: LogLevel;
  message: string;
  timestamp?: number;
  source?: string;
  name?: string;
  tags?: Tags;
  attributes?: Record<string, AttributeValue>;
}

export function newLogRecord(init: LogRecordInit, defaultName = 'log'): LogRecord {
  return {
    kind: 'log',
    name: init.name ?? defaultName,
    tags: init.tags ?? {},
    timestamp: init.timestamp ?? Date.now(),
    level: init.level,
    message: init.message,
    source: init.source ?? '',
    attributes: init.attributes ?? {},
  };
}

/** Severity rank, for thresholds: trace 0 … fatal 5. */
export function levelRank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

export function cloneItem<T extends Item>(item: T): T {
  if (item.kind === 'metric') return { ...item, tags: { ...item.tags }, fields: { ...item.fields } };
  return { ...item, tags: { ...item.tags }, attributes: { ...item.attributes } };
}
