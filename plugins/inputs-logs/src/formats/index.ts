import type { TimestampScanner } from '../timestamps.js';
import { parseClf } from './clf.js';
import { parseJson } from './json.js';
import { parseLogfmt, startsLikeLogfmt } from './logfmt.js';
import type { LineFormat, ParsedLine } from './parsed-line.js';
import { leadingTimestamp, levelOfText, parsePlain } from './plain.js';
import { parseSyslog } from './syslog.js';

export type { LineFormat, ParsedLine } from './parsed-line.js';

/** Parses a line read at `readAt` (ms). */
export type LineParser = (line: string, readAt: number) => ParsedLine;

/** The parser of one `format`; a line the chosen format does not fit is read as plain text. */
export function createLineParser(format: LineFormat, times: TimestampScanner): LineParser {
  const parse = parserOf(format, times);
  return (line, readAt) => {
    times.now = readAt;
    return parse(line);
  };
}

function parserOf(format: LineFormat, times: TimestampScanner): (line: string) => ParsedLine {
  switch (format) {
    case 'json':
      return (line) => parseJson(line, times) ?? parsePlain(line, times);
    case 'logfmt':
      return (line) => parseLogfmt(line, times);
    case 'syslog':
      return (line) => parseSyslog(line, times) ?? parsePlain(line, times);
    case 'clf':
      return (line) => parseClf(line, times) ?? parsePlain(line, times);
    case 'plain':
      return (line) => parsePlain(line, times);
    case 'auto':
      return (line) => parseAuto(line, times);
  }
}

/** Tells the format of each line from how it starts, cheapest checks first. */
function parseAuto(line: string, times: TimestampScanner): ParsedLine {
  const first = line.charCodeAt(0);
  if (first === 123 /* { */) return parseJson(line, times) ?? parsePlain(line, times);
  if (first === 60 /* < */) return parseSyslog(line, times) ?? parsePlain(line, times);
  const after = leadingTimestamp(line, times);
  if (after >= 0) {
    const timestamp = times.ms;
    // Only a syslog date (`Nov 23 …`) is followed by a syslog header; after ISO dates, `INFO main:` would pass for one.
    if (first >= 65 && first <= 90) {
      const syslog = parseSyslog(line, times);
      if (syslog) return syslog;
    }
    let rest = after;
    while (line.charCodeAt(rest) === 32) rest++;
    if (startsLikeLogfmt(line, rest)) return parseLogfmt(line, times, rest, timestamp);
    return { timestamp, level: levelOfText(line, after), message: line, attributes: {} };
  }
  if (startsLikeLogfmt(line, 0)) return parseLogfmt(line, times);
  if (line.includes('] "')) return parseClf(line, times) ?? parsePlain(line, times);
  return parsePlain(line, times);
}
