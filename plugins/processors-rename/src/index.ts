import { defineProcessor, deleteField, getField, readSample, setField, type Item, type OptionProblem } from '@vigil/core';

interface Replacement {
  measurement?: string;
  tag?: string;
  field?: string;
  dest: string;
}

interface RenameOptions {
  replace: Replacement[];
}

const TARGETS = ['measurement', 'tag', 'field'] as const;

function check(options: RenameOptions): OptionProblem[] {
  return options.replace.flatMap((r, i) => {
    const set = TARGETS.filter((t) => r[t] !== undefined);
    return set.length === 1 ? [] : [{ option: 'replace', message: `option "replace.${i}" must set exactly one of "measurement", "tag" or "field", got ${set.length === 0 ? 'none' : set.join(' and ')}` }];
  });
}

/** One replacement as a step; like Telegraf, a tag or field already named `dest` is overwritten. */
function step(r: Replacement): (item: Item) => void {
  const { dest } = r;
  if (r.measurement !== undefined) {
    const from = r.measurement;
    return (item) => {
      if (item.name === from) item.name = dest;
    };
  }
  if (r.tag !== undefined) {
    const from = r.tag;
    return (item) => {
      const value = item.tags[from];
      if (value === undefined || from === dest) return;
      delete item.tags[from];
      item.tags[dest] = value;
    };
  }
  const from = r.field!;
  return (item) => {
    const value = getField(item, from);
    if (value === undefined || from === dest) return;
    // A log record keeps a value its `level` cannot take where it was.
    if (setField(item, dest, value)) deleteField(item, from);
  };
}

export default defineProcessor<RenameOptions>({
  name: 'rename',
  description: 'Renames measurements, tags and fields',
  sample: readSample(import.meta.url),
  schema: {
    type: 'object',
    properties: {
      replace: {
        type: 'array',
        default: [],
        description: 'The renames, applied in order. Each sets exactly one of `measurement`, `tag` or `field` (the old name, exact) and `dest` (the new name).',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['dest'],
          properties: {
            measurement: { type: 'string', description: 'A measurement (log stream) name to rename.' },
            tag: { type: 'string', description: 'A tag key to rename.' },
            field: { type: 'string', description: 'A field key to rename (log records: message, level, source or an attribute).' },
            dest: { type: 'string', minLength: 1, description: 'The new name.' },
          },
        },
      },
    },
  },
  check,
  create({ options }) {
    const steps = options.replace.map(step);
    return {
      process(item) {
        for (const s of steps) s(item);
        return item;
      },
    };
  },
});
