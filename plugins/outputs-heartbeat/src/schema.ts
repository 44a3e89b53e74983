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
    description: `A CEL expression giving true or false, checked when the configuration loads; when it is the first in \`order\` to be true, the status is ${status}. Empty: never true.`,
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
        description: 'Which conditions are evaluated, in this order; the first true one sets the status. One left out is never evaluated.',
      },
      default: {
        enum: STATUS_ENUM,
        default: 'OK',
        description: 'Status when no condition is true: "OK", "WARN", "FAIL" or "UNDEFINED" (lower case too: "ok", "warn", "fail", "undefined").',
      },
      initial: {
        enum: [...STATUS_ENUM, ''],
        default: '',
        description: 'Status sent until the output has first been written metrics, one of the words `default` takes ("OK", "WARN", "FAIL", "UNDEFINED", "ok", "warn", "fail", "undefined"). "": evaluate the conditions from the start. With no inputs, or selectors that let nothing through, it is sent for good.',
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
      description: 'Endpoints (http:// or https://) the heartbeat is POSTed to as JSON, each independently: one that fails does not hold up the others. At least one URL is required, here or in `url`.',
    },
    url: {
      type: 'string',
      minLength: 1,
      description: 'Telegraf\'s name: one endpoint, added to `urls`. A block that uses it (or `instance_id`) is a Telegraf block: `include` and `logs` get Telegraf\'s defaults.',
    },
    agent_id: {
      type: 'string',
      minLength: 1,
      description: 'The identifier this agent reports as (`id`). Required, here or as `instance_id`; when both are set they must be the same.',
    },
    instance_id: {
      type: 'string',
      minLength: 1,
      description: 'Telegraf\'s name for `agent_id`. Using it makes "telegraf" the default `format`, and gives `include` and `logs` Telegraf\'s defaults.',
    },
    headers: {
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      secret: true,
      description: 'HTTP headers sent with every heartbeat; they replace `User-Agent` and `Content-Type` of the same name. Values are secret: never logged or shown (`***`), and never sent to another origin after a redirect.',
    },
    token: {
      type: 'string',
      default: '',
      secret: true,
      description: 'Sent as `Authorization: Bearer <token>` when set. Secret. Cannot be combined with an `Authorization` header, credentials in a URL or OAuth2 (`token_url`).',
    },
    omit_hostname: { type: 'boolean', description: 'Leave `hostname` out. Unset: as `[agent] omit_hostname` says.' },
    omit_ip: {
      type: 'boolean',
      default: false,
      description: 'Leave `ip`, the host\'s primary IP address, out (format "spec"; the telegraf layout has no `ip`).',
    },
    send_logs: {
      type: 'boolean',
      default: false,
      description: 'Send the agent\'s log entries logged since the last successful heartbeat to that URL, at or above `log_level_threshold` and at most `log_limit` of them. Entries logged before the output started (config loading) are not sent; debug entries exist only with `debug = true`.',
    },
    log_limit: {
      type: 'integer',
      minimum: 0,
      default: 5,
      description: 'At most this many log entries per heartbeat; 0: no limit. Past it the most severe entries are kept, then the most recent; they are sent in the order they were logged.',
    },
    log_level_threshold: {
      ...logLevelThreshold,
      default: 'warning',
      description: 'Least severe level sent: "debug", "info", "warning" or "error" (also "trace", and "warn" as Telegraf writes it).',
    },
    include: {
      type: 'array',
      items: { enum: [...INCLUDE_ITEMS] },
      uniqueItems: true,
      description: 'Telegraf\'s choice of what to send: `hostname`, `statistics`, `configs`, `logs`, `status`. Unset in a Telegraf block (one with `instance_id` or `url`): `["hostname"]`, Telegraf\'s default. Unset otherwise: the other options decide (the hostname unless omitted, configs and status, statistics in format "telegraf", logs with `send_logs`). The spec layout always carries configs and status.',
    },
    logs: {
      type: 'object',
      additionalProperties: false,
      description: 'Telegraf\'s `[outputs.heartbeat.logs]`: which log entries are sent; the table overrides `log_limit` and `log_level_threshold`. A Telegraf block with `include = ["logs"]` and no such table sends errors only, with no limit, as Telegraf does.',
      properties: {
        limit: { type: 'integer', minimum: 0, default: 0, description: 'Like `log_limit`: at most this many entries per heartbeat; 0: no limit.' },
        level: { ...logLevelThreshold, default: 'error', description: 'Like `log_level_threshold`: the least severe level sent.' },
      },
    },
    interval: {
      duration: true,
      default: '60s',
      description: 'The heartbeat\'s own timer, unrelated to `flush_interval`: time between heartbeats. The first is sent at start-up.',
    },
    timeout: {
      duration: true,
      default: '5s',
      description: 'How long one request may take before the heartbeat counts as failed (tried again at the next `interval`). Keep it shorter than `interval`: a URL never has two requests open at once.',
    },
    format: {
      enum: ['spec', 'telegraf'],
      description: 'Message layout: "spec", or "telegraf" (Telegraf\'s heartbeat schema v1, so receivers built for Telegraf ≥ 1.37 work unchanged). Unset: "telegraf" when `instance_id` is used, else "spec".',
    },
    status_conditions: statusTable('CEL conditions that set `status`: at every heartbeat they are evaluated in `order` and the first true one sets it; when none is true it is `default`. Variables: `metrics`, `log_errors`, `log_warnings`, `last_update`, `agent`, `inputs`, `outputs`; function `now()`. See "Writing status conditions" below.'),
    status: statusTable("Telegraf's name for the `status_conditions` table (same keys, same defaults); use one or the other."),
    properties: {
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      description: 'Your own key/values, sent under `properties` next to the default ones (format "spec"; refused with "telegraf"). They may not reuse a default property\'s name: `exclude_properties` leaves one out.',
    },
    exclude_properties: {
      type: 'array',
      items: { enum: [...DEFAULT_PROPERTY_NAMES] },
      uniqueItems: true,
      default: [],
      description: 'Default properties to leave out of `properties`: `os_type`, `runtime_version` (`node <version>`), `process_session_id` (made anew at every start, so a receiver can tell a restart from a gap), `agent_start_time`.',
    },
    enabled: { type: 'boolean', default: true, description: '`false`: send no heartbeats at all (and `vigil heartbeat --print` shows none).' },
    include_system_info: {
      type: 'boolean',
      default: false,
      description: 'Add `systemInfo`, the host as inputs.system reads it (OS, CPU usage, memory, swap, disks, network, TCP states, processes, container, cloud), under the TelemetryFlow agent\'s field names (format "spec"; refused with "telegraf"). Rates (`diskIops`, network bytes per second) need the previous heartbeat\'s sample, so the first heartbeat has none.',
    },
    cloud_metadata: {
      type: 'boolean',
      default: true,
      description: 'With `include_system_info`: ask the cloud metadata service (169.254.169.254: AWS IMDSv2, GCP, Azure) for provider, region and instance, waiting at most 1 s. The answer is cached for the process, a miss for 10 minutes.',
    },
    follow_redirects: {
      type: 'boolean',
      default: false,
      description: 'Follow 3xx answers (at most 10). `headers`, `token`, the OAuth2 token and cookies are never sent to an origin (scheme, host, port) that is not one of the configured URLs\'. `false`: a 3xx answer is a failed heartbeat.',
    },
    ...HTTP_CLIENT_SCHEMA_PROPERTIES,
    idle_conn_timeout: {
      ...HTTP_CLIENT_SCHEMA_PROPERTIES.idle_conn_timeout,
      description: 'Keep the connection open between heartbeats this long (keep it below the server\'s keep-alive timeout); `"0s"`: a new connection for every heartbeat, since a server often closes one idle for a whole `interval`. `max_idle_conn` and `max_idle_conn_per_host` matter only with it.',
    },
  },
};
