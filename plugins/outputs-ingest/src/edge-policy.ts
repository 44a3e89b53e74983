import type { PluginState } from '@vigil/core';
import type { ServiceStates } from './service-changes.js';

/** What GET /api/v1/edge-agent/enrollment said, as kept. */
export interface Enrollment {
  mode: string;
  /** "" when the gateway named none: the contract's default path is used. */
  ingestUrl: string;
  /** Milliseconds since the epoch. */
  fetchedAt: number;
}

export interface KeptPolicy {
  document: Record<string, unknown>;
  /** Milliseconds since the epoch. */
  fetchedAt: number;
}

/** What the output keeps in the statefile: the gateway's answers and the services' conditions. */
export interface EdgeState {
  enrollment?: Enrollment;
  policy?: KeptPolicy;
  services: ServiceStates;
}

/** The policy fields vigil applies; every other field is kept and shown, not applied. */
export interface AppliedPolicy {
  heartbeatIntervalMs?: number;
  sendUnmatched?: boolean;
  tlsWarnDays?: number;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

export function appliedPolicy(document: Record<string, unknown> | undefined): AppliedPolicy {
  if (!document) return {};
  const seconds = positive(document.heartbeatIntervalSeconds);
  return {
    heartbeatIntervalMs: seconds === undefined ? undefined : seconds * 1000,
    sendUnmatched: typeof document.sendUnmatched === 'boolean' ? document.sendUnmatched : undefined,
    tlsWarnDays: typeof document.tlsWarnDays === 'number' && document.tlsWarnDays >= 0 ? document.tlsWarnDays : undefined,
  };
}

/** The enrollment answer's fields, under either spelling a gateway may use. */
export function readEnrollment(body: unknown, now = Date.now()): Enrollment {
  const doc = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return { mode: text(doc.mode ?? doc.enrollmentMode), ingestUrl: text(doc.ingestUrl ?? doc.ingest_url), fetchedAt: now };
}

export function loadEdgeState(state: PluginState): EdgeState {
  const saved = state.load() as Partial<EdgeState> | undefined;
  return { enrollment: saved?.enrollment, policy: saved?.policy, services: saved?.services ?? {} };
}
