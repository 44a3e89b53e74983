import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOptions } from '@vigil/core/testing';
import { parse } from 'smol-toml';
import { describeSettings, resolveSettings } from './export-settings.js';
import otlp from './index.js';
import { schema, type OtlpOptions } from './options.js';
import { readMachineId } from './resource-attributes.js';
import { clearOtelEnv, withEnv } from './test-helpers.js';

const problemsOf = (options: Record<string, unknown>): string => {
  try {
    checkOptions(otlp, options);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
};

/** The file's options as validated, for resolveSettings. */
const options = (o: Record<string, unknown> = {}) => checkOptions<OtlpOptions>(otlp, o);

// The defaults a commented-out line in the sample shows (those filled in from the environment have none in the schema).
const SAMPLE_DEFAULTS: Record<string, unknown> = {
  endpoint: 'http://localhost:4318',
  protocol: 'http/protobuf',
  compression: 'gzip',
  timeout: '10s',
  include_agent_logs: false,
  insecure_skip_verify: false,
  tls_enable: false,
  tls_renegotiation_method: 'never',
  use_system_proxy: false,
  idle_conn_timeout: '0s',
  response_timeout: '0s',
  cookie_auth_method: 'POST',
  cookie_auth_renewal: '0s',
};

beforeAll(clearOtelEnv);

describe('outputs.otlp configuration', () => {
  it('the sample `vigil config` prints loads as it stands', () => {
    const doc = parse(otlp.sample) as { outputs: { otlp: Record<string, unknown>[] } };
    expect(checkOptions<OtlpOptions>(otlp, doc.outputs.otlp[0])).toEqual({
      resource_attributes: {},
      include_agent_logs: false,
      tls_ca: '',
      tls_cert: '',
      tls_key: '',
      insecure_skip_verify: false,
      tls_key_pwd: '',
      tls_server_name: '',
      tls_min_version: '',
      tls_cipher_suites: [],
      tls_enable: false,
      tls_renegotiation_method: 'never',
      http_proxy_url: '',
      use_system_proxy: false,
      local_address: '',
      idle_conn_timeout: 0,
      max_idle_conn: 0,
      max_idle_conn_per_host: 0,
      response_timeout: 0,
      client_id: '',
      client_secret: '',
      token_url: '',
      audience: '',
      scopes: [],
      cookie_auth_url: '',
      cookie_auth_method: 'POST',
      cookie_auth_username: '',
      cookie_auth_password: '',
      cookie_auth_headers: {},
      cookie_auth_body: '',
      cookie_auth_renewal: 0,
    });
  });

  it('the sample shows every option, commented out, at the default it gets', () => {
    for (const option of Object.keys(schema.properties)) {
      const line = otlp.sample.split('\n').find((l) => l.startsWith(`  # ${option} = `));
      expect(line).toBeDefined();
      if (option in SAMPLE_DEFAULTS) expect(line).toBe(`  # ${option} = ${JSON.stringify(SAMPLE_DEFAULTS[option])}`);
    }
    const { settings } = resolveSettings(options(), {});
    expect([settings.metrics.url, settings.metrics.protocol, settings.metrics.compression, settings.metrics.timeoutMs]).toEqual(['http://localhost:4318/v1/metrics', 'http/protobuf', 'gzip', 10_000]);
  });

  it('the issue\'s example block loads', () => {
    const block = `[[outputs.otlp]]
  endpoint = "http://127.0.0.1:4318"
  protocol = "http/protobuf"
  compression = "gzip"
  timeout = "10s"
  headers = { "X-TelemetryFlow-Key-ID" = "tfk_1", "X-TelemetryFlow-Key-Secret" = "tfs_1" }
  resource_attributes = { "service.name" = "vigil", "deployment.environment" = "production" }
`;
    const doc = parse(block) as { outputs: { otlp: Record<string, unknown>[] } };
    expect(problemsOf(doc.outputs.otlp[0])).toBe('');
  });

  it('refuses an endpoint that is not a URL, or a path on a gRPC one', () => {
    expect(problemsOf({ endpoint: 'ftp://user:hunter22@example.com/' })).toBe('option "endpoint": "ftp://user:***@example.com/" must be an http:// or https:// URL');
    expect(problemsOf({ endpoint: 'collector:4318' })).toBe('option "endpoint": "collector:4318" must be an http:// or https:// URL');
    expect(problemsOf({ endpoint: 'collector:4317', protocol: 'grpc' })).toBe('');
    expect(problemsOf({ endpoint: 'not a target', protocol: 'grpc' })).toBe('option "endpoint": "not a target" is neither host:port nor an http:// or https:// URL');
    expect(problemsOf({ endpoint: 'http://collector:4317/v1/metrics', protocol: 'grpc' })).toBe('option "endpoint": "http://collector:4317/v1/metrics": a gRPC endpoint has no path (the service names the method)');
  });

  it('refuses TLS options with a plain-text endpoint, rather than sending in the clear', () => {
    expect(problemsOf({ endpoint: 'http://collector:4318', insecure_skip_verify: true })).toBe(
      'options "tls_ca", "tls_cert" and "insecure_skip_verify" apply to https:// endpoints, but option "endpoint" is "http://collector:4318"',
    );
    expect(problemsOf({ endpoint: 'https://collector:4318', insecure_skip_verify: true })).toBe('');
  });

  it('refuses a TLS file it cannot read, naming the option and the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-outputs-otlp-options-'));
    try {
      expect(problemsOf({ endpoint: 'https://127.0.0.1', tls_ca: join(dir, 'missing.pem') })).toBe(`option "tls_ca": cannot read ${join(dir, 'missing.pem')}: ENOENT`);
      writeFileSync(join(dir, 'cert.pem'), 'x');
      expect(problemsOf({ endpoint: 'https://127.0.0.1', tls_cert: join(dir, 'cert.pem') })).toBe('options "tls_cert" and "tls_key" go together: set both or neither');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a header that cannot be sent, without showing its value', () => {
    expect(problemsOf({ headers: { 'X-Key': 'line\nbreak-secret' } })).toBe('option "headers": the value of "X-Key" has characters a header cannot hold (a line break?)');
    expect(problemsOf({ headers: { 'bad name': 'x' } })).toBe('option "headers": "bad name" is not a valid header name');
  });

  it('refuses an unknown protocol and compression', () => {
    expect(problemsOf({ protocol: 'http/proto' })).toMatch(/^option "protocol" must be one of "http\/protobuf", "http\/json", "grpc"/);
    expect(problemsOf({ compression: 'zstd' })).toMatch(/^option "compression" must be one of "gzip", "none"/);
  });
});

describe('outputs.otlp settings: file, then environment, then defaults', () => {
  it('OTEL_EXPORTER_OTLP_ENDPOINT is a base that gets the signal path; the signal\'s own endpoint is used as it is', () => {
    const { settings, problems } = resolveSettings(options(), { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318/otlp/', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'https://logs.example.com/ingest' });
    expect(problems).toEqual([]);
    expect(settings.metrics.url).toBe('https://collector:4318/otlp/v1/metrics');
    expect(settings.logs.url).toBe('https://logs.example.com/ingest');
    expect(settings.metrics.sources.endpoint).toBe('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(settings.logs.sources.endpoint).toBe('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT');
  });

  it('the file wins over the environment, option by option', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_COMPRESSION: 'none', OTEL_EXPORTER_OTLP_TIMEOUT: '3000', OTEL_EXPORTER_OTLP_HEADERS: 'a=b' };
    const { settings } = resolveSettings(options({ endpoint: 'http://file:4318', timeout: '20s' }), env);
    expect(settings.metrics).toMatchObject({ url: 'http://file:4318/v1/metrics', protocol: 'http/json', compression: 'none', timeoutMs: 20_000, headers: { a: 'b' } });
    expect(settings.metrics.sources).toEqual({ endpoint: 'file', protocol: 'OTEL_EXPORTER_OTLP_PROTOCOL', compression: 'OTEL_EXPORTER_OTLP_COMPRESSION', timeout: 'file', headers: 'OTEL_EXPORTER_OTLP_HEADERS' });
  });

  it('a signal\'s own variables win over the shared ones, for that signal only', () => {
    const { settings } = resolveSettings(options(), { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: '500' });
    expect([settings.metrics.protocol, settings.logs.protocol]).toEqual(['grpc', 'http/json']);
    expect([settings.metrics.timeoutMs, settings.logs.timeoutMs]).toEqual([10_000, 500]);
    // With no endpoint anywhere, gRPC gets its own default port.
    expect(settings.metrics.grpc).toEqual({ address: 'localhost:4317', secure: false });
    expect(settings.logs.url).toBe('http://localhost:4318/v1/logs');
  });

  it('gRPC endpoints: http:// is plain text, https:// is TLS, host:port is TLS only with TLS options', () => {
    const target = (endpoint: string, extra: Record<string, unknown> = {}) => resolveSettings(options({ endpoint, protocol: 'grpc', ...extra }), {}).settings.metrics.grpc;
    expect(target('http://collector:4317')).toEqual({ address: 'collector:4317', secure: false });
    expect(target('https://collector')).toEqual({ address: 'collector:443', secure: true });
    expect(target('collector:4317')).toEqual({ address: 'collector:4317', secure: false });
    expect(target('collector:4317', { insecure_skip_verify: true })).toEqual({ address: 'collector:4317', secure: true });
  });

  it("gRPC: Telegraf's tls_enable makes host:port TLS; the HTTP-only client options are refused, each named", () => {
    expect(resolveSettings(options({ endpoint: 'collector:4317', protocol: 'grpc', tls_enable: true }), {}).settings.metrics.grpc).toEqual({ address: 'collector:4317', secure: true });
    expect(resolveSettings(options({ endpoint: 'http://collector:4318', tls_enable: true }), {}).problems).toEqual([]);
    const problems = problemsOf({ endpoint: 'collector:4317', protocol: 'grpc', http_proxy_url: 'http://proxy:3128', response_timeout: '2s', client_id: 'a', client_secret: 'b', token_url: 'http://idp/t' });
    expect(problems.split('; ')).toEqual([
      'option "http_proxy_url" applies to protocol "http/protobuf" or "http/json" only, not "grpc"',
      'option "response_timeout" applies to protocol "http/protobuf" or "http/json" only, not "grpc"',
      'option "client_id" applies to protocol "http/protobuf" or "http/json" only, not "grpc"',
      'option "client_secret" applies to protocol "http/protobuf" or "http/json" only, not "grpc"',
      'option "token_url" applies to protocol "http/protobuf" or "http/json" only, not "grpc"',
    ]);
  });

  it('reports a variable it cannot use, naming it, and never a header value', () => {
    const { problems } = resolveSettings(options(), { OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift', OTEL_EXPORTER_OTLP_TIMEOUT: '10s', OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd', OTEL_EXPORTER_OTLP_HEADERS: 'x-key=hunter22-secret,novalue', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' });
    expect(problems.map((p) => p.message)).toEqual([
      'OTEL_EXPORTER_OTLP_PROTOCOL: "thrift" must be one of "http/protobuf", "http/json", "grpc"',
      'OTEL_EXPORTER_OTLP_COMPRESSION: "zstd" must be "gzip" or "none"',
      'OTEL_EXPORTER_OTLP_TIMEOUT: "10s" must be a number of milliseconds above 0',
      'OTEL_EXPORTER_OTLP_HEADERS: expected key=value pairs separated by commas',
      'OTEL_EXPORTER_OTLP_ENDPOINT: "collector" is not a URL',
    ]);
  });

  it('`vigil validate` sees the environment too: check() reports a bad variable', async () => {
    await withEnv({ OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'udp' }, async () => {
      expect(problemsOf({})).toBe('OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "udp" must be one of "http/protobuf", "http/json", "grpc"');
    });
  });

  it('describes the settings for the debug log with header names, never their values', () => {
    const { settings } = resolveSettings(options({ endpoint: 'https://u:pa55word@collector:4318', headers: { 'X-Key': 'hunter22' } }), {});
    expect(describeSettings(settings.metrics)).toBe(
      'metrics to https://u:***@collector:4318/v1/metrics (file), protocol http/protobuf (default), compression gzip (default), timeout 10s (default), headers X-Key (file)',
    );
  });
});

describe('outputs.otlp: host.id', () => {
  it('is read from the first machine-id file that has one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-outputs-otlp-machine-id-'));
    try {
      writeFileSync(join(dir, 'empty'), '\n');
      writeFileSync(join(dir, 'machine-id'), '4c4c4544004d3510\n');
      expect(readMachineId([join(dir, 'missing'), join(dir, 'empty'), join(dir, 'machine-id')])).toBe('4c4c4544004d3510');
      expect(readMachineId([join(dir, 'missing')])).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
