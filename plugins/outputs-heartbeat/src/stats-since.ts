import type { StatsSnapshot } from '@vigil/core';

/** Readings of the moment, not accumulations: reported as they are. */
const LEVELS = new Set(['alias', 'buffer_size', 'buffer_limit', 'buffer_fullness']);

function since<T extends object>(now: T, then: T | undefined): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(now)) {
    const before = then ? (then as Record<string, unknown>)[k] : undefined;
    // A counter lower than before was reset (a reload): all of it is new.
    out[k] = LEVELS.has(k) || typeof v !== 'number' || typeof before !== 'number' || v < before ? v : v - before;
  }
  return out as T;
}

function pluginsSince<E extends object>(now: Record<string, E[]>, then: Record<string, E[]>): Record<string, E[]> {
  const out: Record<string, E[]> = {};
  for (const [name, entries] of Object.entries(now)) out[name] = entries.map((e, i) => since(e, then[name]?.[i]));
  return out;
}

/**
 * The agent's counters accumulated since `then` (the last successful heartbeat), as Telegraf's
 * heartbeat gives its status conditions; buffer levels stay as they are now.
 */
export function statsSince(now: StatsSnapshot, then: StatsSnapshot): StatsSnapshot {
  return {
    ...now,
    agent: since(now.agent, then.agent),
    inputs: pluginsSince(now.inputs, then.inputs),
    outputs: pluginsSince(now.outputs, then.outputs),
  };
}
