import type { AttributeValue } from '@vigil/core';
import { levelFromHttpStatus } from '../levels.js';
import type { TimestampScanner } from '../timestamps.js';
import type { ParsedLine } from './parsed-line.js';

/** The index of the `"` closing a quoted field opened just before `i` (skipping `\"`), or -1. */
function closingQuote(line: string, i: number): number {
  for (;;) {
    const quote = line.indexOf('"', i);
    if (quote < 0 || line.charCodeAt(quote - 1) !== 92) return quote;
    i = quote + 1;
  }
}

/** The number the digits in `line[start, end)` write, or -1 when there are none or not only digits. */
function numberAt(line: string, start: number, end: number): number {
  if (end <= start) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Common and combined log format (Apache, nginx):
 * `client ident auth [time] "request" status bytes` then, combined, `"referrer" "agent"`.
 * Attributes carry Telegraf's grok names: client_ip, ident, auth, verb, request, http_version,
 * resp_code, resp_bytes, referrer, agent. The status gives the level: 5xx error, 4xx warn,
 * otherwise info. Undefined when the line is not in that format.
 */
export function parseClf(line: string, times: TimestampScanner): ParsedLine | undefined {
  // Cut at the delimiters with indexOf: several times faster than one regular expression.
  const clientEnd = line.indexOf(' ');
  const identEnd = line.indexOf(' ', clientEnd + 1);
  const authEnd = line.indexOf(' ', identEnd + 1);
  if (clientEnd <= 0 || identEnd < 0 || authEnd < 0 || line.charCodeAt(authEnd + 1) !== 91 /* [ */) return undefined;
  const timeEnd = line.indexOf(']', authEnd + 2);
  if (timeEnd < 0 || line.charCodeAt(timeEnd + 1) !== 32 || line.charCodeAt(timeEnd + 2) !== 34 /* " */) return undefined;
  const requestEnd = closingQuote(line, timeEnd + 3);
  if (requestEnd < 0 || line.charCodeAt(requestEnd + 1) !== 32) return undefined;
  const status = numberAt(line, requestEnd + 2, requestEnd + 5);
  let bytesEnd = line.indexOf(' ', requestEnd + 6);
  if (bytesEnd < 0) bytesEnd = line.length;
  const noBytes = bytesEnd === requestEnd + 7 && line.charCodeAt(requestEnd + 6) === 45; /* - */
  const bytes = noBytes ? 0 : numberAt(line, requestEnd + 6, bytesEnd);
  if (status < 100 || line.charCodeAt(requestEnd + 5) !== 32 || bytes < 0) return undefined;

  const attributes: Record<string, AttributeValue> = { client_ip: line.slice(0, clientEnd) };
  const ident = line.slice(clientEnd + 1, identEnd);
  const auth = line.slice(identEnd + 1, authEnd);
  if (ident !== '-') attributes.ident = ident;
  if (auth !== '-') attributes.auth = auth;
  addRequest(line.slice(timeEnd + 3, requestEnd), attributes);
  attributes.resp_code = status;
  if (!noBytes) attributes.resp_bytes = bytes;
  if (line.charCodeAt(bytesEnd + 1) === 34) {
    const referrerEnd = closingQuote(line, bytesEnd + 2);
    const agentEnd = referrerEnd < 0 ? -1 : closingQuote(line, referrerEnd + 3);
    if (agentEnd > 0 && line.charCodeAt(referrerEnd + 2) === 34) {
      const referrer = line.slice(bytesEnd + 2, referrerEnd);
      const agent = line.slice(referrerEnd + 3, agentEnd);
      if (referrer !== '-') attributes.referrer = referrer;
      if (agent !== '-') attributes.agent = agent;
    }
  }
  const timestamp = times.clfAt(line, authEnd + 2) ? times.ms : NaN;
  return { timestamp, level: levelFromHttpStatus(status), message: line, attributes };
}

/** `GET /path HTTP/1.1` as verb, request and http_version (a number, like Telegraf's). */
function addRequest(request: string, attributes: Record<string, AttributeValue>): void {
  const verbEnd = request.indexOf(' ');
  if (verbEnd < 0) return;
  const targetEnd = request.indexOf(' ', verbEnd + 1);
  attributes.verb = request.slice(0, verbEnd);
  attributes.request = request.slice(verbEnd + 1, targetEnd < 0 ? request.length : targetEnd);
  if (targetEnd > 0 && request.startsWith('HTTP/', targetEnd + 1)) attributes.http_version = Number(request.slice(targetEnd + 6));
}
