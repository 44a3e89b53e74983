import { compileGlobs, defineProcessor, fieldNames, getField, readSample, setField, type FieldValue, type Item, type Matcher, type OptionProblem } from '@vigil/core';

type MappedValue = string | number | boolean;

interface Mapping {
  fields?: string[];
  tags?: string[];
  /** Telegraf's older single-key forms. */
  field?: string;
  tag?: string;
  dest?: string;
  default?: MappedValue;
  value_mappings: Record<string, MappedValue>;
}

interface EnumOptions {
  mapping: Mapping[];
}

/**
 * Telegraf looks a value up by its text: strings as they are, booleans as "true"/"false",
 * integers in decimal. A float is never mapped, not even to the default.
 */
function lookupKey(value: FieldValue | string): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** TOML integers arrive as numbers; a whole number is written as an integer field, as Telegraf does. */
function asFieldValue(v: MappedValue): FieldValue {
  return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v;
}

function check(options: EnumOptions): OptionProblem[] {
  return options.mapping.flatMap((m, i) => {
    const named = (m.fields?.length ?? 0) + (m.tags?.length ?? 0) + (m.field ? 1 : 0) + (m.tag ? 1 : 0);
    return named > 0 ? [] : [{ option: 'mapping', message: `option "mapping.${i}" names no field or tag: set "fields" or "tags"` }];
  });
}

interface CompiledMapping {
  fields?: Matcher;
  tags?: Matcher;
  dest?: string;
  map: (key: string) => MappedValue | undefined;
}

function compile(m: Mapping): CompiledMapping {
  const fieldGlobs = [...(m.fields ?? []), ...(m.field ? [m.field] : [])];
  const tagGlobs = [...(m.tags ?? []), ...(m.tag ? [m.tag] : [])];
  const table = new Map(Object.entries(m.value_mappings));
  return {
    fields: fieldGlobs.length > 0 ? compileGlobs(fieldGlobs) : undefined,
    tags: tagGlobs.length > 0 ? compileGlobs(tagGlobs) : undefined,
    dest: m.dest || undefined,
    map: (key) => table.get(key) ?? m.default,
  };
}

function apply(m: CompiledMapping, item: Item): void {
  if (m.fields) {
    for (const key of fieldNames(item)) {
      if (!m.fields(key)) continue;
      const lookup = lookupKey(getField(item, key)!);
      const mapped = lookup === undefined ? undefined : m.map(lookup);
      if (mapped !== undefined) setField(item, m.dest ?? key, asFieldValue(mapped));
    }
  }
  if (m.tags) {
    for (const key of Object.keys(item.tags)) {
      if (!m.tags(key)) continue;
      const mapped = m.map(item.tags[key]);
      // A tag holds text: a number or boolean mapped to a tag is written as text.
      if (mapped !== undefined) item.tags[m.dest ?? key] = String(mapped);
    }
  }
}

const mappedValue = { type: ['string', 'number', 'boolean'] };

export default defineProcessor<EnumOptions>({
  name: 'enum',
  description: 'Maps tag and field values to other values',
  sample: readSample(import.meta.url),
  schema: {
    type: 'object',
    properties: {
      mapping: {
        type: 'array',
        default: [],
        description: 'Mappings, applied in order.',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            fields: { type: 'array', items: { type: 'string' }, description: 'Fields whose values are mapped (globs). On a log record: `message`, `level`, `source` and the attributes.' },
            tags: { type: 'array', items: { type: 'string' }, description: 'Tags whose values are mapped (globs).' },
            field: { type: 'string', description: 'One field (Telegraf\'s older form of "fields").' },
            tag: { type: 'string', description: 'One tag (Telegraf\'s older form of "tags").' },
            dest: { type: 'string', description: 'Where the mapped value goes, the original staying; unset: the source key itself.' },
            default: { ...mappedValue, description: 'The value for anything the table does not list. Unset: such values are left alone and `dest` is not written.' },
            value_mappings: { type: 'object', additionalProperties: mappedValue, default: {}, description: 'Value → mapped value.' },
          },
        },
      },
    },
  },
  check,
  create({ options }) {
    const mappings = options.mapping.map(compile);
    return {
      process(item) {
        for (const m of mappings) apply(m, item);
        return item;
      },
    };
  },
});
