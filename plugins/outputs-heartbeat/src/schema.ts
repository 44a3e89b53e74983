import { HTTP_CLIENT_SCHEMA_PROPERTIES, type HttpClientOptions, type OptionsSchema } from '@vigil/core';

/** Status words as written in a config; case does not matter ("ok" is Telegraf's spelling). */
export const STATUS_WORDS = ['OK', 'WARN', 'FAIL', 'UNDEFINED'] as const;
export type Status = (typeof STATUS_WORDS)[number];
const STATUS_ENUM = [...STATUS_WORDS, ...STATUS_WORDS.map((s) => s.toLowerCase())];

export const CONDITION_NAMES = ['ok', 'warn', 'fail'] as const;
export type ConditionName = (typeof CONDITION_NAMES)[number];

/** Log levels a threshold may name: the spec's words plus Telegraf's. */
export const THRESHOLD_LEVELS = ['trace', 'debug', 'info', 'warn', 'warning', 'error'] as const;
export type ThresholdLevel = (typeof THRESHOLD_LEVELS)[number];

/** What `include` may list (Telegraf's names). */
export const INCLUDE_ITEMS = ['hostname', 'statistics', 'configs', 'logs', 'status'] as const;
export type IncludeItem = (typeof INCLUDE_ITEMS)[number];

export const DEFAULT_PROPERTY_NAMES = ['os_type', 'runtime_version', 'process_session_id', 'agent_start_time'] as const;
export type DefaultPropertyName = (typeof DEFAULT_PROPERTY_NAMES)[number];

export interface StatusTable {
  ok: string;
  warn: string;
  fail: string;
  order: ConditionName[];
  default: string;
  initial: string;
}

/** With Telegraf's HTTP-client options (proxy, pool, TLS, OAuth2, cookie authentication), shared with every HTTP plugin. */
export interface HeartbeatOptions extends HttpClientOptions {
  urls: string[];
  url?: string;
  agent_id?: string;
  instance_id?: string;
  headers: Record<string, string>;
  token: string;
  omit_hostname?: boolean;
  omit_ip: boolean;
  send_logs: boolean;
  log_limit: number;
  log_level_threshold: ThresholdLevel;
  include?: IncludeItem[];
  logs?: { limit: number; level: ThresholdLevel };
  interval: number;
  timeout: number;
  format?: 'spec' | 'telegraf';
  status_conditions?: StatusTable;
  status?: StatusTable;
  properties: Record<string, string>;
  exclude_properties: DefaultPropertyName[];
  enabled: boolean;
  include_system_info: boolean;
  cloud_metadata: boolean;
  follow_redirects: boolean;
}

function statusTable(description: string) {
  const condition = (status: string) => ({
    type: 'string',
    default: '',
    description: `CEL expression; when it is the first in \`order\` to be true the status is ${status}. Empty: never true.`,
  });
  return {
    type: 'object',
    additionalProperties: false,
    description,
    properties: {
      ok: condition('OK'),
      warn: condition('WARN'),
      fail: condition('FAIL'),
      order: {
        type: 'array',
        items: { enum: [...CONDITION_NAMES] },
        uniqueItems: true,
        default: [...CONDITION_NAMES],
        description: 'Which conditions are evaluated, in this order; one left out is never evaluated.',
      },
      default: { enum: STATUS_ENUM, default: 'OK', description: 'Status when no condition is true.' },
      initial: {
        enum: [...STATUS_ENUM, ''],
        default: '',
        description: 'Status sent until the first metrics have been written; empty: evaluate the conditions from the start.',
      },
    },
  };
}

const logLevelThreshold = { enum: [...THRESHOLD_LEVELS] };

export const schema: OptionsSchema = {
  type: 'object',
  properties: {
    urls: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: [],
      description: 'Endpoints the heartbeat is POSTed to, each independently.',
    },
    url: { type: 'string', minLength: 1, description: "Telegraf's name: one endpoint, added to `urls`." },
    agent_id: { type: 'string', minLength: 1, description: 'Unique identifier of this agent, sent as `id` (required, or `instance_id`).' },
    instance_id: { type: 'string', minLength: 1, description: "Telegraf's name for `agent_id`." },
    headers: {
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      secret: true,
      description: 'HTTP headers sent with every heartbeat; values are secret.',
    },
    token: { type: 'string', default: '', secret: true, description: 'Sent as `Authorization: Bearer <token>` when set.' },
    omit_hostname: { type: 'boolean', description: 'Leave `hostname` out; `[agent] omit_hostname` by default.' },
    omit_ip: { type: 'boolean', default: false, description: 'Leave `ip` out (format "spec").' },
    send_logs: { type: 'boolean', default: false, description: "Send the agent's log entries logged since the last successful heartbeat." },
    log_limit: { type: 'integer', minimum: 0, default: 5, description: 'At most this many log entries per heartbeat (most severe, then most recent); 0: no limit.' },
    log_level_threshold: { ...logLevelThreshold, default: 'warning', description: 'Least severe level sent: "debug", "info", "warning" or "error" ("trace" and "warn" too).' },
    include: {
      type: 'array',
      items: { enum: [...INCLUDE_ITEMS] },
      uniqueItems: true,
      description: "Telegraf's selection of what to send: hostname, statistics, configs, logs, status. Unset: chosen by the other options.",
    },
    logs: {
      type: 'object',
      additionalProperties: false,
      description: "Telegraf's log filter; overrides `log_limit` and `log_level_threshold`.",
      properties: {
        limit: { type: 'integer', minimum: 0, default: 0, description: 'At most this many entries; 0: no limit.' },
        level: { ...logLevelThreshold, default: 'error', description: 'Least severe level sent.' },
      },
    },
    interval: { duration: true, default: '60s', description: 'Time between heartbeats, independent of flush_interval; the first is sent at start-up.' },
    timeout: { duration: true, default: '5s', description: 'How long one request may take.' },
    format: {
      enum: ['spec', 'telegraf'],
      description: 'Message layout: "spec", or "telegraf" (Telegraf heartbeat schema v1). Unset: "telegraf" when `instance_id` is used, else "spec".',
    },
    status_conditions: statusTable('CEL conditions that set `status`.'),
    status: statusTable("Telegraf's name for `status_conditions`."),
    properties: {
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      description: 'Your own key/values, sent under `properties` (format "spec").',
    },
    exclude_properties: {
      type: 'array',
      items: { enum: [...DEFAULT_PROPERTY_NAMES] },
      uniqueItems: true,
      default: [],
      description: 'Default properties to leave out: os_type, runtime_version, process_session_id, agent_start_time.',
    },
    enabled: { type: 'boolean', default: true, description: 'false: send no heartbeats at all.' },
    include_system_info: { type: 'boolean', default: false, description: 'Add `systemInfo`, the host as inputs.system reads it, under the TelemetryFlow agent\'s field names (format "spec").' },
    cloud_metadata: {
      type: 'boolean',
      default: true,
      description: 'With include_system_info: ask the cloud metadata service (169.254.169.254) for provider, region and instance (cached).',
    },
    follow_redirects: {
      type: 'boolean',
      default: false,
      description: 'Follow 3xx answers (at most 10); headers and token are never sent to another origin. false: a 3xx is a failed heartbeat.',
    },
    ...HTTP_CLIENT_SCHEMA_PROPERTIES,
    idle_conn_timeout: {
      ...HTTP_CLIENT_SCHEMA_PROPERTIES.idle_conn_timeout,
      description: 'Keep the connection open between heartbeats for this long (keep it below the server\'s keep-alive timeout); 0s: a new connection for every heartbeat.',
    },
  },
};
