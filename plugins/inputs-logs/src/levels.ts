import type { LogLevel } from '@vigil/core';

/** Every spelling of a level we recognise, lower case, with the level it means. */
const SPELLINGS: Record<LogLevel, string[]> = {
  trace: ['trace', 'trc', 'verbose', 'vrb', 'finest', 'finer'],
  debug: ['debug', 'dbg', 'fine'],
  info: ['info', 'inf', 'information', 'informational', 'notice'],
  warn: ['warn', 'warning', 'wrn', 'wrng'],
  error: ['error', 'err', 'eror', 'severe'],
  fatal: ['fatal', 'ftl', 'critical', 'crit', 'crt', 'alert', 'emerg', 'emergency', 'panic', 'dpanic'],
};

/** One-letter levels (glog/klog, logcat, `[E]`), by character code: only trusted where a level is expected. */
const LETTERS = new Map<number, LogLevel>(
  (
    [
      ['T', 'trace'],
      ['V', 'trace'],
      ['D', 'debug'],
      ['I', 'info'],
      ['W', 'warn'],
      ['E', 'error'],
      ['F', 'fatal'],
    ] as const
  ).map(([letter, level]) => [letter.charCodeAt(0), level]),
);

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function keyOf(length: number, first: number, last: number): number {
  return (length << 16) | (first << 8) | last;
}

// Spellings by length, first and last letter: a word is looked up without cutting it out of
// its line, which matters at a million lines a second.
const CANDIDATES = new Map<number, { word: string; level: LogLevel }[]>();
for (const [level, words] of Object.entries(SPELLINGS) as [LogLevel, string[]][]) {
  for (const word of words) {
    const key = keyOf(word.length, word.charCodeAt(0), word.charCodeAt(word.length - 1));
    CANDIDATES.set(key, [...(CANDIDATES.get(key) ?? []), { word, level }]);
  }
}

/** The level spelled, in any case, by `text[start, end)` ("WARNING", "err", "Information"), or undefined. */
export function levelAt(text: string, start: number, end: number): LogLevel | undefined {
  const length = end - start;
  if (length < 2 || length > 13) return undefined;
  const candidates = CANDIDATES.get(keyOf(length, lower(text.charCodeAt(start)), lower(text.charCodeAt(end - 1))));
  if (candidates === undefined) return undefined;
  for (const { word, level } of candidates) {
    let i = 1;
    while (i < length && lower(text.charCodeAt(start + i)) === word.charCodeAt(i)) i++;
    if (i === length) return level;
  }
  return undefined;
}

/** The level of an upper-case letter's character code (`E` → error), or undefined. */
export function levelOfLetter(code: number): LogLevel | undefined {
  return LETTERS.get(code);
}

/** Syslog severities 0-7: emerg, alert, crit → fatal; err; warning; notice, info; debug. */
const SYSLOG_SEVERITY: LogLevel[] = ['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug'];

export function levelFromSyslogSeverity(severity: number): LogLevel {
  return SYSLOG_SEVERITY[severity] ?? 'info';
}

/**
 * A numeric level: 0-7 is a syslog severity; larger numbers follow pino/bunyan
 * (10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal).
 */
export function levelFromNumber(n: number): LogLevel {
  if (Number.isInteger(n) && n >= 0 && n <= 7) return levelFromSyslogSeverity(n);
  if (n < 20) return 'trace';
  if (n < 30) return 'debug';
  if (n < 40) return 'info';
  if (n < 50) return 'warn';
  if (n < 60) return 'error';
  return 'fatal';
}

/** A level given as a value (JSON or logfmt): a word, a letter, a number, or a numeric string. */
export function levelFromValue(value: unknown): LogLevel | undefined {
  if (typeof value === 'number') return levelFromNumber(value);
  if (typeof value !== 'string') return undefined;
  if (value.length === 1) return levelOfLetter(value.toUpperCase().charCodeAt(0));
  const word = levelAt(value, 0, value.length);
  if (word) return word;
  const n = Number(value);
  return value !== '' && Number.isFinite(n) ? levelFromNumber(n) : undefined;
}

/** An HTTP status as a level: 5xx error, 4xx warn, anything else info. */
export function levelFromHttpStatus(status: number): LogLevel {
  if (status >= 500) return 'error';
  if (status >= 400) return 'warn';
  return 'info';
}
