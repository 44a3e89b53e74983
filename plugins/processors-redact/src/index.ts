import { configRegexProblem, defineProcessor, readSample, type OptionProblem } from '@vigil/core';
import { NAMED_PATTERN_NAMES } from './named-patterns.js';
import { customEntries, namedEntries, Redactor } from './redactor.js';
import { parsePlaces, placeProblem, redactItem } from './redacted-places.js';

interface RedactOptions {
  patterns: string[];
  custom: string[] | Record<string, string>;
  replacement: string;
  hash: boolean;
  hash_key: string;
  fields: string[];
}

const DEFAULT_REPLACEMENT = '[REDACTED:{name}]';
const DEFAULT_HASH_REPLACEMENT = '[REDACTED:{name}:{hash}]';

function replacementOf(options: RedactOptions): string {
  if (options.replacement !== '') return options.replacement;
  return options.hash ? DEFAULT_HASH_REPLACEMENT : DEFAULT_REPLACEMENT;
}

function check(options: RedactOptions): OptionProblem[] {
  const problems: OptionProblem[] = [];
  const custom = Array.isArray(options.custom) ? options.custom.map((p, i) => [`${i + 1}`, p] as const) : Object.entries(options.custom);
  for (const [which, pattern] of custom) {
    const problem = configRegexProblem(pattern);
    if (problem) problems.push({ option: 'custom', message: `option "custom": pattern ${which} (${JSON.stringify(pattern)}) does not compile: ${problem}` });
  }
  if (problems.length === 0) {
    try {
      new Redactor([...namedEntries(options.patterns), ...customEntries(options.custom)], { replacement: '' });
    } catch (err) {
      problems.push({ option: 'custom', message: `option "custom": the patterns do not compile together (a group name used twice?): ${(err as Error).message}` });
    }
  }
  for (const entry of options.fields) {
    const problem = placeProblem(entry);
    if (problem) problems.push({ option: 'fields', message: `option "fields": ${problem}` });
  }
  if (options.hash && options.hash_key === '') problems.push({ option: 'hash', message: 'option "hash_key" is required when hash = true' });
  if (!options.hash && options.replacement.includes('{hash}')) problems.push({ option: 'replacement', message: 'option "replacement" uses {hash}, which needs hash = true and a hash_key' });
  if (options.patterns.length === 0 && custom.length === 0) problems.push({ option: 'patterns', message: 'no pattern to redact: set "patterns" or "custom"' });
  return problems;
}

export default defineProcessor<RedactOptions>({
  name: 'redact',
  description: 'Masks secrets and personal data in log messages, attributes, tags and string fields',
  sample: readSample(import.meta.url),
  schema: {
    type: 'object',
    properties: {
      patterns: {
        type: 'array',
        items: { type: 'string', enum: NAMED_PATTERN_NAMES },
        default: NAMED_PATTERN_NAMES,
        description: 'Named patterns to mask (table below). `[]` with `custom` masks only your own.',
      },
      custom: {
        anyOf: [
          { type: 'array', items: { type: 'string' } },
          { type: 'object', additionalProperties: { type: 'string' } },
        ],
        default: [],
        description: 'Your own patterns, JavaScript regex syntax; a leading `(?i)`/`(?s)`/`(?m)` sets the flag and `(?P<name>` is read as `(?<name>`. In a list each is named `custom`; in a table by its key. A `(?<secret>…)` group masks only that part (a key before it stays). Use named groups, not `\\1` back-references: numbered groups shift when the patterns are combined.',
      },
      replacement: { type: 'string', default: '', description: 'What a match becomes: `{name}` is the pattern\'s name, `{hash}` the keyed hash. `""`: `"[REDACTED:{name}]"`, or with `hash` `"[REDACTED:{name}:{hash}]"`.' },
      hash: { type: 'boolean', default: false, description: 'Put an HMAC-SHA256 of the matched text, keyed by `hash_key`, in the replacement: its first 16 hex characters (64 bits).' },
      hash_key: { type: 'string', default: '', secret: true, description: 'The HMAC key; required with `hash = true`. Use an environment variable (`"${REDACT_KEY}"`); it never appears in logs, status or `vigil config` output. Without the key, a hash cannot be tried against guesses.' },
      fields: {
        type: 'array',
        items: { type: 'string' },
        default: ['message', 'source', 'attributes.*', 'tags.*', 'fields.*'],
        description: 'Where to look: `message`, `source`, `attributes.NAME`, `tags.NAME`, `fields.NAME` (a metric\'s string fields); NAME may be a glob. Only string values change; names, levels and timestamps never do.',
      },
    },
  },
  check,
  create({ options }) {
    const redactor = new Redactor([...namedEntries(options.patterns), ...customEntries(options.custom)], {
      replacement: replacementOf(options),
      hashKey: options.hash ? options.hash_key : undefined,
    });
    const places = parsePlaces(options.fields);
    const redact = (text: string) => redactor.redact(text);
    return {
      process(item) {
        redactItem(item, places, redact);
        return item;
      },
    };
  },
});
