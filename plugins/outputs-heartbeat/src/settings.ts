import type { AgentInfo } from '@vigil/core';
import { STATUS_WORDS, type ConditionName, type DefaultPropertyName, type HeartbeatOptions, type Status, type StatusTable, type ThresholdLevel } from './schema.js';

export type Format = 'spec' | 'telegraf';

export interface StatusRules {
  conditions: Record<ConditionName, string>;
  order: ConditionName[];
  fallback: Status;
  /** Sent until the first metrics are written; undefined: evaluate from the start. */
  initial?: Status;
  /** Which table the rules came from, for messages: "status_conditions" or "status". */
  option: string;
}

/** What to put in each message, whichever option names (the spec's or Telegraf's) were used. */
export interface Contents {
  hostname: boolean;
  ip: boolean;
  configs: boolean;
  statistics: boolean;
  logs: boolean;
  status: boolean;
  systemInfo: boolean;
}

/** The options resolved into one set of decisions. */
export interface Settings {
  enabled: boolean;
  format: Format;
  agentId: string;
  urls: string[];
  intervalMs: number;
  timeoutMs: number;
  contents: Contents;
  logThreshold: ThresholdLevel;
  /** 0: no limit. */
  logLimit: number;
  status: StatusRules;
  properties: Record<string, string>;
  excludeProperties: DefaultPropertyName[];
}

const NO_CONDITIONS: StatusTable = { ok: '', warn: '', fail: '', order: ['ok', 'warn', 'fail'], default: 'OK', initial: '' };

export function toStatus(word: string): Status {
  const upper = word.toUpperCase() as Status;
  return STATUS_WORDS.includes(upper) ? upper : 'UNDEFINED';
}

/** The status table in use and the option it came from. */
function statusTableOf(options: HeartbeatOptions): { table: StatusTable; option: string } {
  if (options.status) return { table: options.status, option: 'status' };
  return { table: options.status_conditions ?? NO_CONDITIONS, option: 'status_conditions' };
}

/** `format` as set, else Telegraf's layout for a block written with Telegraf's names. */
export function formatOf(options: HeartbeatOptions): Format {
  return options.format ?? (options.instance_id !== undefined ? 'telegraf' : 'spec');
}

export function urlsOf(options: HeartbeatOptions): string[] {
  return [...options.urls, ...(options.url !== undefined && !options.urls.includes(options.url) ? [options.url] : [])];
}

export function resolveSettings(options: HeartbeatOptions, agent: Pick<AgentInfo, 'omitHostname'>): Settings {
  // A block written with Telegraf's names gets Telegraf's defaults, so it sends what it sent there.
  const telegrafBlock = options.instance_id !== undefined || options.url !== undefined;
  const include = options.include ?? (telegrafBlock ? ['hostname'] : undefined);
  const format = formatOf(options);
  const omitHostname = options.omit_hostname ?? agent.omitHostname;
  const { table, option } = statusTableOf(options);
  return {
    enabled: options.enabled,
    format,
    agentId: options.agent_id ?? options.instance_id ?? '',
    urls: urlsOf(options),
    intervalMs: options.interval,
    timeoutMs: options.timeout,
    contents: {
      // Without `include`, the spec's options decide; with it, Telegraf's list does. The spec's
      // layout always carries configs and status.
      hostname: !omitHostname && (!include || include.includes('hostname')),
      ip: format === 'spec' && !options.omit_ip,
      configs: format === 'spec' || !include || include.includes('configs'),
      statistics: format === 'telegraf' && (!include || include.includes('statistics')),
      logs: options.send_logs || (include?.includes('logs') ?? false),
      status: format === 'spec' || !include || include.includes('status'),
      systemInfo: format === 'spec' && options.include_system_info,
    },
    logThreshold: options.logs?.level ?? (telegrafBlock ? 'error' : options.log_level_threshold),
    logLimit: options.logs?.limit ?? (telegrafBlock ? 0 : options.log_limit),
    status: {
      conditions: { ok: table.ok, warn: table.warn, fail: table.fail },
      order: table.order,
      fallback: toStatus(table.default),
      initial: table.initial ? toStatus(table.initial) : undefined,
      option,
    },
    properties: options.properties,
    excludeProperties: options.exclude_properties,
  };
}
