import { defineProcessor, readSample } from '@vigil/core';

interface OverrideOptions {
  name_override: string;
  name_prefix: string;
  name_suffix: string;
  tags: Record<string, string>;
}

export default defineProcessor<OverrideOptions>({
  name: 'override',
  description: 'Renames measurements and adds or replaces tags',
  sample: readSample(import.meta.url),
  schema: {
    type: 'object',
    properties: {
      name_override: { type: 'string', default: '', description: 'Replaces the measurement name.' },
      name_prefix: { type: 'string', default: '', description: 'Prepended to the measurement name.' },
      name_suffix: { type: 'string', default: '', description: 'Appended to the measurement name.' },
      tags: { type: 'object', additionalProperties: { type: 'string' }, default: {}, description: 'Tags to add; existing tags of the same key are replaced.' },
    },
  },
  create({ options }) {
    const { name_override: override, name_prefix: prefix, name_suffix: suffix } = options;
    const renames = override !== '' || prefix !== '' || suffix !== '';
    const tags = Object.entries(options.tags);
    return {
      process(item) {
        if (renames) item.name = prefix + (override || item.name) + suffix;
        for (const [k, v] of tags) item.tags[k] = v;
        return item;
      },
    };
  },
});
