/**
 * Where and how each signal is exported, merged in one place: the file's option, else the OTLP
 * exporter's environment variable for that signal (`OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`), else
 * the one for every signal (`OTEL_EXPORTER_OTLP_ENDPOINT`), else the default.
 */
import { formatDuration, redactUrlCredentials, type OptionProblem } from '@vigil/core';
import { COMPRESSIONS, endpointProblem, headerProblem, httpOnlyProblems, PROTOCOLS, type Compression, type OtlpOptions, type Protocol } from './options.js';

export const SIGNALS = ['metrics', 'logs'] as const;
export type Signal = (typeof SIGNALS)[number];

type Env = Record<string, string | undefined>;

export const DEFAULT_PROTOCOL: Protocol = 'http/protobuf';
export const DEFAULT_COMPRESSION: Compression = 'gzip';
export const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_HTTP_ENDPOINT = 'http://localhost:4318';
const DEFAULT_GRPC_ENDPOINT = 'http://localhost:4317';

export interface GrpcTarget {
  /** host:port, as grpc-js takes it. */
  address: string;
  secure: boolean;
}

export interface SignalSettings {
  signal: Signal;
  protocol: Protocol;
  /** HTTP: the URL requests are POSTed to, signal path included. */
  url: string;
  /** gRPC: the address and whether it is reached over TLS. */
  grpc?: GrpcTarget;
  /** What reasons and logs name: the URL (credentials blanked) or the gRPC endpoint. */
  shownEndpoint: string;
  compression: Compression;
  timeoutMs: number;
  headers: Record<string, string>;
  /** Where each setting came from ("file", an environment variable, "default"), for the debug log. */
  sources: Record<'endpoint' | 'protocol' | 'compression' | 'timeout' | 'headers', string>;
}

export interface ResolvedSettings {
  settings: Record<Signal, SignalSettings>;
  problems: OptionProblem[];
}

/** The signal's own variable, then the shared one: the first that is set and not empty. */
function fromEnv(env: Env, signal: Signal, name: string): { value: string; variable: string } | undefined {
  for (const variable of [`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_${name}`, `OTEL_EXPORTER_OTLP_${name}`]) {
    const value = env[variable]?.trim();
    if (value) return { value, variable };
  }
  return undefined;
}

/**
 * `key1=value1,key2=value2`, values percent-encoded (the W3C baggage form the OTLP exporter
 * spec uses). Throws naming the variable, never a value.
 */
export function parseEnvHeaders(text: string, variable: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const name = eq > 0 ? pair.slice(0, eq).trim() : '';
    if (!name) throw new Error(`${variable}: expected key=value pairs separated by commas`);
    try {
      headers[name] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      throw new Error(`${variable}: the value of ${JSON.stringify(name)} is not valid percent-encoding`);
    }
  }
  return headers;
}

/** `OTEL_EXPORTER_OTLP_ENDPOINT`-style base URL plus the signal's path, without doubled slashes. */
function withSignalPath(base: string, signal: Signal): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/${signal}`;
  return url.toString();
}

function grpcTarget(endpoint: string, tlsConfigured: boolean): GrpcTarget {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) return { address: endpoint, secure: tlsConfigured };
  const url = new URL(endpoint);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return { address: `${url.hostname}:${port}`, secure: url.protocol === 'https:' };
}

function resolveSignal(o: OtlpOptions, signal: Signal, env: Env, problems: OptionProblem[]): SignalSettings {
  const sources = {} as SignalSettings['sources'];

  let protocol = DEFAULT_PROTOCOL;
  const envProtocol = fromEnv(env, signal, 'PROTOCOL');
  if (o.protocol) [protocol, sources.protocol] = [o.protocol, 'file'];
  else if (envProtocol && (PROTOCOLS as readonly string[]).includes(envProtocol.value)) [protocol, sources.protocol] = [envProtocol.value as Protocol, envProtocol.variable];
  else {
    if (envProtocol) problems.push({ option: 'protocol', message: `${envProtocol.variable}: ${JSON.stringify(envProtocol.value)} must be one of ${PROTOCOLS.map((p) => JSON.stringify(p)).join(', ')}` });
    sources.protocol = 'default';
  }

  let compression = DEFAULT_COMPRESSION;
  const envCompression = fromEnv(env, signal, 'COMPRESSION');
  if (o.compression) [compression, sources.compression] = [o.compression, 'file'];
  else if (envCompression && (COMPRESSIONS as readonly string[]).includes(envCompression.value)) [compression, sources.compression] = [envCompression.value as Compression, envCompression.variable];
  else {
    if (envCompression) problems.push({ option: 'compression', message: `${envCompression.variable}: ${JSON.stringify(envCompression.value)} must be "gzip" or "none"` });
    sources.compression = 'default';
  }

  let timeoutMs = DEFAULT_TIMEOUT_MS;
  const envTimeout = fromEnv(env, signal, 'TIMEOUT');
  if (o.timeout !== undefined) [timeoutMs, sources.timeout] = [o.timeout, 'file'];
  else if (envTimeout && /^\d+$/.test(envTimeout.value) && Number(envTimeout.value) > 0) [timeoutMs, sources.timeout] = [Number(envTimeout.value), envTimeout.variable];
  else {
    if (envTimeout) problems.push({ option: 'timeout', message: `${envTimeout.variable}: ${JSON.stringify(envTimeout.value)} must be a number of milliseconds above 0` });
    sources.timeout = 'default';
  }

  let headers: Record<string, string> = {};
  const envHeaders = fromEnv(env, signal, 'HEADERS');
  if (o.headers) [headers, sources.headers] = [o.headers, 'file'];
  else if (envHeaders) {
    sources.headers = envHeaders.variable;
    try {
      headers = parseEnvHeaders(envHeaders.value, envHeaders.variable);
      for (const [name, value] of Object.entries(headers)) {
        const problem = headerProblem(name, value, envHeaders.variable);
        if (problem) problems.push(problem);
      }
    } catch (err) {
      problems.push({ option: 'headers', message: (err as Error).message });
    }
  } else sources.headers = 'default';

  // The signal's own variable is a full URL, the shared one a base that gets the signal's path.
  let endpoint: string;
  let endpointIsBase = true;
  const ownVariable = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`;
  const envEndpoint = fromEnv(env, signal, 'ENDPOINT');
  if (o.endpoint) [endpoint, sources.endpoint] = [o.endpoint, 'file'];
  else if (envEndpoint) {
    [endpoint, sources.endpoint] = [envEndpoint.value, envEndpoint.variable];
    endpointIsBase = envEndpoint.variable !== ownVariable;
  } else [endpoint, sources.endpoint] = [protocol === 'grpc' ? DEFAULT_GRPC_ENDPOINT : DEFAULT_HTTP_ENDPOINT, 'default'];

  const where = sources.endpoint === 'file' ? 'option "endpoint"' : sources.endpoint;
  const problem = endpointProblem(endpoint, protocol, where);
  const tlsConfigured = Boolean(o.tls_ca || o.tls_cert || o.insecure_skip_verify);
  const settings: SignalSettings = { signal, protocol, url: '', shownEndpoint: redactUrlCredentials(endpoint), compression, timeoutMs, headers, sources };
  if (problem) {
    problems.push({ option: 'endpoint', message: problem });
    return settings;
  }
  if (protocol === 'grpc') {
    problems.push(...httpOnlyProblems(o));
    // Telegraf's tls_enable asks for TLS where the endpoint (host:port) does not say.
    settings.grpc = grpcTarget(endpoint, tlsConfigured || o.tls_enable);
    if (tlsConfigured && !settings.grpc.secure) problems.push({ option: 'tls_ca', message: `options "tls_ca", "tls_cert" and "insecure_skip_verify" need TLS, but ${where} is ${JSON.stringify(settings.shownEndpoint)} (write https://)` });
  } else {
    settings.url = endpointIsBase ? withSignalPath(endpoint, signal) : new URL(endpoint).toString();
    settings.shownEndpoint = redactUrlCredentials(settings.url);
    if (tlsConfigured && !settings.url.startsWith('https:')) problems.push({ option: 'tls_ca', message: `options "tls_ca", "tls_cert" and "insecure_skip_verify" apply to https:// endpoints, but ${where} is ${JSON.stringify(redactUrlCredentials(endpoint))}` });
  }
  return settings;
}

/** Both signals' settings, and every problem found in the file's options and the environment. */
export function resolveSettings(o: OtlpOptions, env: Env = process.env): ResolvedSettings {
  const problems: OptionProblem[] = [];
  const settings = { metrics: resolveSignal(o, 'metrics', env, problems), logs: resolveSignal(o, 'logs', env, problems) };
  // Both signals usually read the same shared variable: say each problem once.
  const seen = new Set<string>();
  return { settings, problems: problems.filter((p) => !seen.has(p.message) && seen.add(p.message)) };
}

/** One line for the debug log: what each setting is and where it came from; header values are never shown. */
export function describeSettings(s: SignalSettings): string {
  const headerNames = Object.keys(s.headers);
  return [
    `${s.signal} to ${s.shownEndpoint} (${s.sources.endpoint})`,
    `protocol ${s.protocol} (${s.sources.protocol})`,
    `compression ${s.compression} (${s.sources.compression})`,
    `timeout ${formatDuration(s.timeoutMs)} (${s.sources.timeout})`,
    `headers ${headerNames.length ? headerNames.join(', ') : 'none'} (${s.sources.headers})`,
  ].join(', ');
}
