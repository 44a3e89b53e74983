import type { Item, LogRecord } from './item.js';
import { LastTags } from './last-tags.js';

function offsetMinutes(d: Date, timezone: string): number {
  if (timezone === 'local') return -d.getTimezoneOffset();
  const name = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' })
    .formatToParts(d)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(name ?? '');
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

const MILLIS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let cachedSecond = NaN;
/** `2026-11-23T07:00:01.` for `cachedSecond`. */
let cachedPrefix = '';

/**
 * `Date.toISOString()` without building a Date per call: records of a backlog come many to a
 * second, so the text up to the second is made once per second (433 → ~20 ns a record here).
 */
function utcIso(ms: number): string {
  // toISOString truncates fractional milliseconds toward zero.
  const whole = Math.trunc(ms);
  const second = Math.floor(whole / 1000);
  if (second !== cachedSecond) {
    const iso = new Date(second * 1000).toISOString(); // throws for an invalid time, as before
    cachedPrefix = iso.slice(0, -4);
    cachedSecond = second;
  }
  return cachedPrefix + MILLIS[whole - second * 1000] + 'Z';
}

/**
 * RFC 3339 with milliseconds. `timezone` follows Telegraf's `log_with_timezone`: '' or "UTC"
 * gives Z, "local" the host's offset, an IANA name (e.g. "Europe/Berlin") that zone's offset.
 */
export function rfc3339(ms: number, timezone = ''): string {
  if (!timezone || timezone.toUpperCase() === 'UTC') return utcIso(ms);
  const d = new Date(ms);
  const offsetMin = offsetMinutes(d, timezone);
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, -1);
  if (offsetMin === 0) return local + 'Z';
  const sign = offsetMin > 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** JSON can't hold a bigint: integers within 2^53 become numbers, larger ones strings. */
function jsonFieldValue(v: unknown): unknown {
  if (typeof v !== 'bigint') return v;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** The JSON-lines shape of an item, as `outputs.file` writes it with `data_format = "json"`. */
export function toJsonObject(item: Item): Record<string, unknown> {
  if (item.kind === 'metric') {
    const fields: Record<string, unknown> = {};
    for (const k in item.fields) fields[k] = jsonFieldValue(item.fields[k]);
    return { type: 'metric', name: item.name, tags: item.tags, fields, timestamp: rfc3339(item.timestamp) };
  }
  return {
    type: 'log',
    timestamp: rfc3339(item.timestamp),
    level: item.level,
    message: item.message,
    source: item.source,
    attributes: item.attributes,
    ...(Object.keys(item.tags).length > 0 ? { tags: item.tags } : {}),
  };
}

const quotedStrings = new Map<string, string>();

/**
 * A string as JSON, for strings that repeat from record to record (keys, tag values, levels,
 * sources): their quoted forms are kept, the cache starting over when full.
 */
function quoted(text: string): string {
  let json = quotedStrings.get(text);
  if (json === undefined) {
    if (quotedStrings.size >= 10_000) quotedStrings.clear();
    json = JSON.stringify(text);
    quotedStrings.set(text, json);
  }
  return json;
}

/**
 * Printable ASCII but quote and backslash: what JSON.stringify copies as it is. Anything else
 * (control characters, non-ASCII, surrogates) takes JSON.stringify. One greedy run over an
 * accepted class measured half the time of searching a class of what needs escaping. Most log
 * messages need no escape, and JSON.stringify costs them twice the test.
 */
const COPIED_AS_IS = /^[ !#-[\]-~]*$/;

function tagsJson(tags: Record<string, string>): string {
  let out = '';
  for (const k in tags) out += (out ? ',' : '{') + quoted(k) + ':' + quoted(tags[k]);
  return out ? out + '}' : '{}';
}

/**
 * `JSON.stringify(toJsonObject(item))`, the same text, made faster for log records: their shape
 * is known, so the line is put together from its parts instead of through an object (the
 * general path cost ~810 ns a record). Throws where JSON.stringify would (a bigint attribute).
 */
export function toJsonLine(item: Item): string {
  if (item.kind === 'metric') return JSON.stringify(toJsonObject(item));
  return logJsonLine(item);
}

let headSecond = NaN;
/** `{"type":"log","timestamp":"2026-11-23T07:00:01.` for `headSecond`. */
let head = '';
/** `Z","level":"info","message":"` by level. */
const levelParts = new Map<string, string>();
const lastTags = new LastTags();
let lastSource: string | undefined;
/** `","source":…,"attributes":{},"tags":{…}}` of the last record without attributes. */
let lastTail = '';

/**
 * A log record's line from five parts, four of them kept from record to record: the text up to
 * the second (the same for every record of a second), the level's part, the message, and the
 * tail from `source` on (the same for every record of one file). Fewer, longer pieces are
 * cheaper to join and then to encode than the dozen a field-by-field concatenation makes.
 */
function logJsonLine(record: LogRecord): string {
  // toISOString truncates fractional milliseconds toward zero.
  const whole = Math.trunc(record.timestamp);
  const second = Math.floor(whole / 1000);
  if (second !== headSecond) {
    // Throws for an invalid time, as toISOString does.
    head = '{"type":"log","timestamp":"' + new Date(second * 1000).toISOString().slice(0, -4);
    headSecond = second;
  }
  let levelPart = levelParts.get(record.level);
  if (levelPart === undefined) {
    if (levelParts.size >= 100) levelParts.clear();
    levelPart = 'Z","level":' + quoted(record.level) + ',"message":"';
    levelParts.set(record.level, levelPart);
  }
  const message = record.message;
  const body = COPIED_AS_IS.test(message) ? message : JSON.stringify(message).slice(1, -1);
  return head + MILLIS[whole - second * 1000] + levelPart + body + tailOf(record);
}

function tailOf(record: LogRecord): string {
  for (const _ in record.attributes) return tailText(record, JSON.stringify(record.attributes));
  if (record.source === lastSource && lastTags.matches(record.tags)) return lastTail;
  lastTail = tailText(record, '{}');
  lastSource = record.source;
  lastTags.remember(record.tags);
  return lastTail;
}

function tailText(record: LogRecord, attributes: string): string {
  const tags = tagsJson(record.tags);
  return '","source":' + quoted(record.source) + ',"attributes":' + attributes + (tags === '{}' ? '}' : ',"tags":' + tags + '}');
}
