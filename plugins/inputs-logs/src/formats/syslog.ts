import type { AttributeValue, LogLevel } from '@vigil/core';
import { levelFromSyslogSeverity } from '../levels.js';
import type { TimestampScanner } from '../timestamps.js';
import type { ParsedLine } from './parsed-line.js';
import { levelOfText } from './plain.js';

const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'security', 'console', 'solaris-cron',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
];


/**
 * Syslog, RFC 5424 (`<34>1 2026-11-23T07:00:01Z host app 42 ID47 [sd] msg`) or RFC 3164
 * (`<34>Nov 23 07:00:01 host app[42]: msg`, also without the `<PRI>` as files hold it). The
 * priority gives the level and the `facility`; without one, the message's text does.
 * Undefined when the line is not syslog.
 */
export function parseSyslog(line: string, times: TimestampScanner): ParsedLine | undefined {
  const attributes: Record<string, AttributeValue> = {};
  let level: LogLevel | undefined;
  let i = 0;
  if (line.charCodeAt(0) === 60 /* < */) {
    const close = line.indexOf('>');
    const priority = close > 1 && close < 5 ? Number(line.slice(1, close)) : NaN;
    if (!Number.isInteger(priority) || priority < 0 || priority > 191) return undefined;
    level = levelFromSyslogSeverity(priority & 7);
    attributes.facility = FACILITIES[priority >> 3];
    i = close + 1;
    if (line.startsWith('1 ', i)) return parseRfc5424(line, i + 2, level, attributes, times);
  }
  if (!(times.syslogAt(line, i) || times.isoAt(line, i))) {
    return level ? { timestamp: NaN, level, message: line.slice(i), attributes } : undefined;
  }
  const timestamp = times.ms;
  const messageStart = bsdHeader(line, times.end, attributes);
  if (messageStart < 0) {
    if (!level) return undefined;
    return { timestamp, level, message: line.slice(times.end).trimStart(), attributes };
  }
  const message = line.slice(messageStart);
  return { timestamp, level: level ?? levelOfText(message, 0), message, attributes };
}

/**
 * RFC 3164's ` host app[123]: ` after the timestamp at `i` (the pid is optional): sets
 * hostname, appname and procid, and returns where the message starts, or -1.
 */
function bsdHeader(line: string, i: number, attributes: Record<string, AttributeValue>): number {
  if (line.charCodeAt(i) !== 32) return -1;
  const hostEnd = line.indexOf(' ', i + 1);
  if (hostEnd <= i + 1) return -1;
  let tagEnd = hostEnd + 1;
  for (; tagEnd < line.length; tagEnd++) {
    const c = line.charCodeAt(tagEnd);
    if (c === 58 /* : */ || c === 91 /* [ */ || c === 32 || c === 93 /* ] */) break;
  }
  let end = tagEnd;
  let procid: string | undefined;
  if (line.charCodeAt(tagEnd) === 91) {
    const close = line.indexOf(']', tagEnd);
    if (close < 0) return -1;
    procid = line.slice(tagEnd + 1, close);
    end = close + 1;
  }
  if (tagEnd === hostEnd + 1 || line.charCodeAt(end) !== 58) return -1;
  attributes.hostname = line.slice(i + 1, hostEnd);
  attributes.appname = line.slice(hostEnd + 1, tagEnd);
  if (procid !== undefined) attributes.procid = procid;
  return line.charCodeAt(end + 1) === 32 ? end + 2 : end + 1;
}

/** RFC 5424 from the character after the version: TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]. */
function parseRfc5424(line: string, from: number, level: LogLevel, attributes: Record<string, AttributeValue>, times: TimestampScanner): ParsedLine {
  const fields: string[] = [];
  let i = from;
  while (fields.length < 5 && i < line.length) {
    const end = line.indexOf(' ', i);
    const stop = end < 0 ? line.length : end;
    fields.push(line.slice(i, stop));
    i = stop + 1;
  }
  const [time = '-', hostname = '-', appname = '-', procid = '-', msgid = '-'] = fields;
  const timestamp = time === '-' ? NaN : times.fromValue(time);
  if (hostname !== '-') attributes.hostname = hostname;
  if (appname !== '-') attributes.appname = appname;
  if (procid !== '-') attributes.procid = procid;
  if (msgid !== '-') attributes.msgid = msgid;
  if (line.charCodeAt(i) === 45 /* - */) i += 2;
  else i = structuredData(line, i, attributes) + 1;
  let message = i < line.length ? line.slice(i) : '';
  if (message.charCodeAt(0) === 0xfeff) message = message.slice(1);
  return { timestamp, level, message, attributes };
}

/** Structured data `[id key="v" …][id2 …]` as `id.key` attributes; returns the index after it. */
function structuredData(line: string, i: number, attributes: Record<string, AttributeValue>): number {
  while (line.charCodeAt(i) === 91 /* [ */) {
    let k = i + 1;
    while (k < line.length && line[k] !== ' ' && line[k] !== ']') k++;
    const id = line.slice(i + 1, k);
    while (line[k] === ' ') {
      const eq = line.indexOf('="', k);
      if (eq < 0) return line.length;
      const name = line.slice(k + 1, eq);
      let value = '';
      for (k = eq + 2; k < line.length && line[k] !== '"'; k++) {
        if (line[k] === '\\' && k + 1 < line.length) k++;
        value += line[k];
      }
      attributes[`${id}.${name}`] = value;
      k++;
    }
    i = k + 1;
  }
  return i;
}
