import type { FieldValue, Item, LogRecord } from './item.js';
import { LastTags } from './last-tags.js';

// Escaping rules of InfluxDB line protocol: measurement escapes comma and space; tag keys,
// tag values and field keys also escape '='; string field values escape '"' and '\'.
const MEASUREMENT_SPECIAL = /[, \\\n]/;
const KEY_SPECIAL = /[,= \\\n]/;
const STRING_SPECIAL = /["\\\n]/;

/**
 * Names, keys and tag values repeat from one metric to the next, so their escaped forms are
 * memoized; the cache starts over when full so odd cardinalities can't grow it without bound.
 */
function memoized(escape: (s: string) => string, limit = 10_000): (s: string) => string {
  const cache = new Map<string, string>();
  return (s) => {
    let escaped = cache.get(s);
    if (escaped === undefined) {
      if (cache.size >= limit) cache.clear();
      escaped = escape(s);
      cache.set(s, escaped);
    }
    return escaped;
  };
}

const escapeMeasurement = memoized((s) => (MEASUREMENT_SPECIAL.test(s) ? s.replace(/[, \\]/g, '\\$&').replace(/\n/g, '\\n') : s));
const escapeKey = memoized((s) => (KEY_SPECIAL.test(s) ? s.replace(/[,= \\]/g, '\\$&').replace(/\n/g, '\\n') : s));

function formatField(v: FieldValue): string {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? String(v) : '';
    case 'bigint':
      return `${v}i`;
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return '"' + stringBody(v) + '"';
  }
}

/** A string field's text between its quotes. */
function stringBody(v: string): string {
  return STRING_SPECIAL.test(v) ? v.replace(/["\\]/g, '\\$&').replace(/\n/g, '\\n') : v;
}

/** Reused for every item: tag keys in sorted order, without an array allocated per item. */
const keys: string[] = [];

/** Fills `keys` with the tag keys, sorted (insertion sort: items carry a handful of tags). */
function sortKeys(tags: Record<string, string>): number {
  let n = 0;
  for (const k in tags) {
    let i = n++;
    while (i > 0 && keys[i - 1] > k) {
      keys[i] = keys[i - 1];
      i--;
    }
    keys[i] = k;
  }
  return n;
}

/** Milliseconds 0-999 as the last nine digits of nanoseconds. */
const MILLIS_AS_NANOS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0') + '000000');
let cachedSecond = NaN;
let cachedSecondText = '';

/**
 * Milliseconds as integer nanoseconds. Whole milliseconds (nearly all) get six zeros; a
 * fractional one is split so that its sub-millisecond part is exact to the nanosecond, where
 * `ms * 1e6` would round at this magnitude.
 */
function nanoseconds(ms: number): string {
  if (Number.isInteger(ms)) {
    if (ms < 1000) return ms === 0 ? '0' : ms + '000000';
    // Many items to a second: the seconds are turned into text once per second.
    const second = Math.floor(ms / 1000);
    if (second !== cachedSecond) {
      cachedSecond = second;
      cachedSecondText = String(second);
    }
    return cachedSecondText + MILLIS_AS_NANOS[ms - second * 1000];
  }
  const whole = Math.floor(ms);
  const nanos = Math.round((ms - whole) * 1e6);
  return (BigInt(whole) * 1_000_000n + BigInt(nanos)).toString();
}

function tagsText(tags: Record<string, string>): string {
  let text = '';
  const count = sortKeys(tags);
  for (let i = 0; i < count; i++) {
    const k = keys[i];
    const v = tags[k];
    if (v === '') continue;
    text += ',' + escapeKey(k) + '=' + escapeKey(v);
  }
  return text;
}

/**
 * One metric as a line of InfluxDB line protocol, nanosecond timestamp, tags sorted by key.
 * Non-finite floats have no representation and are left out; a metric left with no field
 * serializes to '' (callers skip it).
 */
export function toLineProtocol(item: Item): string {
  if (item.kind === 'log') return logLine(item);
  let line = escapeMeasurement(item.name) + tagsText(item.tags);
  let sep = ' ';
  for (const k in item.fields) {
    const f = formatField(item.fields[k]);
    if (f === '') continue;
    line += sep + escapeKey(k) + '=' + f;
    sep = ',';
  }
  if (sep === ' ') return '';
  return line + ' ' + nanoseconds(item.timestamp);
}

/** `,message="` after the level, by level. */
const levelParts = new Map<string, string>();
const lastTags = new LastTags();
let lastName: string | undefined;
/** The measurement and tags of the last log record. */
let lastSeries = '';
let lastSource: string | undefined;
/** `",source="…"` of the last log record. */
let lastSourcePart = '';

/**
 * A log record as a line: fields `level`, `message`, `source` (when set) and its attributes
 * (an attribute named like one of those is left out). Written straight from the record, the
 * hot path of a log pipeline, rather than through a metric built for it, and from parts kept
 * from record to record (the series and source of one file, the level's text): fewer, longer
 * pieces are cheaper to join and then to encode.
 */
function logLine(record: LogRecord): string {
  if (record.name !== lastName || !lastTags.matches(record.tags)) {
    lastSeries = escapeMeasurement(record.name) + tagsText(record.tags) + ' level=';
    lastName = record.name;
    lastTags.remember(record.tags);
  }
  let levelPart = levelParts.get(record.level);
  if (levelPart === undefined) {
    if (levelParts.size >= 100) levelParts.clear();
    levelPart = formatField(record.level) + ',message="';
    levelParts.set(record.level, levelPart);
  }
  if (record.source !== lastSource) {
    lastSourcePart = record.source ? '",source=' + formatField(record.source) : '"';
    lastSource = record.source;
  }
  let line = lastSeries + levelPart + stringBody(record.message) + lastSourcePart;
  for (const k in record.attributes) {
    if (k === 'level' || k === 'message' || (k === 'source' && record.source)) continue;
    const f = formatField(record.attributes[k]);
    if (f !== '') line += ',' + escapeKey(k) + '=' + f;
  }
  return line + ' ' + nanoseconds(record.timestamp);
}
