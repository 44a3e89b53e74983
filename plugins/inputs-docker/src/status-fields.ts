import { int, type Row } from './rows.js';
import type { ContainerState, InspectResult } from './engine-types.js';
import { engineTimeNs } from './engine-time.js';

/**
 * Why the container last stopped, as far as its current state tells: "OOMKilled", the
 * engine's error text (e.g. a command that could not be started), or "exit code N".
 * Undefined while it runs (its state then describes the current run) and before its first start.
 */
export function exitReasonFromState(state: ContainerState): string | undefined {
  // A restarting container is marked running too, but its state still holds the exit.
  if (state.Running && !state.Restarting) return undefined;
  if (state.OOMKilled) return 'OOMKilled';
  if (state.Error) return state.Error.replace(/\s+/g, ' ').trim();
  if (state.Status === 'created' || !engineTimeNs(state.StartedAt)) return undefined;
  return `exit code ${state.ExitCode ?? 0}`;
}

export interface StatusExtras {
  /** From the stats of a running container. */
  pidsCurrent?: number;
  /** Why it stopped the last time, when its current state no longer says. */
  rememberedExitReason?: string;
  nowNs: bigint;
}

/** `docker_container_status`, and `docker_container_health` when the container has a healthcheck. */
export function statusRows(inspect: InspectResult, extras: StatusExtras): Row[] {
  const state = inspect.State ?? {};
  const fields: Row['fields'] = {
    oomkilled: state.OOMKilled === true,
    pid: int(state.Pid ?? 0),
    exitcode: int(state.ExitCode ?? 0),
    restart_count: int(inspect.RestartCount ?? 0),
  };
  const started = engineTimeNs(state.StartedAt);
  const finished = engineTimeNs(state.FinishedAt);
  if (started !== undefined) fields.started_at = started;
  if (finished !== undefined) fields.finished_at = finished;
  if (started !== undefined) {
    // Running: since the start. Stopped: how long the last run lasted (the engine may stamp a
    // command that exits at once with a finish a hair before its start: that run lasted 0).
    const end = state.Running && !state.Restarting ? extras.nowNs : (finished ?? started);
    fields.uptime_ns = end > started ? end - started : 0n;
  }
  if (extras.pidsCurrent !== undefined) fields.pids_current = int(extras.pidsCurrent);
  const reason = exitReasonFromState(state) ?? extras.rememberedExitReason;
  if (reason !== undefined) fields.last_exit_reason = reason;

  const rows: Row[] = [{ measurement: 'docker_container_status', tags: {}, fields }];
  if (state.Health?.Status) {
    rows.push({
      measurement: 'docker_container_health',
      tags: {},
      fields: { health_status: state.Health.Status, failing_streak: int(state.Health.FailingStreak ?? 0) },
    });
  }
  return rows;
}
