import { rfc3339, type LogEntry } from '@vigil/core';
import { SPEC_LEVEL, TELEGRAF_LEVEL } from './log-selection.js';
import type { Status } from './schema.js';

/** Everything one heartbeat to one URL reports; absent parts are left out of the message. */
export interface BeatFacts {
  agentId: string;
  version: string;
  status?: Status;
  configs?: string[];
  hostname?: string;
  ip?: string;
  /** Selected entries, oldest first. */
  logs?: LogEntry[];
  /** `[agent] log_with_timezone`, for log timestamps. */
  timezone: string;
  /** Since the last successful heartbeat to this URL. */
  statistics?: { errors: number; warnings: number; metrics: number };
  /** Unix seconds of the last successful heartbeat, set only when the previous one failed. */
  last?: number;
  properties?: Record<string, string>;
  systemInfo?: object;
  /** Makes the text safe to send: blanks secrets. */
  redact: (text: string) => string;
}

/** The spec's message: id, status, configs and telegraf_version always; the rest when chosen. */
export function specMessage(f: BeatFacts): Record<string, unknown> {
  return {
    id: f.agentId,
    status: f.status ?? 'OK',
    configs: f.configs ?? [],
    telegraf_version: f.version,
    ...(f.hostname !== undefined && { hostname: f.hostname }),
    ...(f.ip !== undefined && { ip: f.ip }),
    ...(f.logs && {
      logs: f.logs.map((e) => ({ level: SPEC_LEVEL[e.level], message: f.redact(e.message), timestamp: rfc3339(e.timestamp, f.timezone) })),
    }),
    ...(f.properties && Object.keys(f.properties).length > 0 && { properties: f.properties }),
    ...(f.systemInfo && { systemInfo: f.systemInfo }),
  };
}

/** Telegraf's heartbeat schema v1, and nothing beyond it. */
export function telegrafMessage(f: BeatFacts): Record<string, unknown> {
  return {
    id: f.agentId,
    version: `vigil ${f.version}`,
    schema: 1,
    ...(f.last !== undefined && { last: f.last }),
    ...(f.hostname !== undefined && { hostname: f.hostname }),
    ...(f.configs && { configurations: f.configs }),
    ...(f.statistics && { statistics: f.statistics }),
    ...(f.logs && {
      logs: f.logs.map((e) => ({
        time: rfc3339(e.timestamp, f.timezone),
        level: TELEGRAF_LEVEL[e.level],
        source: e.source,
        message: f.redact(e.message),
        ...(e.attributes && { attributes: Object.fromEntries(Object.entries(e.attributes).map(([k, v]) => [k, typeof v === 'string' ? f.redact(v) : v])) }),
      })),
    }),
    ...(f.status && { status: f.status }),
  };
}
