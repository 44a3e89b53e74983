import type { Item, Metric } from '@vigil/core';
import type { Severity } from './options.js';

/** What is wrong with a service now; "ok" when nothing is. */
export type ServiceCondition = 'ok' | 'down' | 'certificate_expiring' | 'unhealthy' | 'restarting' | 'oom_killed';

/** A service whose condition changed with this item: a degradation, or its recovery. */
export interface ServiceChange {
  /** Which of a service's conditions this is (a container has health, OOM kills and restarts). */
  key: string;
  service: string;
  check: 'http' | 'docker';
  condition: ServiceCondition;
  previous: ServiceCondition;
  /** On a recovery: the id of the degradation it ends. */
  incident?: string;
  severity: Severity;
  details: Record<string, unknown>;
}

interface Tracked {
  condition: ServiceCondition;
  incident?: string;
  restartCount?: number;
}

/** The tracker's memory, kept in the statefile so a restart does not report a known state again. */
export type ServiceStates = Record<string, Tracked>;

const SEVERITY: Record<ServiceCondition, Severity> = {
  ok: 'info',
  down: 'error',
  certificate_expiring: 'warning',
  unhealthy: 'error',
  restarting: 'warning',
  oom_killed: 'error',
};

function num(value: unknown): number | undefined {
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' ? value : undefined;
}

function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
}

/**
 * Turns the samples of inputs.http and inputs.docker into ServiceDegraded changes: a change is
 * reported when a service's condition changes, not on every sample, and a recovery closes the
 * degradation it ends (same incident).
 */
export class ServiceTracker {
  constructor(
    private readonly states: ServiceStates,
    private readonly tlsWarnDays: () => number,
  ) {}

  /** The changes this item brings; the caller gives a new degradation its incident id. */
  observe(item: Item): ServiceChange[] {
    if (item.kind !== 'metric') return [];
    if (item.name === 'http_response') return this.httpCheck(item);
    if (item.name === 'docker_container_health') return this.containerHealth(item);
    if (item.name === 'docker_container_status') return this.containerStatus(item);
    return [];
  }

  /** Records the incident id of a degradation just reported. */
  openIncident(change: ServiceChange, id: string): void {
    const tracked = this.states[change.key];
    if (tracked) tracked.incident = id;
  }

  private transition(key: string, check: ServiceChange['check'], service: string, condition: ServiceCondition, details: Record<string, unknown>): ServiceChange[] {
    const tracked = (this.states[key] ??= { condition: 'ok' });
    const previous = tracked.condition;
    if (previous === condition) return [];
    tracked.condition = condition;
    const incident = tracked.incident;
    if (condition === 'ok') tracked.incident = undefined;
    return [{ key, service, check, condition, previous, incident: condition === 'ok' ? incident : undefined, severity: SEVERITY[condition], details: defined(details) }];
  }

  private httpCheck(m: Metric): ServiceChange[] {
    const service = m.tags.name ?? m.tags.server ?? '';
    const expiryDays = num(m.fields.tls_expiry_days);
    // inputs.http_response (Telegraf's shape) has no `up`: its `result` tag says it.
    const upField = num(m.fields.up);
    const up = upField === undefined ? m.tags.result === 'success' : upField === 1;
    const condition: ServiceCondition = !up ? 'down' : expiryDays !== undefined && expiryDays < this.tlsWarnDays() ? 'certificate_expiring' : 'ok';
    return this.transition(`http:${service}`, 'http', service, condition, {
      url: m.tags.server,
      result: m.tags.result,
      error: m.fields.error,
      statusCode: num(m.fields.http_response_code),
      responseTimeMs: num(m.fields.response_time_ms),
      tlsExpiryDays: expiryDays,
    });
  }

  private containerHealth(m: Metric): ServiceChange[] {
    const service = m.tags.container_name ?? '';
    const health = m.fields.health_status;
    if (health === 'starting') return [];
    return this.transition(`docker:${service}:health`, 'docker', service, health === 'unhealthy' ? 'unhealthy' : 'ok', {
      image: m.tags.container_image,
      healthStatus: health,
      failingStreak: num(m.fields.failing_streak),
    });
  }

  /** OOM kills and restarts, each its own incident: a container can be both at once. */
  private containerStatus(m: Metric): ServiceChange[] {
    const service = m.tags.container_name ?? '';
    const details = {
      image: m.tags.container_image,
      status: m.tags.container_status,
      restartCount: num(m.fields.restart_count),
      exitCode: num(m.fields.exitcode),
      lastExitReason: m.fields.last_exit_reason,
    };
    const oom = this.transition(`docker:${service}:oom`, 'docker', service, m.fields.oomkilled === true ? 'oom_killed' : 'ok', details);
    const restarts = num(m.fields.restart_count);
    const key = `docker:${service}:restarts`;
    const seen = this.states[key]?.restartCount;
    // The first sample of a container is its baseline: restarts before vigil saw it are old news.
    const restarted = seen !== undefined && restarts !== undefined && restarts > seen;
    const running = m.tags.container_status === 'running';
    const current = this.states[key]?.condition ?? 'ok';
    const condition: ServiceCondition = restarted ? 'restarting' : current === 'restarting' && !running ? 'restarting' : 'ok';
    const changes = this.transition(key, 'docker', service, condition, details);
    if (restarts !== undefined) this.states[key]!.restartCount = restarts;
    return [...oom, ...changes];
  }
}
