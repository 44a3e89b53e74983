import {
  compileConfigRegex,
  compileGlobs,
  configRegexProblem,
  defineProcessor,
  DropSummary,
  getField,
  newMetric,
  readSample,
  setField,
  type Item,
  type OptionProblem,
} from '@vigil/core';
import { parseInfluxLines } from './influx-format.js';
import { parseJsonText } from './json-format.js';
import type { Format, ParsedValues } from './parsed-values.js';
import { parseLogfmtText } from './logfmt-format.js';
import { parseWithRegex } from './regex-format.js';

interface ParserOptions {
  parse_fields: string[];
  parse_tags: string[];
  drop_original: boolean;
  merge: '' | 'override' | 'override-with-timestamp';
  data_format: 'influx' | 'json' | 'logfmt' | 'regex';
  tag_keys: string[];
  json_string_fields: string[];
  json_name_key: string;
  json_time_key: string;
  json_time_format: string;
  regex: string;
}

const TIME_FORMATS = ['unix', 'unix_ms', 'unix_us', 'unix_ns', 'rfc3339'];
const MS_PER_UNIT: Record<string, number> = { unix: 1000, unix_ms: 1, unix_us: 1e-3, unix_ns: 1e-6 };

function timeParser(format: string): (value: unknown) => number | undefined {
  if (format === 'rfc3339') return (v) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : undefined);
  const perUnit = MS_PER_UNIT[format];
  return (v) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return Number.isFinite(n) ? Math.floor(n * perUnit) : undefined;
  };
}

function check(options: ParserOptions): OptionProblem[] {
  const problems: OptionProblem[] = [];
  if (options.parse_fields.length === 0 && options.parse_tags.length === 0) problems.push({ option: 'parse_fields', message: 'set "parse_fields" or "parse_tags": nothing to parse' });
  if (options.data_format === 'regex') {
    const problem = options.regex === '' ? 'is required with data_format = "regex"' : configRegexProblem(options.regex);
    if (problem) problems.push({ option: 'regex', message: `option "regex" ${options.regex === '' ? problem : `does not compile: ${problem}`}` });
  }
  if (options.json_time_key !== '' && options.json_time_format === '') problems.push({ option: 'json_time_key', message: 'option "json_time_format" is required with "json_time_key"' });
  return problems;
}

function formatOf(options: ParserOptions): Format {
  const tagKeys = options.tag_keys.length > 0 ? compileGlobs(options.tag_keys) : undefined;
  switch (options.data_format) {
    case 'json': {
      const settings = {
        tagKeys,
        stringFields: options.json_string_fields.length > 0 ? compileGlobs(options.json_string_fields) : undefined,
        nameKey: options.json_name_key,
        timeKey: options.json_time_key,
        parseTime: timeParser(options.json_time_format),
      };
      return (text) => parseJsonText(text, settings);
    }
    case 'logfmt':
      return (text) => parseLogfmtText(text, tagKeys);
    case 'regex': {
      const regex = compileConfigRegex(options.regex);
      return (text) => parseWithRegex(text, regex, tagKeys);
    }
    default:
      return (text) => parseInfluxLines(text);
  }
}

/** Telegraf's merge: later items' fields and tags onto the first, and the last one's name. */
function mergeInto(base: Item, parsed: ParsedValues[], original: Item, withTimestamp: boolean): Item {
  for (const p of parsed) {
    for (const [k, v] of Object.entries(p.fields)) setField(base, k, v);
    Object.assign(base.tags, p.tags);
    base.name = p.name ?? original.name;
    if (withTimestamp && p.timestamp !== undefined) base.timestamp = p.timestamp;
  }
  return base;
}

export default defineProcessor<ParserOptions>({
  name: 'parser',
  description: 'Parses a field, a tag or a log message into fields and tags',
  sample: readSample(import.meta.url),
  schema: {
    type: 'object',
    properties: {
      parse_fields: { type: 'array', items: { type: 'string' }, default: [], description: 'Fields to parse (exact names). On a log record: `message`, `source` or an attribute. Values that are not strings are skipped.' },
      parse_tags: { type: 'array', items: { type: 'string' }, default: [], description: 'Tags to parse.' },
      drop_original: { type: 'boolean', default: false, description: 'Leave out the item that was parsed, keeping only what was parsed from it.' },
      merge: { type: 'string', enum: ['', 'override', 'override-with-timestamp'], default: '', description: '`""`: every item parsed is added next to the original. `"override"`: their fields and tags are merged into the original (into the first parsed item with `drop_original`), later ones overwriting earlier ones. `"override-with-timestamp"`: also takes their time.' },
      data_format: { type: 'string', enum: ['influx', 'json', 'logfmt', 'regex'], default: 'influx', description: 'How the text is written.' },
      tag_keys: { type: 'array', items: { type: 'string' }, default: [], description: 'json, logfmt, regex: keys that become tags (globs).' },
      json_string_fields: { type: 'array', items: { type: 'string' }, default: [], description: 'json: string values kept as fields (globs); others are left out.' },
      json_name_key: { type: 'string', default: '', description: 'json: key whose value is the measurement name.' },
      json_time_key: { type: 'string', default: '', description: "json: key whose value is the item's time." },
      json_time_format: { type: 'string', enum: ['', ...TIME_FORMATS], default: '', description: 'json: unix, unix_ms, unix_us, unix_ns or rfc3339.' },
      regex: { type: 'string', default: '', description: 'regex: the pattern (JavaScript syntax; `(?P<name>…)` and a leading `(?i)` are read too). Required with `data_format = "regex"`.' },
    },
  },
  check,
  create({ options, log }) {
    const parse = formatOf(options);
    const drops = new DropSummary(log);
    const reported = new Set<string>();
    // A text that does not parse keeps the item as it was; each kind of failure is logged once.
    const failed = (where: string, err: unknown) => {
      const line = `could not parse ${where}: ${(err as Error).message}`;
      if (reported.size < 100 && !reported.has(line)) {
        reported.add(line);
        log.warn(line);
      }
    };
    const parseText = (where: string, text: string): ParsedValues[] => {
      try {
        return parse(text);
      } catch (err) {
        failed(where, err);
        return [];
      }
    };
    const asMetric = (p: ParsedValues, original: Item) => newMetric(p.name ?? original.name, p.fields, p.tags, p.timestamp ?? original.timestamp);

    return {
      process(item) {
        const parsed: ParsedValues[] = [];
        for (const key of options.parse_fields) {
          const value = getField(item, key);
          if (typeof value === 'string') parsed.push(...parseText(`field "${key}"`, value));
        }
        for (const key of options.parse_tags) {
          const value = item.tags[key];
          if (value !== undefined) parsed.push(...parseText(`tag "${key}"`, value));
        }
        if (options.merge !== '') {
          const withTimestamp = options.merge === 'override-with-timestamp';
          if (!options.drop_original) return mergeInto(item, parsed, item, withTimestamp);
          if (parsed.length === 0) {
            drops.count('with drop_original and nothing parsed');
            return null;
          }
          const [first, ...rest] = parsed;
          return mergeInto(asMetric(first, item), rest, item, withTimestamp);
        }
        const made = parsed.map((p) => asMetric(p, item));
        if (options.drop_original && made.length === 0) {
          drops.count('with drop_original and nothing parsed');
          return null;
        }
        return options.drop_original ? made : [item, ...made];
      },
      close() {
        drops.flush();
      },
    };
  },
});
