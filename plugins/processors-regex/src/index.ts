import {
  compileConfigRegex,
  compileGlobs,
  configRegexProblem,
  configReplacement,
  defineProcessor,
  deleteField,
  fieldNames,
  getField,
  LOG_RECORD_FIELDS,
  readSample,
  setField,
  type Item,
  type Matcher,
  type OptionProblem,
} from '@vigil/core';

interface ValueRule {
  key: string;
  pattern: string;
  replacement: string;
  result_key?: string;
  append?: boolean;
}

interface RenameRule {
  pattern: string;
  replacement: string;
  result_key?: 'keep' | 'overwrite';
}

interface RegexOptions {
  tags: ValueRule[];
  fields: ValueRule[];
  tag_rename: RenameRule[];
  field_rename: RenameRule[];
  metric_rename: RenameRule[];
}

const patternProperties = {
  pattern: { type: 'string', description: 'A regular expression (JavaScript syntax; (?P<name>…) and a leading (?i) are read too).' },
  replacement: { type: 'string', description: 'What each match becomes; ${1} or ${name} insert a group.' },
};

const valueRules = (what: string, append: boolean) => ({
  type: 'array',
  default: [],
  description: `Replacements in ${what} values.`,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['key', 'pattern', 'replacement'],
    properties: {
      key: { type: 'string', description: `The ${what} to change (a glob).` },
      ...patternProperties,
      result_key: { type: 'string', description: `Write the result to this ${what} and keep the original.` },
      ...(append ? { append: { type: 'boolean', default: false, description: 'Append the result to the value already there.' } } : {}),
    },
  },
});

const renameRules = (what: string, keyOption: boolean) => ({
  type: 'array',
  default: [],
  description: `Renames of ${what}.`,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['pattern', 'replacement'],
    properties: {
      ...patternProperties,
      ...(keyOption ? { result_key: { type: 'string', enum: ['keep', 'overwrite'], default: 'keep', description: 'When the new name exists: keep it, or overwrite it.' } } : {}),
    },
  },
});

const SECTIONS = ['tags', 'fields', 'tag_rename', 'field_rename', 'metric_rename'] as const;

function check(options: RegexOptions): OptionProblem[] {
  const problems: OptionProblem[] = [];
  for (const section of SECTIONS) {
    options[section].forEach((rule, i) => {
      const problem = configRegexProblem(rule.pattern);
      if (problem) problems.push({ option: section, message: `option "${section}.${i}.pattern" does not compile: ${problem}` });
    });
  }
  if (SECTIONS.every((s) => options[s].length === 0)) problems.push({ message: 'no rule configured, e.g. [[processors.regex.tags]]' });
  return problems;
}

/** Go's ReplaceAllString, but only when the pattern matches: the value, or undefined. */
function replacer(rule: { pattern: string; replacement: string }): (s: string) => string | undefined {
  const test = compileConfigRegex(rule.pattern);
  const all = compileConfigRegex(rule.pattern, 'g');
  const replacement = configReplacement(rule.replacement);
  return (s) => (test.test(s) ? s.replace(all, replacement) : undefined);
}

type Step = (item: Item) => void;

function tagStep(rule: ValueRule): Step {
  const keys: Matcher = compileGlobs([rule.key]);
  const replace = replacer(rule);
  return (item) => {
    for (const key of Object.keys(item.tags)) {
      if (!keys(key)) continue;
      const value = replace(item.tags[key]);
      if (value === undefined) continue;
      const target = rule.result_key || key;
      const existing = item.tags[target];
      item.tags[target] = rule.append && existing !== undefined ? existing + value : value;
    }
  };
}

function fieldStep(rule: ValueRule): Step {
  const keys = compileGlobs([rule.key]);
  const replace = replacer(rule);
  return (item) => {
    for (const key of fieldNames(item)) {
      const value = getField(item, key);
      if (typeof value !== 'string' || !keys(key)) continue;
      const replaced = replace(value);
      if (replaced !== undefined) setField(item, rule.result_key || key, replaced);
    }
  };
}

function tagRenameStep(rule: RenameRule): Step {
  const replace = replacer(rule);
  return (item) => {
    for (const key of Object.keys(item.tags)) {
      const renamed = replace(key);
      if (renamed === undefined || renamed === key) continue;
      if (renamed in item.tags && rule.result_key !== 'overwrite') continue;
      item.tags[renamed] = item.tags[key];
      delete item.tags[key];
    }
  };
}

function fieldRenameStep(rule: RenameRule): Step {
  const replace = replacer(rule);
  return (item) => {
    for (const key of fieldNames(item)) {
      // A log record's message, level and source keep their names.
      if (item.kind === 'log' && (LOG_RECORD_FIELDS as readonly string[]).includes(key)) continue;
      const renamed = replace(key);
      if (renamed === undefined || renamed === key) continue;
      if (getField(item, renamed) !== undefined && rule.result_key !== 'overwrite') continue;
      setField(item, renamed, getField(item, key)!);
      deleteField(item, key);
    }
  };
}

function metricRenameStep(rule: RenameRule): Step {
  const replace = replacer(rule);
  return (item) => {
    item.name = replace(item.name) ?? item.name;
  };
}

export default defineProcessor<RegexOptions>({
  name: 'regex',
  description: 'Regular-expression replacements in tag and field values, and renames of tags, fields and measurements',
  sample: readSample(import.meta.url),
  schema: {
    type: 'object',
    properties: {
      tags: valueRules('tag', true),
      fields: valueRules('field', false),
      tag_rename: renameRules('tag keys', true),
      field_rename: renameRules('field keys', true),
      metric_rename: renameRules('the measurement', false),
    },
  },
  check,
  create({ options }) {
    const steps: Step[] = [
      ...options.tags.map(tagStep),
      ...options.fields.map(fieldStep),
      ...options.tag_rename.map(tagRenameStep),
      ...options.field_rename.map(fieldRenameStep),
      ...options.metric_rename.map(metricRenameStep),
    ];
    return {
      process(item) {
        for (const step of steps) step(item);
        return item;
      },
    };
  },
});
