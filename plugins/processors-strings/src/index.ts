import { compileGlobs, defineProcessor, deleteField, fieldNames, getField, LOG_RECORD_FIELDS, readSample, setField, type Item, type Matcher, type OptionProblem } from '@vigil/core';
import { operation, OPERATIONS, type Operation, type OperationSettings } from './operations.js';

const SELECTORS = ['measurement', 'tag', 'field', 'tag_key', 'field_key'] as const;
type Selectors = Partial<Record<(typeof SELECTORS)[number], string | string[]>>;
type Entry = Selectors & OperationSettings & { dest?: string };
type StringsOptions = Partial<Record<Operation, Entry[]>>;

// base64decode and valid_utf8 change field values only, as in Telegraf.
const FIELDS_ONLY: Operation[] = ['base64decode', 'valid_utf8'];

const EXTRA_SETTINGS: Partial<Record<Operation, Record<string, Record<string, unknown>>>> = {
  trim: { cutset: { type: 'string', description: 'Characters to remove; default: white space.' } },
  trim_left: { cutset: { type: 'string', description: 'Characters to remove; default: white space.' } },
  trim_right: { cutset: { type: 'string', description: 'Characters to remove; default: white space.' } },
  trim_prefix: { prefix: { type: 'string', description: 'The prefix to remove.' } },
  trim_suffix: { suffix: { type: 'string', description: 'The suffix to remove.' } },
  replace: { old: { type: 'string', description: 'Text to replace (every occurrence).' }, new: { type: 'string', description: 'Its replacement.' } },
  left: { width: { type: 'integer', minimum: 0, description: 'Characters to keep.' } },
  valid_utf8: { replacement: { type: 'string', description: 'What invalid text becomes.' } },
};

// What each operation does, for its row in the README's option table.
const OPERATION_DESCRIPTIONS: Record<Operation, string> = {
  lowercase: 'Lower-case the values.',
  uppercase: 'Upper-case the values.',
  titlecase: 'Upper-case the first letter of every word.',
  trim: 'Remove the characters of `cutset` (white space without it) from both ends.',
  trim_left: 'Remove the characters of `cutset` (white space without it) from the start.',
  trim_right: 'Remove the characters of `cutset` (white space without it) from the end.',
  trim_prefix: 'Remove `prefix` once, if the value starts with it.',
  trim_suffix: 'Remove `suffix` once, if the value ends with it.',
  replace: 'Replace every occurrence of `old` with `new`.',
  left: 'Keep the first `width` characters.',
  base64decode: 'Fields only: decode standard base64; a value that is not base64 or does not decode to UTF-8 text is left as it was.',
  valid_utf8: 'Fields only: replace text that was not valid UTF-8 (shown as U+FFFD once read, or a lone surrogate) with `replacement`.',
};

const globList = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };

function entrySchema(op: Operation) {
  const selectors = FIELDS_ONLY.includes(op) ? ['field'] : SELECTORS;
  return {
    type: 'array',
    default: [],
    description: OPERATION_DESCRIPTIONS[op],
    items: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ...Object.fromEntries(selectors.map((s) => [s, { ...globList, description: `The ${s.replace('_', ' ')}s to change (globs).` }])),
        ...EXTRA_SETTINGS[op],
        dest: { type: 'string', description: 'Write the result to this tag or field and keep the original.' },
      },
    },
  };
}

function check(options: StringsOptions): OptionProblem[] {
  const problems: OptionProblem[] = [];
  for (const op of OPERATIONS) {
    (options[op] ?? []).forEach((entry, i) => {
      if (!SELECTORS.some((s) => entry[s] !== undefined)) problems.push({ option: op, message: `option "${op}.${i}" names nothing to change: set ${FIELDS_ONLY.includes(op) ? '"field"' : 'measurement, tag, field, tag_key or field_key'}` });
      if (entry.dest !== undefined && entry.tag === undefined && entry.field === undefined) problems.push({ option: op, message: `option "${op}.${i}.dest" needs "tag" or "field"` });
    });
  }
  if (!OPERATIONS.some((op) => (options[op] ?? []).length > 0)) problems.push({ message: 'no operation configured, e.g. [[processors.strings.lowercase]]' });
  return problems;
}

interface Step {
  change: (s: string) => string | undefined;
  measurement?: Matcher;
  tag?: Matcher;
  field?: Matcher;
  tagKey?: Matcher;
  fieldKey?: Matcher;
  dest?: string;
}

const isRecordField = (key: string) => (LOG_RECORD_FIELDS as readonly string[]).includes(key);

function apply(step: Step, item: Item): void {
  const { change, dest } = step;
  if (step.measurement?.(item.name)) item.name = change(item.name) ?? item.name;
  if (step.tag) {
    for (const key of Object.keys(item.tags)) {
      if (!step.tag(key)) continue;
      const changed = change(item.tags[key]);
      if (changed !== undefined) item.tags[dest ?? key] = changed;
    }
  }
  if (step.field) {
    for (const key of fieldNames(item)) {
      const value = getField(item, key);
      if (typeof value !== 'string' || !step.field(key)) continue;
      const changed = change(value);
      if (changed !== undefined) setField(item, dest ?? key, changed);
    }
  }
  if (step.tagKey) {
    for (const key of Object.keys(item.tags)) {
      const renamed = step.tagKey(key) ? change(key) : undefined;
      if (renamed === undefined || renamed === key) continue;
      item.tags[renamed] = item.tags[key];
      delete item.tags[key];
    }
  }
  if (step.fieldKey) {
    // A log record's message, level and source keep their names; its attributes can change.
    for (const key of fieldNames(item)) {
      if (item.kind === 'log' && isRecordField(key)) continue;
      const renamed = step.fieldKey(key) ? change(key) : undefined;
      if (renamed === undefined || renamed === key) continue;
      setField(item, renamed, getField(item, key)!);
      deleteField(item, key);
    }
  }
}

function globs(value: string | string[] | undefined): Matcher | undefined {
  if (value === undefined) return undefined;
  return compileGlobs(Array.isArray(value) ? value : [value]);
}

export default defineProcessor<StringsOptions>({
  name: 'strings',
  description: 'Changes case, trims, replaces, shortens and decodes strings in names, tags and fields',
  sample: readSample(import.meta.url),
  schema: { type: 'object', properties: Object.fromEntries(OPERATIONS.map((op) => [op, entrySchema(op)])) },
  check,
  create({ options }) {
    const steps: Step[] = OPERATIONS.flatMap((op) =>
      (options[op] ?? []).map((entry) => ({
        change: operation(op, entry),
        measurement: globs(entry.measurement),
        tag: globs(entry.tag),
        field: globs(entry.field),
        tagKey: globs(entry.tag_key),
        fieldKey: globs(entry.field_key),
        dest: entry.dest,
      })),
    );
    return {
      process(item) {
        for (const step of steps) apply(step, item);
        return item;
      },
    };
  },
});
