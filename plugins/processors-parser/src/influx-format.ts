import type { FieldValue } from '@vigil/core';
import type { ParsedValues } from './parsed-values.js';

/**
 * InfluxDB line protocol: `measurement[,tag=value…] field=value[,…] [timestamp-ns]`, one
 * metric a line; blank lines and `#` comments are skipped. Floats by default, `42i` and `42u`
 * integers, `"text"` strings, t/true/f/false booleans.
 */
export function parseInfluxLines(text: string): ParsedValues[] {
  const out: ParsedValues[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    out.push(parseInfluxLine(line));
  }
  return out;
}

const ESCAPED = ',= ';

class LineReader {
  i = 0;
  constructor(readonly line: string) {}

  /**
   * Reads up to an unescaped stop character (not consumed). `\,` `\=` `\ ` are escapes; any
   * other backslash is itself (`C:\temp`), as line protocol has it.
   */
  until(stops: string): string {
    let out = '';
    const { line } = this;
    while (this.i < line.length && !stops.includes(line[this.i])) {
      if (line[this.i] === '\\' && ESCAPED.includes(line[this.i + 1])) this.i++;
      out += line[this.i++];
    }
    return out;
  }

  peek(): string {
    return this.line[this.i] ?? '';
  }

  expect(c: string, what: string): void {
    if (this.line[this.i] !== c) throw new Error(`line protocol: expected ${what} at column ${this.i + 1}`);
    this.i++;
  }

  quoted(): string {
    this.expect('"', 'a quote');
    let out = '';
    while (this.i < this.line.length && this.line[this.i] !== '"') {
      if (this.line[this.i] === '\\' && (this.line[this.i + 1] === '"' || this.line[this.i + 1] === '\\')) this.i++;
      out += this.line[this.i++];
    }
    this.expect('"', 'a closing quote');
    return out;
  }
}

const BOOLEANS: Record<string, boolean> = { t: true, T: true, true: true, True: true, TRUE: true, f: false, F: false, false: false, False: false, FALSE: false };

function fieldValue(r: LineReader, key: string): FieldValue {
  if (r.peek() === '"') return r.quoted();
  const raw = r.until(', ');
  if (raw in BOOLEANS) return BOOLEANS[raw];
  if (/^-?\d+i$/.test(raw)) return BigInt(raw.slice(0, -1));
  if (/^\d+u$/.test(raw)) return BigInt(raw.slice(0, -1));
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return Number(raw);
  throw new Error(`line protocol: field "${key}" has no valid value`);
}

function parseInfluxLine(line: string): ParsedValues {
  const r = new LineReader(line);
  const name = r.until(', ');
  if (name === '') throw new Error('line protocol: a line starts with no measurement');
  const tags: Record<string, string> = {};
  while (r.peek() === ',') {
    r.i++;
    const key = r.until('=, ');
    r.expect('=', `"=" after tag "${key}"`);
    tags[key] = r.until(', ');
  }
  r.expect(' ', 'a space before the fields');
  const fields: Record<string, FieldValue> = {};
  do {
    if (r.peek() === ',') r.i++;
    const key = r.until('= ');
    r.expect('=', `"=" after field "${key}"`);
    fields[key] = fieldValue(r, key);
  } while (r.peek() === ',');
  const rest = line.slice(r.i).trim();
  if (rest === '') return { name, tags, fields };
  if (!/^-?\d+$/.test(rest)) throw new Error(`line protocol: "${rest}" is not a timestamp in nanoseconds`);
  return { name, tags, fields, timestamp: Number(BigInt(rest) / 1_000_000n) };
}
