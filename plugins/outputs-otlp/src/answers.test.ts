import { newLogRecord, newMetric, type Item, type OutputPlugin, type WriteResult } from '@vigil/core';
import { freePort, writeContext } from '@vigil/core/testing';
import { clearOtelEnv, closeAll, metricsOf, otlpOutput, track } from './test-helpers.js';
import { encodeRpcStatus, GrpcReceiver, HttpReceiver } from './test-receiver.js';

const T0 = 1763881200000;
const cpu = newMetric('cpu', { usage_idle: 97.5 }, { cpu: 'cpu-total' }, T0, 'gauge');
const diskFull = newLogRecord({ level: 'error', message: 'disk full', source: '/var/log/app.log', timestamp: T0 }, 'logs');

// gRPC status codes, by the numbers the protocol uses.
const UNAVAILABLE = 14;
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;
const UNAUTHENTICATED = 16;

beforeAll(clearOtelEnv);
afterEach(closeAll);

function write(plugin: OutputPlugin, batch: Item[] = [cpu], context = writeContext()): Promise<WriteResult | void> {
  return Promise.resolve(plugin.write(batch, context));
}

describe('outputs.otlp over HTTP: what an answer means for the batch', () => {
  it('an outage: 503 is retried, and the same data is written once the receiver is back', async () => {
    const receiver = track(await HttpReceiver.start());
    const { plugin } = otlpOutput({ endpoint: receiver.endpoint });
    receiver.answers.metrics.push({ status: 503, body: 'collector is starting' });
    const context = writeContext();
    expect(await write(plugin, [cpu], context)).toEqual({ outcome: 'retry', reason: `${receiver.endpoint}/v1/metrics answered HTTP 503: collector is starting` });
    expect(await write(plugin, [cpu], { ...context, attempt: 2 })).toEqual({ outcome: 'written' });
    expect(receiver.exports).toHaveLength(2);
    expect(receiver.exports[1].request).toEqual(receiver.exports[0].request);
  });

  it('429 with Retry-After: retried no sooner than it says', async () => {
    const receiver = track(await HttpReceiver.start());
    receiver.answers.metrics.push({ status: 429, headers: { 'retry-after': '7' } });
    expect(await write(otlpOutput({ endpoint: receiver.endpoint }).plugin)).toEqual({ outcome: 'retry', reason: `${receiver.endpoint}/v1/metrics answered HTTP 429`, retryAfterMs: 7000 });
  });

  it.each([502, 504])('%i: retried', async (status) => {
    const receiver = track(await HttpReceiver.start());
    receiver.answers.metrics.push({ status });
    expect(await write(otlpOutput({ endpoint: receiver.endpoint }).plugin)).toMatchObject({ outcome: 'retry' });
  });

  it('400 with a google.rpc.Status body: rejected, with the status message', async () => {
    const receiver = track(await HttpReceiver.start());
    receiver.answers.metrics.push({ status: 400, headers: { 'content-type': 'application/x-protobuf' }, body: encodeRpcStatus(INVALID_ARGUMENT, 'metric name must not be empty') });
    expect(await write(otlpOutput({ endpoint: receiver.endpoint }).plugin)).toEqual({ outcome: 'rejected', reason: `${receiver.endpoint}/v1/metrics answered HTTP 400: metric name must not be empty` });
  });

  it('a JSON error body (http/json) gives its message', async () => {
    const receiver = track(await HttpReceiver.start());
    receiver.answers.metrics.push({ status: 400, headers: { 'content-type': 'application/json' }, body: '{"code":3,"message":"unknown field"}' });
    expect(await write(otlpOutput({ endpoint: receiver.endpoint, protocol: 'http/json' }).plugin)).toEqual({ outcome: 'rejected', reason: `${receiver.endpoint}/v1/metrics answered HTTP 400: unknown field` });
  });

  it.each([401, 404, 408, 413, 500, 501])('%i: rejected, as the OTLP spec retries only 429, 502, 503 and 504', async (status) => {
    const receiver = track(await HttpReceiver.start());
    receiver.answers.metrics.push({ status, body: 'no' });
    expect(await write(otlpOutput({ endpoint: receiver.endpoint }).plugin)).toEqual({ outcome: 'rejected', reason: `${receiver.endpoint}/v1/metrics answered HTTP ${status}: no` });
  });

  it('a partial success is written, its message logged once as a warning and the rejected points counted', async () => {
    const receiver = track(await HttpReceiver.start());
    const { plugin, ctx } = otlpOutput({ endpoint: receiver.endpoint });
    receiver.answers.metrics.push({ partial: { rejected: 3, message: 'points older than 1h dropped' } }, { partial: { rejected: 2, message: 'points older than 1h dropped' } });
    expect(await write(plugin)).toEqual({ outcome: 'written' });
    expect(await write(plugin)).toEqual({ outcome: 'written' });
    const url = `${receiver.endpoint}/v1/metrics`;
    const entries = ctx.ring.entries().filter((e) => e.message.includes('accepted the export'));
    expect(entries.map((e) => [e.level, e.message])).toEqual([
      ['warn', `${url} accepted the export but rejected 3 data points: points older than 1h dropped (3 data points rejected since start); later answers with this message are logged at debug`],
      ['debug', `${url} accepted the export but rejected 2 data points: points older than 1h dropped (5 data points rejected since start)`],
    ]);
  });

  it('a partial success of log records, over http/json', async () => {
    const receiver = track(await HttpReceiver.start());
    const { plugin, ctx } = otlpOutput({ endpoint: receiver.endpoint, protocol: 'http/json' });
    receiver.answers.logs.push({ partial: { rejected: 1, message: 'body too long' } });
    expect(await write(plugin, [diskFull])).toEqual({ outcome: 'written' });
    expect(ctx.ring.entries().map((e) => e.message)).toContain(
      `${receiver.endpoint}/v1/logs accepted the export but rejected 1 log records: body too long (1 log records rejected since start); later answers with this message are logged at debug`,
    );
  });

  it('a refused connection: retried', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    expect(await write(otlpOutput({ endpoint }).plugin)).toEqual({ outcome: 'retry', reason: `${endpoint}/v1/metrics: connection refused` });
  });

  it('no answer within timeout: retried', async () => {
    const receiver = track(await HttpReceiver.start());
    receiver.answers.metrics.push('hang');
    expect(await write(otlpOutput({ endpoint: receiver.endpoint, timeout: '150ms' }).plugin)).toEqual({ outcome: 'retry', reason: `${receiver.endpoint}/v1/metrics: no answer within 150ms (timeout)` });
  });

  it('a write the agent abandons (its signal aborts) ends the request at once', async () => {
    const receiver = track(await HttpReceiver.start());
    receiver.answers.metrics.push('hang');
    const abandon = new AbortController();
    const pending = write(otlpOutput({ endpoint: receiver.endpoint, timeout: '60s' }).plugin, [cpu], writeContext({ signal: abandon.signal }));
    await receiver.received(1);
    abandon.abort();
    expect(await pending).toEqual({ outcome: 'retry', reason: `${receiver.endpoint}/v1/metrics: abandoned: the write was cancelled by the agent` });
  });
});

describe('outputs.otlp: a batch of metrics and log records', () => {
  it('when only the logs need a retry, the retry sends only the logs', async () => {
    const receiver = track(await HttpReceiver.start());
    const { plugin } = otlpOutput({ endpoint: receiver.endpoint });
    receiver.answers.logs.push({ status: 503 });
    const context = writeContext();
    expect(await write(plugin, [cpu, diskFull], context)).toEqual({ outcome: 'retry', reason: `${receiver.endpoint}/v1/logs answered HTTP 503` });
    expect(await write(plugin, [cpu, diskFull], { ...context, attempt: 2 })).toEqual({ outcome: 'written' });
    expect(receiver.exports.map((e) => e.signal).sort()).toEqual(['logs', 'logs', 'metrics']);
  });

  it('when one half is rejected and the other written, the batch is rejected, saying so', async () => {
    const receiver = track(await HttpReceiver.start());
    receiver.answers.metrics.push({ status: 400, body: 'bad metric' });
    expect(await write(otlpOutput({ endpoint: receiver.endpoint }).plugin, [cpu, diskFull])).toEqual({
      outcome: 'rejected',
      reason: `${receiver.endpoint}/v1/metrics answered HTTP 400: bad metric (the other half of the batch was written)`,
    });
  });

  it('a half rejected while the other is retried: the retry sends only the retried half, then the batch is rejected', async () => {
    const receiver = track(await HttpReceiver.start());
    const { plugin } = otlpOutput({ endpoint: receiver.endpoint });
    receiver.answers.metrics.push({ status: 400, body: 'bad metric' });
    receiver.answers.logs.push({ status: 503 });
    const context = writeContext();
    expect(await write(plugin, [cpu, diskFull], context)).toEqual({ outcome: 'retry', reason: `${receiver.endpoint}/v1/logs answered HTTP 503` });
    expect(await write(plugin, [cpu, diskFull], { ...context, attempt: 2 })).toEqual({
      outcome: 'rejected',
      reason: `${receiver.endpoint}/v1/metrics answered HTTP 400: bad metric (the other half of the batch was written)`,
    });
    expect(receiver.of('metrics')).toHaveLength(1);
  });
});

describe('outputs.otlp over gRPC: what an answer means for the batch', () => {
  async function grpcOutput(options: Record<string, unknown> = {}) {
    const receiver = track(await GrpcReceiver.start());
    const { plugin, ctx } = otlpOutput({ endpoint: receiver.address, protocol: 'grpc', ...options });
    return { receiver, plugin, ctx, where: `${receiver.address} (MetricsService/Export)` };
  }

  it('UNAVAILABLE: retried, and the same data is written once the receiver is back', async () => {
    const { receiver, plugin, where } = await grpcOutput();
    receiver.answers.metrics.push({ grpc: UNAVAILABLE, details: 'collector is starting' });
    const context = writeContext();
    expect(await write(plugin, [cpu], context)).toEqual({ outcome: 'retry', reason: `${where}: gRPC UNAVAILABLE: collector is starting` });
    expect(await write(plugin, [cpu], { ...context, attempt: 2 })).toEqual({ outcome: 'written' });
    expect(receiver.exports[1].request).toEqual(receiver.exports[0].request);
  });

  it('UNAVAILABLE with RetryInfo: retried no sooner than its delay', async () => {
    const { receiver, plugin, where } = await grpcOutput();
    receiver.answers.metrics.push({ grpc: UNAVAILABLE, details: 'overloaded', retryDelayMs: 30_000 });
    expect(await write(plugin)).toEqual({ outcome: 'retry', reason: `${where}: gRPC UNAVAILABLE: overloaded`, retryAfterMs: 30_000 });
  });

  it('INVALID_ARGUMENT: rejected', async () => {
    const { receiver, plugin, where } = await grpcOutput();
    receiver.answers.metrics.push({ grpc: INVALID_ARGUMENT, details: 'metric name must not be empty' });
    expect(await write(plugin)).toEqual({ outcome: 'rejected', reason: `${where}: gRPC INVALID_ARGUMENT: metric name must not be empty` });
  });

  it('RESOURCE_EXHAUSTED is rejected, unless the status carries RetryInfo', async () => {
    const { receiver, plugin, where } = await grpcOutput();
    receiver.answers.metrics.push({ grpc: RESOURCE_EXHAUSTED, details: 'quota exceeded' }, { grpc: RESOURCE_EXHAUSTED, details: 'slow down', retryDelayMs: 2500 });
    expect(await write(plugin)).toEqual({ outcome: 'rejected', reason: `${where}: gRPC RESOURCE_EXHAUSTED: quota exceeded` });
    expect(await write(plugin)).toEqual({ outcome: 'retry', reason: `${where}: gRPC RESOURCE_EXHAUSTED: slow down`, retryAfterMs: 2500 });
  });

  it('UNAUTHENTICATED: rejected', async () => {
    const { receiver, plugin } = await grpcOutput();
    receiver.answers.metrics.push({ grpc: UNAUTHENTICATED, details: 'no key' });
    expect(await write(plugin)).toMatchObject({ outcome: 'rejected' });
  });

  it('a partial success is written and logged', async () => {
    const { receiver, plugin, ctx } = await grpcOutput();
    receiver.answers.metrics.push({ partial: { rejected: 1, message: 'NaN not allowed' } });
    expect(await write(plugin)).toEqual({ outcome: 'written' });
    expect(ctx.ring.entries().some((e) => e.level === 'warn' && e.message === `${receiver.address} accepted the export but rejected 1 data points: NaN not allowed (1 data points rejected since start); later answers with this message are logged at debug`)).toBe(true);
  });

  it('a refused connection: retried', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const result = (await write(otlpOutput({ endpoint: address, protocol: 'grpc' }).plugin)) as { outcome: string; reason: string };
    expect(result.outcome).toBe('retry');
    expect(result.reason).toMatch(new RegExp(`^${address} \\(MetricsService/Export\\): gRPC UNAVAILABLE: .*ECONNREFUSED`));
  });

  it('no answer within timeout: retried', async () => {
    const { receiver, plugin, where } = await grpcOutput({ timeout: '150ms' });
    receiver.answers.metrics.push('hang');
    expect(await write(plugin)).toEqual({ outcome: 'retry', reason: `${where}: no answer within 150ms (timeout)` });
  });

  it('a write the agent abandons cancels the call', async () => {
    const { receiver, plugin, where } = await grpcOutput({ timeout: '60s' });
    receiver.answers.metrics.push('hang');
    const abandon = new AbortController();
    const pending = write(plugin, [cpu], writeContext({ signal: abandon.signal }));
    await receiver.received(1);
    abandon.abort();
    expect(await pending).toEqual({ outcome: 'retry', reason: `${where}: abandoned: the write was cancelled by the agent` });
  });

  it('sends log records to the Logs service', async () => {
    const { receiver, plugin } = await grpcOutput();
    await write(plugin, [cpu, diskFull]);
    expect(receiver.exports.map((e) => e.path).sort()).toEqual(['/opentelemetry.proto.collector.logs.v1.LogsService/Export', '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export']);
    expect(metricsOf(receiver.of('metrics')[0].request)[0].name).toBe('cpu_usage_idle');
  });
});
