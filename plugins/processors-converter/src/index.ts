import { compileGlobs, defineProcessor, deleteField, fieldNames, getField, readSample, setField, type FieldValue, type Item, type Matcher, type OptionProblem } from '@vigil/core';
import { TIMESTAMP_FORMATS, toBoolean, toFloat, toInteger, toText, toTimestamp, toUnsigned, type TimestampFormat } from './conversions.js';

const TAG_TARGETS = ['measurement', 'string', 'integer', 'unsigned', 'boolean', 'float', 'timestamp'] as const;
// Telegraf's order when a field matches several: the first target wins.
const FIELD_TARGETS = ['measurement', 'tag', 'float', 'integer', 'unsigned', 'boolean', 'string', 'timestamp'] as const;
type Target = (typeof TAG_TARGETS)[number] | (typeof FIELD_TARGETS)[number];

type Conversion = Partial<Record<Target, string[]>> & { timestamp_format: string };

interface ConverterOptions {
  tags: Conversion;
  fields: Conversion;
}

/** Go layouts Telegraf users write for RFC 3339. */
const RFC3339_LAYOUTS = ['2006-01-02T15:04:05Z07:00', '2006-01-02T15:04:05.999999999Z07:00'];

function formatOf(conversion: Conversion): TimestampFormat {
  return RFC3339_LAYOUTS.includes(conversion.timestamp_format) ? 'rfc3339' : (conversion.timestamp_format as TimestampFormat);
}

function conversionSchema(targets: readonly Target[], what: string) {
  const properties: Record<string, unknown> = Object.fromEntries(
    targets.map((t) => [t, { type: 'array', items: { type: 'string' }, description: `${what} to convert to ${t === 'measurement' ? 'the measurement name' : t === 'tag' ? 'tags' : t === 'timestamp' ? "the item's timestamp" : `${t} fields`} (globs).` }]),
  );
  properties.timestamp_format = {
    type: 'string',
    enum: ['', ...TIMESTAMP_FORMATS, ...RFC3339_LAYOUTS],
    default: '',
    description: 'How "timestamp" values are written: unix, unix_ms, unix_us, unix_ns or rfc3339.',
  };
  return { type: 'object', additionalProperties: false, default: {}, properties };
}

function check(options: ConverterOptions): OptionProblem[] {
  const problems: OptionProblem[] = [];
  for (const side of ['tags', 'fields'] as const) {
    const c = options[side];
    if ((c.timestamp?.length ?? 0) > 0 && c.timestamp_format === '') problems.push({ option: side, message: `option "${side}.timestamp_format" is required with "${side}.timestamp"` });
  }
  const any = (c: Conversion) => Object.entries(c).some(([k, v]) => k !== 'timestamp_format' && Array.isArray(v) && v.length > 0);
  if (!any(options.tags) && !any(options.fields)) problems.push({ message: 'nothing to convert: set a list under [processors.converter.tags] or [processors.converter.fields]' });
  return problems;
}

type Converted = { ok: true; value: FieldValue } | { ok: false };
const converted = (value: FieldValue | undefined): Converted => (value === undefined ? { ok: false } : { ok: true, value });

function convertValue(target: Target, value: FieldValue): Converted {
  switch (target) {
    case 'integer':
      return converted(toInteger(value));
    case 'unsigned':
      return converted(toUnsigned(value));
    case 'float':
      return converted(toFloat(value));
    case 'boolean':
      return converted(toBoolean(value));
    default:
      return { ok: true, value: toText(value) };
  }
}

function matchers(conversion: Conversion, targets: readonly Target[]): [Target, Matcher][] {
  return targets.filter((t) => (conversion[t]?.length ?? 0) > 0).map((t) => [t, compileGlobs(conversion[t]!)]);
}

export default defineProcessor<ConverterOptions>({
  name: 'converter',
  description: 'Converts tags to fields, fields to tags, and field types',
  sample: readSample(import.meta.url),
  schema: {
    type: 'object',
    properties: {
      tags: { ...conversionSchema(TAG_TARGETS, 'Tags'), description: 'Tags to convert, by target type.' },
      fields: { ...conversionSchema(FIELD_TARGETS, 'Fields'), description: 'Fields to convert, by target type.' },
    },
  },
  check,
  create({ options, log }) {
    const tagRules = matchers(options.tags, TAG_TARGETS);
    const fieldRules = matchers(options.fields, FIELD_TARGETS);
    const tagFormat = formatOf(options.tags);
    const fieldFormat = formatOf(options.fields);
    const reported = new Set<string>();
    // Like Telegraf, a value that cannot be converted is removed; each key and type is logged once.
    const failed = (what: string, key: string, target: Target) => {
      const line = `${what} "${key}" could not be converted to ${target} and was removed`;
      if (reported.size < 1000 && !reported.has(line)) {
        reported.add(line);
        log.warn(line);
      }
    };
    const firstTarget = (rules: [Target, Matcher][], key: string) => rules.find(([, match]) => match(key))?.[0];

    const convertTags = (item: Item) => {
      for (const key of Object.keys(item.tags)) {
        const target = firstTarget(tagRules, key);
        if (!target) continue;
        const value = item.tags[key];
        delete item.tags[key];
        if (target === 'measurement') item.name = value;
        else if (target === 'timestamp') {
          const ms = toTimestamp(value, tagFormat);
          if (ms === undefined) failed('tag', key, target);
          else item.timestamp = ms;
        } else {
          const result = convertValue(target, value);
          if (!result.ok || !setField(item, key, result.value)) failed('tag', key, target);
        }
      }
    };

    const convertFields = (item: Item) => {
      for (const key of fieldNames(item)) {
        const target = firstTarget(fieldRules, key);
        const value = getField(item, key);
        if (!target || value === undefined) continue;
        deleteField(item, key);
        if (target === 'measurement') item.name = toText(value);
        else if (target === 'tag') item.tags[key] = toText(value);
        else if (target === 'timestamp') {
          const ms = toTimestamp(value, fieldFormat);
          if (ms === undefined) failed('field', key, target);
          else item.timestamp = ms;
        } else {
          const result = convertValue(target, value);
          if (!result.ok || !setField(item, key, result.value)) failed('field', key, target);
        }
      }
    };

    return {
      process(item) {
        if (tagRules.length > 0) convertTags(item);
        if (fieldRules.length > 0) convertFields(item);
        return item;
      },
    };
  },
});
