import logfmt from 'logfmt';
import type { FieldValue, Fields, Matcher, Tags } from '@vigil/core';
import type { ParsedValues } from './parsed-values.js';

/** A logfmt value as Telegraf's logfmt parser types it: integer, float, boolean, else string. */
function typed(v: string): FieldValue {
  if (/^-?\d+$/.test(v)) {
    const n = BigInt(v);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return n;
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return Number(v);
  if (v === 'true' || v === 'false') return v === 'true';
  return v;
}

/** `key=value key="quoted value" flag`: a bare key is the boolean true, `key=` is left out. */
export function parseLogfmtText(text: string, tagKeys?: Matcher): ParsedValues[] {
  const tags: Tags = {};
  const fields: Fields = {};
  for (const [key, value] of Object.entries(logfmt.parse(text))) {
    if (value === null || value === undefined || value === '') continue;
    if (tagKeys?.(key)) tags[key] = String(value);
    else fields[key] = typeof value === 'boolean' ? value : typed(value);
  }
  if (Object.keys(fields).length === 0 && Object.keys(tags).length === 0) throw new Error('logfmt: no key=value pair found');
  return [{ tags, fields }];
}
