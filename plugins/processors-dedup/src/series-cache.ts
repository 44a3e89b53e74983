import { fieldNames, getField, type FieldValue, type Item } from '@vigil/core';

/** The last item let through for a series: its time and its field values. */
export interface CachedSeries {
  timestamp: number;
  fields: Map<string, FieldValue>;
}

/** A series is the kind, the name and the tags: what Telegraf hashes as a metric's id. */
export function seriesKey(item: Item): string {
  let key = item.kind + '\u0000' + item.name;
  for (const k of Object.keys(item.tags).sort()) key += '\u0000' + k + '=' + item.tags[k];
  return key;
}

export function cachedFrom(item: Item): CachedSeries {
  const fields = new Map<string, FieldValue>();
  for (const k of fieldNames(item)) fields.set(k, getField(item, k)!);
  return { timestamp: item.timestamp, fields };
}

type SavedValue = number | string | boolean | { int: string };
type SavedSeries = [key: string, timestamp: number, fields: [string, SavedValue][]];

/** The cache as JSON for [agent] statefile; integers are kept as text, JSON has no bigint. */
export function saveCache(cache: Map<string, CachedSeries>): SavedSeries[] {
  return [...cache].map(([key, c]) => [key, c.timestamp, [...c.fields].map(([k, v]) => [k, typeof v === 'bigint' ? { int: v.toString() } : v])]);
}

export function loadCache(saved: unknown): Map<string, CachedSeries> {
  const cache = new Map<string, CachedSeries>();
  if (!Array.isArray(saved)) return cache;
  for (const entry of saved as SavedSeries[]) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number' || !Array.isArray(entry[2])) continue;
    const fields = new Map<string, FieldValue>(entry[2].map(([k, v]) => [k, typeof v === 'object' && v !== null ? BigInt(v.int) : v]));
    cache.set(entry[0], { timestamp: entry[1], fields });
  }
  return cache;
}
