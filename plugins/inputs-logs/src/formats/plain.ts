import type { LogLevel } from '@vigil/core';
import { levelAt, levelFromValue, levelOfLetter } from '../levels.js';
import type { TimestampScanner } from '../timestamps.js';
import type { ParsedLine } from './parsed-line.js';

const OTHER = 0;
const SEPARATOR = 1;
const OPENING = 2;
const LETTER = 3;
// Character classes of a log prefix, looked up by code: `2026-… - app - ERROR - …`, `[WARN]`, `<info>`, `E:`.
const CLASS = new Uint8Array(128);
for (const c of ' \t-|:,])>') CLASS[c.charCodeAt(0)] = SEPARATOR;
for (const c of '[(<') CLASS[c.charCodeAt(0)] = OPENING;
for (let c = 65; c <= 90; c++) CLASS[c] = CLASS[c + 32] = LETTER;

function classOf(c: number): number {
  return c < 128 ? CLASS[c] : OTHER;
}

function isUpperCase(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) > 90) return false;
  return true;
}

/** How many tokens after the timestamp may hold the level (`[main] ERROR`, `- app.db - WARNING`). */
const LEVEL_TOKENS = 4;
// Where no leading token names the level: a `level=` key, or a level word in capitals anywhere.
const LEVEL_ANYWHERE = /(?:level|lvl|severity)="?([A-Za-z]+)|\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|SEVERE|CRIT|CRITICAL|ALERT|EMERG|FATAL|PANIC)\b/;

/**
 * The level among the first tokens from `from`: the first token may be any spelling, even one
 * letter (`E`, `w`); later ones count when bracketed (`[warn]`) or written in capitals (`ERROR`).
 */
export function levelNearStart(line: string, from: number): LogLevel | undefined {
  const limit = Math.min(line.length, from + 120);
  let i = from;
  for (let token = 0; token < LEVEL_TOKENS && i < limit; token++) {
    let bracketed = false;
    for (; i < limit; i++) {
      const type = classOf(line.charCodeAt(i));
      if (type === OPENING) bracketed = true;
      else if (type !== SEPARATOR) break;
    }
    const start = i;
    while (i < limit && classOf(line.charCodeAt(i)) === LETTER) i++;
    if (i > start && (i >= line.length || classOf(line.charCodeAt(i)) === SEPARATOR)) {
      if (i - start === 1) {
        // One letter is a level only where a level would end (`E `, `[w]`, `I:`), not `E-mail`.
        const level = (token === 0 || bracketed) && endsLevelLetter(line, i) ? levelOfLetter(line.charCodeAt(start) & ~32) : undefined;
        if (level) return level;
      } else {
        const level = levelAt(line, start, i);
        if (level && (token === 0 || bracketed || isUpperCase(line, start, i) || betweenFieldSeparators(line, start, i))) return level;
      }
    }
    while (i < limit && classOf(line.charCodeAt(i)) !== SEPARATOR) i++;
  }
  return undefined;
}

function endsLevelLetter(line: string, end: number): boolean {
  return end >= line.length || ' :]>'.includes(line[end]);
}

/** `… - warning - …` or `… | warn | …`: a field of its own, whatever its case. */
function betweenFieldSeparators(line: string, start: number, end: number): boolean {
  const before = line.slice(Math.max(0, start - 2), start);
  const after = line.slice(end, end + 2);
  return (before === '- ' && after === ' -') || (before === '| ' && after === ' |');
}

/** The level of a text line: a leading token, a `level=` key, or a capitalised level word anywhere; info otherwise. */
export function levelOfText(line: string, from: number): LogLevel {
  const level = levelNearStart(line, from);
  if (level) return level;
  const found = LEVEL_ANYWHERE.exec(line);
  return (found && levelFromValue(found[1] ?? found[2])) || 'info';
}

/**
 * A timestamp at the start of the line, plain or in brackets: ISO 8601 / RFC 3339, Python
 * logging, nginx, syslog or common-log. Returns the index after it, or -1; the time is left
 * in `times.ms`.
 */
export function leadingTimestamp(line: string, times: TimestampScanner): number {
  const c = line.charCodeAt(0);
  if (c >= 48 && c <= 57) return times.isoAt(line, 0) ? times.end : -1;
  if (c === 91 /* [ */) {
    if (!(times.isoAt(line, 1) || times.clfAt(line, 1))) return -1;
    return line.charCodeAt(times.end) === 93 ? times.end + 1 : times.end;
  }
  // Syslog dates start with a capitalised month name.
  return c >= 65 && c <= 90 && times.syslogAt(line, 0) ? times.end : -1;
}

/** glog/klog lines start with the level letter and the time: `E1123 07:00:01.123456 …`. */
function klogLevel(line: string, times: TimestampScanner): LogLevel | undefined {
  const level = levelOfLetter(line.charCodeAt(0));
  return level && times.klogAt(line, 1) ? level : undefined;
}

/** A line with no structure we know: the whole line is the message; time and level from its text. */
export function parsePlain(line: string, times: TimestampScanner): ParsedLine {
  const after = leadingTimestamp(line, times);
  if (after >= 0) return { timestamp: times.ms, level: levelOfText(line, after), message: line, attributes: {} };
  const klog = klogLevel(line, times);
  if (klog) return { timestamp: times.ms, level: klog, message: line, attributes: {} };
  return { timestamp: NaN, level: levelOfText(line, 0), message: line, attributes: {} };
}
