import type { FieldValue } from '@vigil/core';

/**
 * Telegraf's conversions, value by value. `undefined` means the value cannot be converted.
 * Floats become integers rounded half away from zero and clamped to the 64-bit range;
 * strings are read as integers first (with 0x, 0o, 0b prefixes), then as floats.
 */
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

const clamp = (v: bigint, min: bigint, max: bigint) => (v < min ? min : v > max ? max : v);

function roundHalfAway(v: number): bigint {
  return BigInt(v < 0 ? -Math.round(-v) : Math.round(v));
}

function parseInteger(text: string): bigint | undefined {
  const s = text.trim();
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|\d[\d_]*)$/.exec(s);
  if (!m) return undefined;
  const magnitude = BigInt(m[2].replace(/_/g, ''));
  return m[1] === '-' ? -magnitude : magnitude;
}

function parseFloatStrict(text: string): number | undefined {
  const s = text.trim();
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

function toBigint(v: FieldValue, min: bigint, max: bigint): bigint | undefined {
  switch (typeof v) {
    case 'bigint':
      return clamp(v, min, max);
    case 'boolean':
      return v ? 1n : 0n;
    case 'number':
      return Number.isNaN(v) ? undefined : v === Infinity ? max : v === -Infinity ? min : clamp(roundHalfAway(v), min, max);
    default: {
      const integer = parseInteger(v);
      if (integer !== undefined) return clamp(integer, min, max);
      const float = parseFloatStrict(v);
      return float === undefined ? undefined : toBigint(float, min, max);
    }
  }
}

export const toInteger = (v: FieldValue) => toBigint(v, INT64_MIN, INT64_MAX);
export const toUnsigned = (v: FieldValue) => toBigint(v, 0n, UINT64_MAX);

export function toFloat(v: FieldValue): number | undefined {
  switch (typeof v) {
    case 'number':
      return v;
    case 'bigint':
      return Number(v);
    case 'boolean':
      return v ? 1 : 0;
    default: {
      const integer = /^\s*[+-]?0[xXoObB]/.test(v) ? parseInteger(v) : undefined;
      return integer !== undefined ? Number(integer) : parseFloatStrict(v);
    }
  }
}

/** Go's strconv.ParseBool: 1, t, T, TRUE, true, True and their false forms. */
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

export function toBoolean(v: FieldValue): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return TRUE.has(v) ? true : FALSE.has(v) ? false : undefined;
  return typeof v === 'bigint' ? v !== 0n : v !== 0;
}

export function toText(v: FieldValue): string {
  return typeof v === 'string' ? v : String(v);
}

export const TIMESTAMP_FORMATS = ['unix', 'unix_ms', 'unix_us', 'unix_ns', 'rfc3339'] as const;
export type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number];

/** Milliseconds since the epoch, or undefined. Unix formats take integers, floats or their text. */
export function toTimestamp(v: FieldValue, format: TimestampFormat): number | undefined {
  if (format === 'rfc3339') {
    if (typeof v !== 'string' || !/^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/.test(v)) return undefined;
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const n = typeof v === 'string' ? toFloat(v) : typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : undefined;
  if (n === undefined || !Number.isFinite(n)) return undefined;
  const perMs = { unix: 1e-3, unix_ms: 1, unix_us: 1e3, unix_ns: 1e6 }[format];
  return Math.floor(n / perMs);
}
