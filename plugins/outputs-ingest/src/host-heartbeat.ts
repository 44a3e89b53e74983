import { rfc3339, type PluginContext, type StatsSnapshot } from '@vigil/core';
import type { HostSnapshot } from '@vigil/host';
import { nameId } from './event-ids.js';
import type { IngestEvent } from './events.js';

/** The agent's counters as the heartbeat shows them, totals over every input and output. */
function agentStatus(snapshot: StatsSnapshot, startTime: number, now: number) {
  const a = snapshot.agent;
  return {
    uptimeSeconds: Math.floor((now - startTime) / 1000),
    metricsGathered: a.metrics_gathered,
    metricsWritten: a.metrics_written,
    metricsDropped: a.metrics_dropped,
    metricsRejected: a.metrics_rejected,
    gatherErrors: a.gather_errors,
    bufferSize: Object.values(snapshot.outputs).flat().reduce((n, o) => n + o.buffer_size, 0),
    logErrors: a.log_errors,
    logWarnings: a.log_warnings,
  };
}

export interface HeartbeatFacts {
  host: HostSnapshot;
  /** The policy in force: when it was fetched, and its fields as the gateway gave them. */
  policy?: { fetchedAt: string; document: Record<string, unknown> };
  ingestUrl: string;
  paused: boolean;
}

/** A HostHeartbeat: the host snapshot and how the agent is doing. Its id is new at every beat. */
export function hostHeartbeat(ctx: PluginContext<unknown>, facts: HeartbeatFacts, now = Date.now()): IngestEvent {
  const id = nameId(`heartbeat:${ctx.agent.hostname}:${ctx.id}:${ctx.agent.startTime}:${now}`);
  return {
    id,
    type: 'HostHeartbeat',
    occurredAt: rfc3339(now),
    correlationId: id,
    source: { plugin: ctx.id, host: ctx.agent.hostname },
    severity: facts.paused ? 'warning' : 'info',
    data: {
      host: facts.host,
      agent: { version: ctx.agent.version, startedAt: rfc3339(ctx.agent.startTime), ...agentStatus(ctx.stats.snapshot(), ctx.agent.startTime, now) },
      delivery: { ingestUrl: facts.ingestUrl, tokenRejected: facts.paused },
      ...(facts.policy ? { policy: facts.policy } : {}),
    },
  };
}
