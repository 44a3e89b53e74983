import type { LogLevel } from '@vigil/core';
import { levelFromValue } from '../levels.js';
import type { TimestampScanner } from '../timestamps.js';
import { keyRoles } from './key-roles.js';
import type { ParsedLine } from './parsed-line.js';

/** Keys that fill the record itself rather than its attributes (the first of each kind found). */
const roleOf = keyRoles({
  time: ['time', 'ts', 'timestamp', 't', 'date'],
  level: ['level', 'lvl', 'severity', 'loglevel'],
  message: ['msg', 'message'],
});

/** `key=value` at `from` (letters, digits, `_ . - @ /` then `=`): what logfmt lines start with. */
export function startsLikeLogfmt(line: string, from: number): boolean {
  let i = from;
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const keyChar = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 64 || c === 47;
    if (!keyChar) break;
  }
  return i > from && line.charCodeAt(i) === 61;
}

/**
 * logfmt from `from`: `time`, `level` and `msg` (and their usual aliases) become the record's
 * own, every other key an attribute (a string; a bare key is "true"). The whole line is the
 * message when there is no `msg`. `timestamp` is used when the line has no time key.
 */
export function parseLogfmt(line: string, times: TimestampScanner, from = 0, timestamp = NaN): ParsedLine {
  const parsed: ParsedLine = { timestamp, level: 'info', message: line, attributes: {} };
  let level: LogLevel | undefined;
  let message: string | undefined;
  const n = line.length;
  let i = from;
  while (i < n) {
    if (line.charCodeAt(i) === 32) {
      i++;
      continue;
    }
    let space = line.indexOf(' ', i);
    if (space < 0) space = n;
    const equals = line.indexOf('=', i);
    let key: string;
    let value = 'true';
    if (equals < 0 || equals > space) {
      key = line.slice(i, space);
      i = space;
    } else {
      key = line.slice(i, equals);
      if (line.charCodeAt(equals + 1) === 34 /* " */) {
        const close = closingQuote(line, equals + 2);
        value = unescape(line.slice(equals + 2, close));
        i = close + 1;
      } else {
        value = line.slice(equals + 1, space);
        i = space;
      }
    }
    const role = roleOf(key);
    if (role === 'time' && Number.isNaN(parsed.timestamp)) {
      parsed.timestamp = times.fromValue(value);
      if (!Number.isNaN(parsed.timestamp)) continue;
    } else if (role === 'level' && level === undefined) {
      level = levelFromValue(value);
      if (level) continue;
    } else if (role === 'message' && message === undefined) {
      message = value;
      continue;
    }
    parsed.attributes[key] = value;
  }
  parsed.level = level ?? 'info';
  if (message !== undefined) parsed.message = message;
  return parsed;
}

/** The index of the quote closing a value that opened before `i` (the line's end when unclosed). */
function closingQuote(line: string, i: number): number {
  for (;;) {
    const quote = line.indexOf('"', i);
    if (quote < 0) return line.length;
    let backslashes = 0;
    while (line.charCodeAt(quote - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return quote;
    i = quote + 1;
  }
}

function unescape(value: string): string {
  return value.includes('\\') ? value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c)) : value;
}
