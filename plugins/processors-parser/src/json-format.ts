import type { Fields, Matcher, Tags } from '@vigil/core';
import type { ParsedValues } from './parsed-values.js';

export interface JsonSettings {
  tagKeys?: Matcher;
  stringFields?: Matcher;
  nameKey: string;
  timeKey: string;
  parseTime: (value: unknown) => number | undefined;
}

/**
 * Telegraf's `json` format: an object gives one metric, an array one per object. Nested keys
 * are joined with "_" (`{"a":{"b":1}}` → `a_b`, arrays by index `a_0`). Numbers become float
 * fields, booleans boolean fields; a string is kept only as a tag (`tag_keys`) or a string field
 * (`json_string_fields`), the rest is left out, as Telegraf does.
 */
export function parseJsonText(text: string, settings: JsonSettings): ParsedValues[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`json: ${(err as Error).message}`);
  }
  const objects = Array.isArray(value) ? value : [value];
  return objects.map((o) => {
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error('json: expected an object or an array of objects');
    return fromObject(o as Record<string, unknown>, settings);
  });
}

function fromObject(object: Record<string, unknown>, settings: JsonSettings): ParsedValues {
  const tags: Tags = {};
  const fields: Fields = {};
  const parsed: ParsedValues = { tags, fields };
  const visit = (key: string, v: unknown) => {
    if (key === settings.nameKey && settings.nameKey !== '') {
      if (typeof v === 'string') parsed.name = v;
      return;
    }
    if (key === settings.timeKey && settings.timeKey !== '') {
      const ms = settings.parseTime(v);
      if (ms === undefined) throw new Error(`json: "${key}" is not a time in the json_time_format`);
      parsed.timestamp = ms;
      return;
    }
    if (v === null || v === undefined) return;
    if (typeof v === 'object') {
      for (const [k, inner] of Object.entries(v as Record<string, unknown>)) visit(`${key}_${k}`, inner);
      return;
    }
    if (settings.tagKeys?.(key)) tags[key] = String(v);
    else if (typeof v === 'number') fields[key] = v;
    else if (typeof v === 'boolean') fields[key] = v;
    else if (typeof v === 'string' && settings.stringFields?.(key)) fields[key] = v;
  };
  for (const [k, v] of Object.entries(object)) visit(k, v);
  return parsed;
}
