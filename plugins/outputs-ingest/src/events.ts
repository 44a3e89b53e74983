import { rfc3339, toJsonObject, type Item, type LogLevel } from '@vigil/core';
import { eventId } from './event-ids.js';
import { sourcePlugin } from './item-source.js';
import type { Severity } from './options.js';

/** One event of the edge contract's envelope. */
export interface IngestEvent {
  id: string;
  type: string;
  /** RFC 3339. */
  occurredAt: string;
  correlationId: string;
  source: { plugin: string; host: string };
  severity: Severity;
  data: Record<string, unknown>;
}

/** What the envelope says about the agent that sent it. */
export interface AgentIdentity {
  id: string;
  hostname: string;
  version: string;
}

export interface Envelope {
  batchId: string;
  agent: AgentIdentity;
  sentAt: string;
  events: IngestEvent[];
}

export function envelope(batchId: string, agent: AgentIdentity, events: IngestEvent[], now = Date.now()): Envelope {
  return { batchId, agent, sentAt: rfc3339(now), events };
}

const LOG_SEVERITY: Record<LogLevel, Severity> = { trace: 'info', debug: 'info', info: 'info', warn: 'warning', error: 'error', fatal: 'critical' };

export interface EventFacts {
  type: string;
  severity: Severity;
  data: Record<string, unknown>;
  /** Defaults to the event's own id. */
  correlationId?: string;
}

/** An event made from one item of a batch; `itemId` is that item's stable id. */
export function itemEvent(item: Item, itemId: string, hostname: string, facts: EventFacts): IngestEvent {
  const id = eventId(itemId, facts.type);
  return {
    id,
    type: facts.type,
    occurredAt: rfc3339(item.timestamp),
    correlationId: facts.correlationId ?? id,
    source: { plugin: sourcePlugin(item), host: item.tags.host ?? hostname },
    severity: facts.severity,
    data: facts.data,
  };
}

/** The item as it is (the JSON shape of outputs.file), without the timestamp the event already has. */
export function itemData(item: Item): Record<string, unknown> {
  const { timestamp: _, type: __, ...rest } = toJsonObject(item);
  return item.kind === 'metric' ? { ...rest, metricType: item.type } : rest;
}

/** The Metric or Log event of an item no rule claimed. */
export function unmatchedEvent(item: Item, itemId: string, hostname: string): IngestEvent {
  if (item.kind === 'log') return itemEvent(item, itemId, hostname, { type: 'Log', severity: LOG_SEVERITY[item.level], data: itemData(item) });
  return itemEvent(item, itemId, hostname, { type: 'Metric', severity: 'info', data: itemData(item) });
}
