import { readFileSync } from 'node:fs';
import { newMetric, type OutputPlugin, type WriteResult } from '@vigil/core';
import { makeTestCertificates, readKeyPair, serverTls, writeContext, type TestCertificates } from '@vigil/core/testing';
import { clearOtelEnv, closeAll, otlpOutput, track, withEnv } from './test-helpers.js';
import { GrpcReceiver, HttpReceiver } from './test-receiver.js';

const cpu = newMetric('cpu', { usage_idle: 97.5 }, { cpu: 'cpu-total' }, 1763881200000, 'gauge');
const HEADERS = { 'X-TelemetryFlow-Key-ID': 'tfk_key-id-1234', 'X-TelemetryFlow-Key-Secret': 'tfs_secret-5678' };

beforeAll(clearOtelEnv);
afterEach(closeAll);

function write(plugin: OutputPlugin): Promise<WriteResult | void> {
  return Promise.resolve(plugin.write([cpu], writeContext()));
}

describe('outputs.otlp: headers', () => {
  it('sends the configured headers over HTTP, and keeps their values out of reasons and logs even when the receiver echoes them', async () => {
    const receiver = track(await HttpReceiver.start());
    const { plugin, ctx } = otlpOutput({ endpoint: receiver.endpoint, headers: HEADERS });
    receiver.answers.metrics.push({ status: 200 }, { status: 401, body: 'unknown key tfk_key-id-1234 / tfs_secret-5678' });
    await write(plugin);
    expect(receiver.exports[0].headers['x-telemetryflow-key-id']).toBe('tfk_key-id-1234');
    expect(receiver.exports[0].headers['x-telemetryflow-key-secret']).toBe('tfs_secret-5678');
    expect(await write(plugin)).toEqual({ outcome: 'rejected', reason: `${receiver.endpoint}/v1/metrics answered HTTP 401: unknown key *** / ***` });
    const logged = JSON.stringify(ctx.ring.entries());
    expect(logged).toContain('headers X-TelemetryFlow-Key-ID, X-TelemetryFlow-Key-Secret (file)');
    expect(logged).not.toContain('tfs_secret-5678');
  });

  it('sends the configured headers as gRPC metadata, and keeps them out of reasons', async () => {
    const receiver = track(await GrpcReceiver.start());
    const { plugin } = otlpOutput({ endpoint: receiver.address, protocol: 'grpc', headers: HEADERS });
    receiver.answers.metrics.push({ partial: { rejected: 0, message: '' } }, { grpc: 16, details: 'bad secret tfs_secret-5678' });
    await write(plugin);
    expect(receiver.exports[0].headers).toMatchObject({ 'x-telemetryflow-key-id': 'tfk_key-id-1234', 'x-telemetryflow-key-secret': 'tfs_secret-5678' });
    expect(await write(plugin)).toEqual({ outcome: 'rejected', reason: `${receiver.address} (MetricsService/Export): gRPC UNAUTHENTICATED: bad secret ***` });
  });

  it('takes what the file leaves out from OTEL_EXPORTER_OTLP_* variables, the signal\'s own first', async () => {
    const receiver = track(await GrpcReceiver.start());
    const { plugin } = await withEnv(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `http://${receiver.address}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=key%3Dwith%2Cpunctuation,x-team=core',
        OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
      },
      async () => otlpOutput({}),
    );
    expect(await write(plugin)).toEqual({ outcome: 'written' });
    expect(receiver.exports[0].headers).toMatchObject({ 'x-api-key': 'key=with,punctuation', 'x-team': 'core' });
  });
});

describe('outputs.otlp over TLS', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = makeTestCertificates();
  });
  afterAll(() => certs.remove());

  const grpcTls = () => ({ ca: readFileSync(certs.caFile), ...readKeyPair(certs.server) });

  it('HTTPS: trusts the receiver through tls_ca and presents the client certificate', async () => {
    const receiver = track(await HttpReceiver.start(serverTls(certs)));
    const { plugin } = otlpOutput({ endpoint: receiver.endpoint, tls_ca: certs.caFile, tls_cert: certs.client.cert, tls_key: certs.client.key });
    expect(await write(plugin)).toEqual({ outcome: 'written' });
    expect(receiver.exports[0].clientCertificate).toBe('vigil-agent');
  });

  it('HTTPS: refuses a receiver it cannot verify, and retries (the certificate may be fixed)', async () => {
    const receiver = track(await HttpReceiver.start(serverTls(certs)));
    expect(await write(otlpOutput({ endpoint: receiver.endpoint }).plugin)).toEqual({ outcome: 'retry', reason: `${receiver.endpoint}/v1/metrics: self-signed certificate in certificate chain` });
    expect(receiver.exports).toHaveLength(0);
  });

  it('HTTPS: insecure_skip_verify accepts any receiver', async () => {
    const receiver = track(await HttpReceiver.start(serverTls(certs)));
    expect(await write(otlpOutput({ endpoint: receiver.endpoint, insecure_skip_verify: true }).plugin)).toEqual({ outcome: 'written' });
  });

  it('gRPC over TLS: an https:// endpoint, trusted through tls_ca, with the client certificate', async () => {
    const receiver = track(await GrpcReceiver.start({ ...grpcTls(), requireClientCertificate: true }));
    const { plugin } = otlpOutput({ endpoint: `https://${receiver.address}`, protocol: 'grpc', tls_ca: certs.caFile, tls_cert: certs.client.cert, tls_key: certs.client.key });
    expect(await write(plugin)).toEqual({ outcome: 'written' });
    expect(receiver.exports[0].clientCertificate).toBe('vigil-agent');
  });

  it('gRPC over TLS: host:port with tls_ca is TLS too; a receiver that cannot be verified is retried', async () => {
    const receiver = track(await GrpcReceiver.start(grpcTls()));
    expect(await write(otlpOutput({ endpoint: receiver.address, protocol: 'grpc', tls_ca: certs.caFile }).plugin)).toEqual({ outcome: 'written' });
    const result = (await write(otlpOutput({ endpoint: `https://${receiver.address}`, protocol: 'grpc' }).plugin)) as { outcome: string; reason: string };
    expect(result.outcome).toBe('retry');
    expect(result.reason).toMatch(/gRPC UNAVAILABLE: .*self-signed certificate in certificate chain/);
  });

  it('gRPC over TLS: insecure_skip_verify accepts any receiver', async () => {
    const receiver = track(await GrpcReceiver.start(grpcTls()));
    expect(await write(otlpOutput({ endpoint: `https://${receiver.address}`, protocol: 'grpc', insecure_skip_verify: true }).plugin)).toEqual({ outcome: 'written' });
  });
});
