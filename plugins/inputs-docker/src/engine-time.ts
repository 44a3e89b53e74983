const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/**
 * Nanoseconds since the epoch of an engine time ("2024-05-01T10:00:00.123456789Z"), keeping
 * every digit. Undefined for the engine's "never" (year 1) and for anything unparsable.
 */
export function engineTimeNs(text: string | undefined): bigint | undefined {
  const m = text ? RFC3339.exec(text) : null;
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms) || ms <= 0) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** "seconds.nanoseconds", the form the events API takes for `since` and `until`. */
export function unixTimestamp(ns: bigint): string {
  return `${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;
}
