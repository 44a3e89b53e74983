import { validateHeaderName, validateHeaderValue } from 'node:http';
import { HTTP_CLIENT_SCHEMA_PROPERTIES, httpClientProblems, redactUrlCredentials, type HttpClientOptions, type OptionProblem, type OptionsSchema } from '@vigil/core';

export const PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export const COMPRESSIONS = ['gzip', 'none'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/**
 * The options as validated. The five the OTLP exporter environment variables can fill in have
 * no schema default: unset means "ask the environment, then the default" (see export-settings.ts).
 */
export interface OtlpOptions extends HttpClientOptions {
  endpoint?: string;
  protocol?: Protocol;
  compression?: Compression;
  /** Milliseconds. */
  timeout?: number;
  headers?: Record<string, string>;
  resource_attributes: Record<string, string>;
  include_agent_logs: boolean;
}

export const schema: OptionsSchema = {
  type: 'object',
  properties: {
    endpoint: {
      type: 'string',
      minLength: 1,
      description:
        'Where the receiver listens. HTTP: an http:// or https:// base URL; requests go to its path plus /v1/metrics and /v1/logs (`https://otlp.example.com/otlp` → `https://otlp.example.com/otlp/v1/metrics`). gRPC: `host:port`, `http://host:port` (plain text) or `https://host:port` (TLS), no path; `host:port` is TLS when `tls_ca`, `tls_cert`, `insecure_skip_verify` or `tls_enable` is set, plain text otherwise. Unset: OTEL_EXPORTER_OTLP_METRICS_ENDPOINT or …_LOGS_ENDPOINT (a full URL, used as it is, as the OTLP spec says), else OTEL_EXPORTER_OTLP_ENDPOINT (a base URL as above), else http://localhost:4318 (http/*) or http://localhost:4317 (grpc).',
    },
    protocol: {
      enum: [...PROTOCOLS],
      description: 'How requests are encoded and sent: "http/protobuf", "http/json" or "grpc". Unset: OTEL_EXPORTER_OTLP_[METRICS_|LOGS_]PROTOCOL (the signal\'s own variable first, so metrics and log records may use different protocols), else "http/protobuf".',
    },
    compression: {
      enum: [...COMPRESSIONS],
      description: '"gzip" or "none". HTTP: the body is gzipped and sent with `Content-Encoding: gzip`; gRPC: each message is gzipped (`grpc-encoding: gzip`). Unset: OTEL_EXPORTER_OTLP_[METRICS_|LOGS_]COMPRESSION, else "gzip" (Telegraf\'s default; the OTel SDKs default to none).',
    },
    timeout: {
      duration: true,
      description: 'How long one export request may take, from connecting to the answer; past it the write is retried. Set here, it also sets the agent\'s write timeout (this plus 1 s); taken from a variable, the output\'s common `timeout` (30 s) stays the write timeout and bounds it. Unset: OTEL_EXPORTER_OTLP_[METRICS_|LOGS_]TIMEOUT (milliseconds, as the spec writes them), else "10s".',
    },
    headers: {
      type: 'object',
      additionalProperties: { type: 'string' },
      secret: true,
      description: 'HTTP headers, or gRPC metadata (sent lower case); they replace the defaults of the same name (`Content-Type`, `Content-Encoding`, `User-Agent: vigil/<version>`). Values are secret: never logged or shown, and blanked (`***`) in any reason even when the receiver echoes them. Unset: OTEL_EXPORTER_OTLP_[METRICS_|LOGS_]HEADERS (`key1=value1,key2=value2`, values percent-encoded), else none; the file\'s table replaces the variable\'s, they are not merged.',
    },
    resource_attributes: {
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      description: 'Attributes of the resource every metric and log record is sent under (`service.name`, `deployment.environment` …; see "The resource" below). They win over OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME attribute by attribute.',
    },
    include_agent_logs: {
      type: 'boolean',
      default: false,
      description: 'Also send the agent\'s own log entries (those vigil writes to its log, at its log level) as log records, each once: an export carries what was logged since the last one that got through. See "The agent\'s own log" below.',
    },
    ...HTTP_CLIENT_SCHEMA_PROPERTIES,
  },
};

/** A header node (or gRPC) would refuse at every write, found now instead. Values are never shown. */
export function headerProblem(name: string, value: string, where: string): OptionProblem | undefined {
  try {
    validateHeaderName(name);
  } catch {
    return { option: 'headers', message: `${where}: ${JSON.stringify(name)} is not a valid header name` };
  }
  try {
    validateHeaderValue(name, value);
  } catch {
    return { option: 'headers', message: `${where}: the value of ${JSON.stringify(name)} has characters a header cannot hold (a line break?)` };
  }
  return undefined;
}

/** The endpoint's form for the protocol; the message names where the endpoint came from. */
export function endpointProblem(endpoint: string, protocol: Protocol, where: string): string | undefined {
  const shown = JSON.stringify(redactUrlCredentials(endpoint));
  if (protocol === 'grpc' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) {
    return /^(\[[0-9a-f:]+\]|[^\s/:[\]]+):\d{1,5}$/i.test(endpoint) ? undefined : `${where}: ${shown} is neither host:port nor an http:// or https:// URL`;
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return `${where}: ${shown} is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${where}: ${shown} must be an http:// or https:// URL`;
  if (protocol === 'grpc' && url.pathname !== '/' && url.pathname !== '') return `${where}: ${shown}: a gRPC endpoint has no path (the service names the method)`;
  return undefined;
}

/** The problems the schema cannot see in the file's own options; the environment's are found by `checkSettings`. */
export function checkFileOptions(o: OtlpOptions): OptionProblem[] {
  const problems: (OptionProblem | undefined)[] = [];
  for (const [name, value] of Object.entries(o.headers ?? {})) problems.push(headerProblem(name, value, 'option "headers"'));
  if (o.timeout !== undefined && o.timeout <= 0) problems.push({ option: 'timeout', message: 'option "timeout" must be longer than 0s' });
  problems.push(...httpClientProblems(o));
  return problems.filter((p): p is OptionProblem => p !== undefined);
}

/**
 * The client options only the HTTP transports use: gRPC (grpc-js) has no proxy, pool,
 * response timeout, OAuth2 or cookie settings of this kind, so a config setting them for a
 * grpc export is refused instead of being quietly ignored.
 */
const HTTP_ONLY_OPTIONS = [
  'http_proxy_url', 'use_system_proxy', 'local_address', 'idle_conn_timeout', 'max_idle_conn', 'max_idle_conn_per_host', 'response_timeout',
  'client_id', 'client_secret', 'token_url', 'audience', 'scopes',
  'cookie_auth_url', 'cookie_auth_username', 'cookie_auth_password', 'cookie_auth_headers', 'cookie_auth_body', 'cookie_auth_renewal',
] as const;

function isSet(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/** The HTTP-only options a grpc export has set, each named. */
export function httpOnlyProblems(o: OtlpOptions): OptionProblem[] {
  return HTTP_ONLY_OPTIONS.filter((name) => isSet(o[name])).map((name) => ({
    option: name,
    message: `option "${name}" applies to protocol "http/protobuf" or "http/json" only, not "grpc"`,
  }));
}
