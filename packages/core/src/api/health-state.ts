import type { BufferView, OutputHealth } from '../pipeline/running-output.js';
import type { InputHealth } from '../pipeline/running-input.js';
import type { InputStats } from '../stats/stats.js';

export type HealthState = 'ok' | 'degraded' | 'failing';

/** The thresholds docs/status-api.md states; change both together. */
export const HEALTH_THRESHOLDS = {
  /** Failed connects or writes in a row that make an output degraded, then failing. */
  degradedAfterFailures: 1,
  failingAfterFailures: 3,
  /** Buffer fill (items of metric_buffer_limit, or bytes of buffer_max_size on disk) that makes it degraded, then failing. */
  degradedAtFill: 0.5,
  failingAtFill: 0.9,
} as const;

const RANK: Record<HealthState, number> = { ok: 0, degraded: 1, failing: 2 };

export function worst(states: Iterable<HealthState>): HealthState {
  let out: HealthState = 'ok';
  for (const s of states) if (RANK[s] > RANK[out]) out = s;
  return out;
}

/** 0 … 1: the fuller of items over their limit and, on disk, bytes over buffer_max_size. */
export function bufferFill(buffer: BufferView | undefined, maxBytes: number | undefined): number {
  if (!buffer) return 0;
  const byItems = buffer.limit > 0 ? buffer.items / buffer.limit : 0;
  const byBytes = buffer.strategy === 'disk' && maxBytes ? buffer.bytes / maxBytes : 0;
  return Math.min(1, Math.max(byItems, byBytes));
}

export interface StateDecision {
  state: HealthState;
  /** Why it is not ok, one short sentence each; empty when ok. */
  reasons: string[];
}

const percent = (fill: number) => `${Math.floor(fill * 100)}%`;

/** An output's state from its consecutive failures and how full its buffer is. */
export function outputState(health: OutputHealth, buffer: BufferView | undefined, fill: number): StateDecision {
  const t = HEALTH_THRESHOLDS;
  const reasons: string[] = [];
  let state: HealthState = 'ok';
  const raise = (to: HealthState, reason: string) => {
    state = worst([state, to]);
    reasons.push(reason);
  };
  const failures = health.consecutiveFailures;
  if (failures >= t.degradedAfterFailures) {
    const last = health.lastError ? `; last: ${health.lastError}` : '';
    raise(failures >= t.failingAfterFailures ? 'failing' : 'degraded', `${failures} ${failures === 1 ? 'try' : 'tries'} in a row failed${last}`);
  }
  if (buffer && fill >= t.degradedAtFill) {
    raise(fill >= t.failingAtFill ? 'failing' : 'degraded', `buffer ${percent(fill)} full (${buffer.items} of ${buffer.limit} items)`);
  }
  return { state, reasons };
}

/** An input is degraded while its last gather failed or it could not start; inputs never fail the agent. */
export function inputState(health: InputHealth, stats: InputStats): StateDecision {
  if (stats.startup_errors > 0 && health.lastGatherAt === undefined) return { state: 'degraded', reasons: [`could not start${health.lastError ? `: ${health.lastError}` : ''}`] };
  if (health.lastGatherFailed) return { state: 'degraded', reasons: [`its last gather failed${health.lastError ? `: ${health.lastError}` : ''}`] };
  return { state: 'ok', reasons: [] };
}
