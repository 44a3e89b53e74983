import { isIP } from 'node:net';
import { HTTP_CLIENT_SCHEMA_PROPERTIES, httpClientProblems, redactUrlCredentials, type HttpClientOptions, type OptionProblem, type OptionsSchema } from '@vigil/core';
import { ruleProblems, type EventRule } from './event-rules.js';

export type Contract = 'edge' | 'platform';

export interface IngestOptions extends HttpClientOptions {
  contract: Contract;
  api_url: string;
  token: string;
  workspace_id: string;
  log_source_id: string;
  agent_id: string;
  /** Milliseconds. */
  policy_interval: number;
  /** Milliseconds; 0 sends no HostHeartbeat. */
  heartbeat_interval: number;
  content_encoding: 'identity' | 'gzip';
  /** Milliseconds. */
  timeout: number;
  /** Milliseconds: the first wait after a 401/403, doubled on each further one. */
  auth_retry_interval: number;
  send_unmatched: boolean;
  tls_warn_days: number;
  events: EventRule[];
}

export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The types a rule may give an event; HostHeartbeat is the output's own. */
export const RULE_EVENT_TYPES = ['PatchCompliance', 'BackupFailure', 'ServiceDegraded', 'PipelineFailure', 'Metric', 'Log'] as const;

export const schema: OptionsSchema = {
  type: 'object',
  required: ['api_url'],
  properties: {
    contract: {
      enum: ['edge', 'platform'],
      default: 'edge',
      description: '"edge": the edge-agent ingest contract (enrollment and policy fetched at start, batches of events under an `Idempotency-Key`, a HostHeartbeat); "platform": the Python platform observability agent\'s API (each item to the route of the plugin that made it, a heartbeat to the log source).',
    },
    api_url: {
      type: 'string',
      minLength: 1,
      description: 'Base URL of the API: the enrollment, policy and platform routes are under it, and so is the ingest URL when the enrollment names only a path. https:// required unless the host is loopback (localhost, 127.x, ::1).',
    },
    token: {
      type: 'string',
      default: '',
      secret: true,
      description: 'Sent as `Authorization: Bearer <token>`: the edge enrollment token or the platform API token. Required, unless OAuth2 (`token_url`) gets a token instead; the two cannot be combined. Never logged or shown, and sent only to `api_url`\'s origin and the ingest URL the enrollment names.',
    },
    workspace_id: {
      type: 'string',
      default: '',
      description: 'edge: the workspace uuid, sent as the `x-workspace-id` header with every request. Required for the edge contract.',
    },
    log_source_id: {
      type: 'string',
      default: '',
      description: 'platform: the log source uuid (from the dashboard) of the heartbeat route and of the check `vigil check-connection` makes. Required for the platform contract.',
    },
    agent_id: {
      type: 'string',
      default: '',
      description: 'The envelope\'s `agent.id`; "" derives a stable uuid (UUIDv5) from the hostname and the workspace (edge) or the log source (platform), the same at every start.',
    },
    policy_interval: {
      duration: true,
      default: '5m',
      description: 'edge: the enrollment and policy are fetched at start, then again this often. While the gateway cannot be reached the output runs on the policy kept in `[agent] statefile` and asks again after 1 s, 2 s, 4 s … up to this.',
    },
    heartbeat_interval: {
      duration: true,
      default: '60s',
      description: 'How often a HostHeartbeat (edge) or a heartbeat (platform) is sent, on its own timer and as its own request: one that fails is not sent again nor buffered. "0s": never. edge: the policy\'s `heartbeatIntervalSeconds` replaces it.',
    },
    content_encoding: {
      enum: ['identity', 'gzip'],
      default: 'gzip',
      description: '"gzip" compresses request bodies (`Content-Encoding: gzip`); "identity" sends them as they are.',
    },
    timeout: { duration: true, default: '10s', description: 'How long one request may take, from connecting to the last byte of the answer.' },
    auth_retry_interval: {
      duration: true,
      default: '30s',
      description: 'After a 401 or 403 (a rotated or wrong token) the batch and everything behind it stay buffered and the output pauses this long, doubling with each further refusal up to 10m. It resumes by itself once the token is taken again, or at a reload with a new one.',
    },
    send_unmatched: {
      type: 'boolean',
      default: true,
      description: 'edge: items no rule claims are sent as Metric and Log events; false leaves them out (how many is logged). The policy\'s `sendUnmatched` replaces it.',
    },
    tls_warn_days: {
      type: 'number',
      minimum: 0,
      default: 14,
      description: 'edge: an inputs.http certificate expiring within this many days (`tls_expiry_days` below it) is a ServiceDegraded (`certificate_expiring`). The policy\'s `tlsWarnDays` replaces it.',
    },
    events: {
      type: 'array',
      default: [],
      description: 'edge: rules turning items into events, tried in order for every item; the first whose `when` holds claims the item, which is then not also sent as Metric, Log or PatchCompliance. Refused with the platform contract.',
      items: {
        type: 'object',
        required: ['type', 'when'],
        additionalProperties: false,
        properties: {
          type: {
            enum: [...RULE_EVENT_TYPES],
            description: 'The type of the event the claimed item becomes (any but HostHeartbeat, the output\'s own).',
          },
          when: {
            type: 'string',
            minLength: 1,
            description: 'A CEL expression over the item (`kind`, `name`, `tags`, `fields`, `level`, `message`, `source`, `attributes`, `timestamp`); true claims it. It must compile when the configuration loads; one that fails on an item counts as false for it, and its first failure is logged.',
          },
          severity: { enum: [...SEVERITIES], default: 'warning', description: 'The event severity.' },
        },
      },
    },
    ...HTTP_CLIENT_SCHEMA_PROPERTIES,
  },
};

/** Loopback hosts may be reached over plain http (a gateway on the same machine, tests). */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Whether a token may be sent to this URL: https, or plain http to this host. */
export function safeToSendTo(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
}

function urlProblem(url: string): OptionProblem | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { option: 'api_url', message: `option "api_url": ${JSON.stringify(redactUrlCredentials(url))} is not a URL` };
  }
  if (safeToSendTo(parsed)) return undefined;
  if (parsed.protocol === 'http:') return { option: 'api_url', message: `option "api_url": ${JSON.stringify(redactUrlCredentials(url))} must be https:// (plain http is allowed to a loopback host only)` };
  return { option: 'api_url', message: `option "api_url": ${JSON.stringify(redactUrlCredentials(url))} must be an https:// URL` };
}

/** The problems the schema cannot see: the URL, the credentials each contract needs, the rules. */
export function checkIngestOptions(o: IngestOptions): OptionProblem[] {
  const problems: (OptionProblem | undefined)[] = [urlProblem(o.api_url)];
  if (!o.token && !o.token_url) problems.push({ option: 'token', message: 'option "token" is required: the bearer token the API expects (or OAuth2: "client_id", "client_secret", "token_url")' });
  if (o.token && o.token_url) problems.push({ option: 'token_url', message: 'OAuth2 (option "token_url") sets the Authorization header, which option "token" sets too; keep one' });
  if (o.contract === 'edge' && !o.workspace_id) problems.push({ option: 'workspace_id', message: 'option "workspace_id" is required with contract "edge": the workspace uuid sent as x-workspace-id' });
  if (o.contract === 'platform' && !o.log_source_id) problems.push({ option: 'log_source_id', message: 'option "log_source_id" is required with contract "platform": the log source uuid from the dashboard' });
  if (o.contract === 'platform' && o.events.length > 0) problems.push({ option: 'events', message: 'option "events" applies to contract "edge" only; the platform routes take items as they are' });
  if (o.timeout <= 0) problems.push({ option: 'timeout', message: 'option "timeout" must be longer than 0s' });
  if (o.policy_interval <= 0) problems.push({ option: 'policy_interval', message: 'option "policy_interval" must be longer than 0s' });
  if (o.auth_retry_interval <= 0) problems.push({ option: 'auth_retry_interval', message: 'option "auth_retry_interval" must be longer than 0s' });
  problems.push(...ruleProblems(o.events));
  problems.push(...httpClientProblems(o));
  return problems.filter((p): p is OptionProblem => p !== undefined);
}
