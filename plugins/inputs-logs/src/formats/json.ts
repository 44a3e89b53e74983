import type { AttributeValue } from '@vigil/core';
import { levelFromValue } from '../levels.js';
import type { TimestampScanner } from '../timestamps.js';
import { keyRoles } from './key-roles.js';
import type { ParsedLine } from './parsed-line.js';

/** Keys that fill the record itself rather than its attributes (the first of each kind found). */
const roleOf = keyRoles({
  time: ['time', 'timestamp', 'ts', '@timestamp', 'datetime', 'date', 'asctime'],
  level: ['level', 'lvl', 'loglevel', 'log_level', 'log.level', 'levelname', 'severity', 'severity_text'],
  message: ['message', 'msg', 'log', '@message'],
});

const LEVEL_FOUND = 1;
const MESSAGE_FOUND = 2;

/**
 * A JSON object per line. The first time, level and message keys found become the record's
 * own; every other key is an attribute, nested objects flattened with dots (`http.status`),
 * arrays kept as JSON text, nulls left out. The whole line is the message when it has none.
 * Undefined when the line is not a JSON object.
 */
export function parseJson(line: string, times: TimestampScanner): ParsedLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const parsed: ParsedLine = { timestamp: NaN, level: 'info', message: line, attributes: {} };
  takeAll(parsed, '', value as Record<string, unknown>, times, 0);
  return parsed;
}

/** Takes every key of `object` into `parsed`; `found` (and the result) tells which roles are filled. */
function takeAll(parsed: ParsedLine, prefix: string, object: Record<string, unknown>, times: TimestampScanner, found: number): number {
  for (const key in object) {
    const v = object[key];
    const name = prefix + key;
    if (typeof v !== 'object') found = take(parsed, name, v as AttributeValue, times, found);
    else if (Array.isArray(v)) found = take(parsed, name, JSON.stringify(v), times, found);
    else if (v !== null) found = takeAll(parsed, name + '.', v as Record<string, unknown>, times, found);
  }
  return found;
}

function take(parsed: ParsedLine, key: string, value: AttributeValue, times: TimestampScanner, found: number): number {
  const role = roleOf(key);
  if (role === 'time' && Number.isNaN(parsed.timestamp)) {
    parsed.timestamp = times.fromValue(value);
    if (!Number.isNaN(parsed.timestamp)) return found;
  } else if (role === 'level' && !(found & LEVEL_FOUND)) {
    const level = levelFromValue(value);
    if (level) {
      parsed.level = level;
      return found | LEVEL_FOUND;
    }
  } else if (role === 'message' && !(found & MESSAGE_FOUND) && typeof value === 'string') {
    parsed.message = value;
    return found | MESSAGE_FOUND;
  }
  parsed.attributes[key] = value;
  return found;
}
