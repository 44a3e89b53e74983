import type { FieldValue, Fields, Item, Metric } from './item.js';

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
      return STRING_SPECIAL.test(v) ? `"${v.replace(/["\\]/g, '\\$&').replace(/\n/g, '\\n')}"` : `"${v}"`;
  }
}

/** Tag keys in order; most items already carry them sorted, which a scan confirms cheaply. */
function sortedKeys(tags: Record<string, string>): string[] {
  const keys = Object.keys(tags);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) return keys.sort();
  }
  return keys;
}

/**
 * One metric as a line of InfluxDB line protocol, nanosecond timestamp, tags sorted by key.
 * Non-finite floats have no representation and are left out; a metric left with no field
 * serializes to '' (callers skip it).
 */
export function toLineProtocol(item: Item): string {
  const m = item.kind === 'metric' ? item : logAsMetric(item);
  let line = escapeMeasurement(m.name);
  const tags = m.tags;
  for (const k of sortedKeys(tags)) {
    const v = tags[k];
    if (v === '') continue;
    line += ',' + escapeKey(k) + '=' + escapeKey(v);
  }
  let sep = ' ';
  for (const k in m.fields) {
    const f = formatField(m.fields[k]);
    if (f === '') continue;
    line += sep + escapeKey(k) + '=' + f;
    sep = ',';
  }
  if (sep === ' ') return '';
  return line + ' ' + m.timestamp + '000000';
}

/** A log record in metric form: `level`, `message`, `source` and its attributes as fields. */
function logAsMetric(record: Exclude<Item, Metric>): Metric {
  const fields: Fields = { level: record.level, message: record.message };
  if (record.source) fields.source = record.source;
  for (const k in record.attributes) if (!(k in fields)) fields[k] = record.attributes[k];
  return { kind: 'metric', name: record.name, tags: record.tags, fields, timestamp: record.timestamp, type: 'untyped' };
}
