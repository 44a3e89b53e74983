import { VERSION } from '../version.js';
import type { RunningInput } from '../pipeline/running-input.js';
import type { RunningOutput } from '../pipeline/running-output.js';
import type { RunningProcessor } from '../pipeline/running-processor.js';
import type { AgentPhase, AgentView } from './agent-view.js';
import type { PluginConfig } from '../config/model.js';
import { bufferFill, inputState, outputState, worst, type HealthState, type StateDecision } from './health-state.js';

/** `GET /.well-known/engine-status`; docs/status-api.md describes every field. */
export interface EngineStatus {
  status: HealthState;
  state: AgentPhase;
  /** Why status is not ok (or the agent not running), one line each. */
  reasons: string[];
  version: string;
  hostname: string;
  pid: number;
  startedAt: string;
  uptimeSeconds: number;
  configs: string[];
  /** By output id: the policy a destination gave that output (outputs that have one, such as outputs.ingest). */
  policy: Record<string, unknown>;
  agent: {
    gathered: number;
    written: number;
    dropped: number;
    rejected: number;
    filtered: number;
    gatherErrors: number;
    gatherTimeouts: number;
    logErrors: number;
    logWarnings: number;
  };
  inputs: InputStatus[];
  /** In the order they run. */
  processors: ProcessorStatus[];
  outputs: OutputStatus[];
}

export interface InputStatus {
  id: string;
  plugin: string;
  alias: string | null;
  state: HealthState;
  reasons: string[];
  gathered: number;
  errors: number;
  gatherTimeouts: number;
  gathersSkipped: number;
  gatherSecondsTotal: number;
  lastGatherAt: string | null;
  lastGatherDurationSeconds: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

/** A processor has no state of its own: its errors drop items, which its counters show. */
export interface ProcessorStatus {
  id: string;
  plugin: string;
  alias: string | null;
  received: number;
  emitted: number;
  dropped: number;
  errors: number;
  processSecondsTotal: number;
  lastError: string | null;
  lastErrorAt: string | null;
}

export interface OutputStatus {
  id: string;
  plugin: string;
  alias: string | null;
  state: HealthState;
  reasons: string[];
  buffer: {
    strategy: 'memory' | 'disk';
    items: number;
    bytes: number;
    limit: number;
    /** buffer_max_size; a disk buffer is also full by bytes. */
    maxBytes: number | null;
    whenFull: string;
    /** 0 … 1, the fuller of items and (disk) bytes. */
    fill: number;
    oldestAgeSeconds: number | null;
  };
  added: number;
  written: number;
  dropped: number;
  rejected: number;
  filtered: number;
  kept: number;
  errors: number;
  retries: number;
  writeSecondsTotal: number;
  lastSuccessAt: string | null;
  consecutiveFailures: number;
  lastError: string | null;
  lastErrorAt: string | null;
  retryAt: string | null;
}

/** What names a plugin instance in every answer, and how it is doing. */
function identity(config: PluginConfig, decision: StateDecision) {
  return { id: config.key, plugin: `${config.kind}.${config.name}`, alias: config.common.alias ?? null, state: decision.state, reasons: decision.reasons };
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const seconds = (ms: number) => Math.round(ms) / 1000;

export function inputStatus(input: RunningInput): InputStatus {
  const { config, stats, health } = input;
  return {
    ...identity(config, inputState(health, stats)),
    gathered: stats.metrics_gathered,
    errors: stats.errors,
    gatherTimeouts: stats.gather_timeouts,
    gathersSkipped: stats.gathers_skipped,
    gatherSecondsTotal: stats.gather_time_ns / 1e9,
    lastGatherAt: iso(health.lastGatherAt),
    lastGatherDurationSeconds: health.lastGatherDurationMs === undefined ? null : seconds(health.lastGatherDurationMs),
    lastError: health.lastError ?? null,
    lastErrorAt: iso(health.lastErrorAt),
  };
}

export function processorStatus(processor: RunningProcessor): ProcessorStatus {
  const { config, stats } = processor;
  return {
    id: config.key,
    plugin: `${config.kind}.${config.name}`,
    alias: config.common.alias ?? null,
    received: stats.metrics_received,
    emitted: stats.metrics_emitted,
    dropped: stats.metrics_dropped,
    errors: stats.errors,
    processSecondsTotal: stats.process_time_ns / 1e9,
    lastError: processor.lastError ?? null,
    lastErrorAt: iso(processor.lastErrorAt),
  };
}

export function outputStatus(output: RunningOutput, view: AgentView, now: number): OutputStatus {
  const { config, stats, health } = output;
  const settings = view.agent.bufferSettingsOf(output);
  const buffer = output.bufferView();
  const maxBytes = (buffer?.strategy ?? settings?.strategy) === 'disk' ? (settings?.maxBytes ?? null) : null;
  const fill = bufferFill(buffer, maxBytes ?? undefined);
  return {
    ...identity(config, outputState(health, buffer, fill)),
    buffer: {
      strategy: buffer?.strategy ?? settings?.strategy ?? 'memory',
      items: buffer?.items ?? stats.buffer_size,
      bytes: buffer?.bytes ?? stats.buffer_bytes,
      limit: buffer?.limit ?? stats.buffer_limit,
      maxBytes,
      whenFull: settings?.whenFull ?? 'drop_oldest',
      fill: Math.round(fill * 10_000) / 10_000,
      oldestAgeSeconds: buffer?.oldestAt === undefined ? null : seconds(Math.max(0, now - buffer.oldestAt)),
    },
    added: stats.metrics_added,
    written: stats.metrics_written,
    dropped: stats.metrics_dropped,
    rejected: stats.metrics_rejected,
    filtered: stats.metrics_filtered,
    kept: stats.metrics_kept,
    errors: stats.errors,
    retries: stats.retries,
    writeSecondsTotal: stats.write_time_ns / 1e9,
    lastSuccessAt: iso(health.lastSuccessAt),
    consecutiveFailures: health.consecutiveFailures,
    lastError: health.lastError ?? null,
    lastErrorAt: iso(health.lastErrorAt),
    retryAt: health.retryAt === undefined || health.retryAt < now ? null : iso(health.retryAt),
  };
}

const PHASE_REASON: Record<Exclude<AgentPhase, 'running'>, string> = {
  starting: 'the agent is starting',
  reloading: 'the configuration is being reloaded',
  stopping: 'the agent is stopping',
};

/**
 * The whole answer, secrets blanked out: the status is the worst output's state, or degraded
 * when only inputs are unwell (a failing input does not stop what the others deliver).
 */
export function engineStatus(view: AgentView, now = Date.now()): EngineStatus {
  const { agent, env } = view;
  const inputs = agent.inputs.map(inputStatus);
  const outputs = agent.outputs.map((o) => outputStatus(o, view, now));
  const policy: Record<string, unknown> = {};
  for (const o of agent.outputs) {
    try {
      const p = o.plugin.policy?.();
      if (p !== undefined) policy[o.config.key] = p;
    } catch (err) {
      policy[o.config.key] = { error: (err as Error).message };
    }
  }
  const inputStates = inputs.map((i) => (i.state === 'ok' ? 'ok' : 'degraded') as HealthState);
  const status = worst([...outputs.map((o) => o.state), ...inputStates]);
  const reasons = [
    ...(view.phase === 'running' ? [] : [PHASE_REASON[view.phase]]),
    ...outputs.flatMap((o) => o.reasons.map((r) => `${o.id}: ${r}`)),
    ...inputs.flatMap((i) => i.reasons.map((r) => `${i.id}: ${r}`)),
  ];
  const totals = env.stats.snapshot().agent;
  const doc: EngineStatus = {
    status,
    state: view.phase,
    reasons,
    version: VERSION,
    hostname: agent.info.hostname,
    pid: process.pid,
    startedAt: new Date(env.startTime).toISOString(),
    uptimeSeconds: Math.floor((now - env.startTime) / 1000),
    configs: agent.config.sources,
    policy,
    agent: {
      gathered: totals.metrics_gathered,
      written: totals.metrics_written,
      dropped: totals.metrics_dropped,
      rejected: totals.metrics_rejected,
      filtered: totals.metrics_filtered,
      gatherErrors: totals.gather_errors,
      gatherTimeouts: totals.gather_timeouts,
      logErrors: totals.log_errors,
      logWarnings: totals.log_warnings,
    },
    inputs,
    processors: agent.processors.map(processorStatus),
    outputs,
  };
  return env.redactor.redactDeep(doc);
}

export interface Readiness {
  ready: boolean;
  status: HealthState;
  state: AgentPhase;
  /** Why not ready; empty when ready. */
  reasons: string[];
}

/** Ready while running with no output failing; degraded outputs are within their rules. */
export function readiness(doc: EngineStatus): Readiness {
  const reasons = [
    ...(doc.state === 'running' ? [] : [PHASE_REASON[doc.state]]),
    ...doc.outputs.filter((o) => o.state === 'failing').flatMap((o) => o.reasons.map((r) => `${o.id}: ${r}`)),
  ];
  return { ready: reasons.length === 0, status: doc.status, state: doc.state, reasons };
}
