import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parseDuration } from './duration.js';
import { parseSize } from './size.js';
import type { OptionsSchema } from '../sdk/plugin.js';
import { echo, quoted } from './errors.js';

export interface OptionError {
  /** Dotted option path ("interval", "tags.env"); '' for the table itself. */
  option: string;
  message: string;
}

/** setTimeout's limit: longer delays fire at once. */
const MAX_DURATION_MS = 2 ** 31 - 1;

// One instance for every schema. Start-up cost, measured in CPU time for [agent], [api] and two
// plugins: 67 ms with ajv's defaults, 33 ms without these two. Checking each schema against the
// JSON Schema meta-schema first compiles the meta-schema itself, and a malformed type or keyword
// still fails the compile; the optimizer's passes only shorten code that runs a few times a load.
const ajv = new Ajv({ useDefaults: true, strict: false, allErrors: true, validateSchema: false, code: { optimize: false } });

// `duration: true` accepts "10s"-style strings (or seconds as a number) and replaces the value
// with milliseconds, so plugins get numbers.
ajv.addKeyword({
  keyword: 'duration',
  modifying: true,
  errors: true,
  validate: function durationKeyword(this: unknown, enabled: boolean, data: unknown, _schema?: unknown, ctx?: { parentData: any; parentDataProperty: string | number }) {
    if (!enabled) return true;
    const ms = parseDuration(data);
    if (ms !== undefined && ms > MAX_DURATION_MS) {
      (durationKeyword as any).errors = [{ keyword: 'duration', message: 'must be at most 24 days (the longest timer Node.js can set)', params: {} }];
      return false;
    }
    if (ms === undefined) {
      (durationKeyword as any).errors = [{ keyword: 'duration', message: 'must be a duration such as "10s", "1m" or "500ms"', params: {} }];
      return false;
    }
    if (ctx) ctx.parentData[ctx.parentDataProperty] = ms;
    return true;
  },
});
// `size: true` accepts "512MiB"-style strings (or bytes as a number) and replaces the value with bytes.
ajv.addKeyword({
  keyword: 'size',
  modifying: true,
  errors: true,
  validate: function sizeKeyword(this: unknown, enabled: boolean, data: unknown, _schema?: unknown, ctx?: { parentData: any; parentDataProperty: string | number }) {
    if (!enabled) return true;
    const bytes = parseSize(data);
    if (bytes === undefined) {
      (sizeKeyword as any).errors = [{ keyword: 'size', message: 'must be a size such as "512MiB", "10MB" or a number of bytes', params: {} }];
      return false;
    }
    if (ctx) ctx.parentData[ctx.parentDataProperty] = bytes;
    return true;
  },
});
// `secret: true` marks values to be redacted everywhere; it validates nothing.
ajv.addKeyword({ keyword: 'secret' });

function describeType(value: unknown): string {
  if (value && typeof value === 'object' && 'secret' in value) return 'a value of another type';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'a table' : `${typeof value} ${echo(value)}`;
}

function pathOf(error: ErrorObject): string {
  return error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
}

function valueAt(data: unknown, path: string): unknown {
  return path ? path.split('.').reduce<any>((v, k) => (v == null ? v : v[k]), data) : data;
}

function explain(error: ErrorObject, data: unknown, secretOptions: Set<string>): OptionError {
  const option = pathOf(error);
  const raw = valueAt(data, option);
  // A secret's value is never shown, not even when it is of the wrong type.
  const value = secretOptions.has(option.split('.')[0]) ? { secret: true } : raw;
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = error.params.additionalProperty as string;
      const full = option ? `${option}.${extra}` : extra;
      return { option: full, message: `option ${quoted(full)} is not allowed` };
    }
    case 'required': {
      const missing = error.params.missingProperty as string;
      return { option, message: `option "${option ? `${option}.${missing}` : missing}" is required` };
    }
    case 'type':
      return { option, message: `option "${option}" must be ${/^[aeiou]/.test(error.params.type) ? 'an' : 'a'} ${error.params.type}, got ${describeType(value)}` };
    case 'enum':
      return { option, message: `option "${option}" must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${describeType(value)}` };
    case 'maximum':
      return { option, message: `option "${option}" must be at most ${error.params.limit}, got ${describeType(value)}` };
    default:
      return { option, message: `option "${option}" ${error.message ?? 'is invalid'}${error.keyword === 'duration' || error.keyword === 'size' ? `, got ${describeType(value)}` : ''}` };
  }
}

export interface CompiledSchema {
  /** Validates in place (applies defaults, converts durations) and returns the problems. */
  validate(options: Record<string, unknown>): OptionError[];
  readonly knownOptions: string[];
}

export function compileSchema(schema: OptionsSchema): CompiledSchema {
  const fn: ValidateFunction = ajv.compile({ additionalProperties: false, ...schema });
  const secretOptions = new Set(Object.entries(schema.properties).filter(([, p]) => p.secret === true).map(([name]) => name));
  return {
    knownOptions: Object.keys(schema.properties),
    validate(options) {
      if (fn(options)) return [];
      // anyOf/oneOf report every branch and then themselves. One line per option is enough:
      // the error deepest inside the value comes from the branch that matched best.
      const best = new Map<string, ErrorObject>();
      for (const e of fn.errors ?? []) {
        if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
        const option = pathOf(e).split('.')[0] || `${e.params.additionalProperty ?? e.params.missingProperty ?? ''}`;
        const current = best.get(option);
        if (!current || e.instancePath.length > current.instancePath.length) best.set(option, e);
      }
      return [...best.values()].map((e) => explain(e, options, secretOptions));
    },
  };
}

/**
 * Every string under options marked `secret: true` (header values, tokens, passwords), and the
 * password of any URL with credentials in any option.
 */
export function secretValues(schema: OptionsSchema, options: Record<string, unknown>): string[] {
  const out: string[] = [];
  const visit = (v: unknown, secret: boolean): void => {
    if (typeof v === 'string') {
      if (secret) out.push(v);
      for (const m of v.matchAll(/\/\/[^\s/:@]*:([^\s/@]+)@/g)) out.push(m[1], decodeURIComponentSafe(m[1]));
    } else if (Array.isArray(v)) v.forEach((x) => visit(x, secret));
    else if (v && typeof v === 'object') Object.values(v).forEach((x) => visit(x, secret));
  };
  for (const [name, value] of Object.entries(options)) visit(value, schema.properties[name]?.secret === true);
  return out;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
