import type { Item } from './item.js';

function offsetMinutes(d: Date, timezone: string): number {
  if (timezone === 'local') return -d.getTimezoneOffset();
  const name = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' })
    .formatToParts(d)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(name ?? '');
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/**
 * RFC 3339 with milliseconds. `timezone` follows Telegraf's `log_with_timezone`: '' or "UTC"
 * gives Z, "local" the host's offset, an IANA name (e.g. "Europe/Berlin") that zone's offset.
 */
export function rfc3339(ms: number, timezone = ''): string {
  const d = new Date(ms);
  if (!timezone || timezone.toUpperCase() === 'UTC') return d.toISOString();
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
