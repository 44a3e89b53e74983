import { readFileSync } from 'node:fs';
import { newLogRecord, newMetric, VERSION, type Item, type OutputPlugin, type WriteResult } from '@vigil/core';
import { writeContext } from '@vigil/core/testing';
import { clearOtelEnv, closeAll, lastOf, logRecordsOf, metricsOf, otlpOutput, track, withEnv } from './test-helpers.js';
import { CountingRelay, GrpcReceiver, HttpReceiver } from './test-receiver.js';

// 2025-11-23T07:00:00Z and a second later, in milliseconds and as OTLP's nanoseconds.
const T0 = 1763881200000;
const T0_NS = '1763881200000000000';
const T1_NS = '1763881201000000000';

const cpu = newMetric('cpu', { usage_idle: 97.5, usage_user: 1.25 }, { cpu: 'cpu-total', host: 'web-01' }, T0, 'gauge');
const netCounter = newMetric('net', { bytes_recv: 123456789n }, { interface: 'eth0' }, T0, 'counter');
const diskFull = newLogRecord({ level: 'error', message: 'disk full', source: '/var/log/app.log', timestamp: T0 + 1000, attributes: { code: 28 }, tags: { host: 'web-01' } }, 'logs');

// The resource every test shares: host.id fixed so the expectations do not depend on the machine.
const RESOURCE = { 'host.name': 'test-host', 'host.id': 'test-host-id', 'service.name': 'vigil', 'service.version': VERSION };
const FIXED = { resource_attributes: { 'host.id': 'test-host-id' } };

const PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
type Protocol = (typeof PROTOCOLS)[number];

beforeAll(clearOtelEnv);
afterEach(closeAll);

async function receiverFor(protocol: Protocol): Promise<{ receiver: HttpReceiver | GrpcReceiver; endpoint: string }> {
  if (protocol === 'grpc') {
    const receiver = track(await GrpcReceiver.start());
    return { receiver, endpoint: receiver.address };
  }
  const receiver = track(await HttpReceiver.start());
  return { receiver, endpoint: receiver.endpoint };
}

function write(plugin: OutputPlugin, batch: Item[], context = writeContext()): Promise<WriteResult | void> {
  return Promise.resolve(plugin.write(batch, context));
}

describe.each(PROTOCOLS)('outputs.otlp over %s: what is sent', (protocol) => {
  it('sends each numeric field as a metric named <measurement>_<field>: a gauge of doubles, a counter as a monotonic cumulative sum of ints', async () => {
    const { receiver, endpoint } = await receiverFor(protocol);
    const { plugin } = otlpOutput({ endpoint, protocol, ...FIXED });
    expect(await write(plugin, [cpu, netCounter])).toEqual({ outcome: 'written' });
    expect(receiver.exports.map((e) => e.signal)).toEqual(['metrics']);
    expect(metricsOf(lastOf(receiver.exports).request)).toEqual([
      { resource: RESOURCE, name: 'cpu_usage_idle', kind: 'gauge', points: [{ start: '0', time: T0_NS, asDouble: 97.5, attributes: { cpu: 'cpu-total', host: 'web-01' } }] },
      { resource: RESOURCE, name: 'cpu_usage_user', kind: 'gauge', points: [{ start: '0', time: T0_NS, asDouble: 1.25, attributes: { cpu: 'cpu-total', host: 'web-01' } }] },
      { resource: RESOURCE, name: 'net_bytes_recv', kind: 'sum', sum: { isMonotonic: true, aggregationTemporality: 2 }, points: [{ start: T0_NS, time: T0_NS, asInt: '123456789', attributes: { interface: 'eth0' } }] },
    ]);
  });

  it('sends a log record with its time, severity, message and attributes, and the file it came from as log.file.path', async () => {
    const { receiver, endpoint } = await receiverFor(protocol);
    const { plugin } = otlpOutput({ endpoint, protocol, ...FIXED });
    expect(await write(plugin, [diskFull])).toEqual({ outcome: 'written' });
    expect(receiver.exports.map((e) => e.signal)).toEqual(['logs']);
    expect(logRecordsOf(lastOf(receiver.exports).request)).toEqual([
      { resource: RESOURCE, scope: 'logs', time: T1_NS, observed: T1_NS, severityNumber: 17, severityText: 'ERROR', body: 'disk full', attributes: { host: 'web-01', code: '28', 'log.file.path': '/var/log/app.log' } },
    ]);
  });

  it('groups the points of a batch by resource and metric: one request, resource tags to the resource', async () => {
    const { receiver, endpoint } = await receiverFor(protocol);
    const { plugin } = otlpOutput({ endpoint, protocol, ...FIXED });
    const batch = [
      newMetric('cpu', { usage_idle: 90 }, { cpu: 'cpu0' }, T0, 'gauge'),
      newMetric('cpu', { usage_idle: 80 }, { cpu: 'cpu0' }, T0 + 1000, 'gauge'),
      newMetric('docker', { mem: 512n }, { 'container.id': 'abc123', image: 'nginx' }, T0, 'gauge'),
    ];
    await write(plugin, batch);
    expect(receiver.exports).toHaveLength(1);
    expect(metricsOf(receiver.exports[0].request)).toEqual([
      {
        resource: RESOURCE,
        name: 'cpu_usage_idle',
        kind: 'gauge',
        points: [
          { start: '0', time: T0_NS, asDouble: 90, attributes: { cpu: 'cpu0' } },
          { start: '0', time: T1_NS, asDouble: 80, attributes: { cpu: 'cpu0' } },
        ],
      },
      { resource: { ...RESOURCE, 'container.id': 'abc123' }, name: 'docker_mem', kind: 'gauge', points: [{ start: '0', time: T0_NS, asInt: '512', attributes: { image: 'nginx' } }] },
    ]);
  });

  it('sends the metrics and the log records of one batch as two requests, written when both are', async () => {
    const { receiver, endpoint } = await receiverFor(protocol);
    const { plugin } = otlpOutput({ endpoint, protocol, ...FIXED });
    expect(await write(plugin, [cpu, diskFull])).toEqual({ outcome: 'written' });
    expect(receiver.exports.map((e) => e.signal).sort()).toEqual(['logs', 'metrics']);
  });
});

describe('outputs.otlp: what is sent, in detail', () => {
  it('POSTs to /v1/metrics and /v1/logs under the endpoint, with the protobuf or JSON Content-Type', async () => {
    const receiver = track(await HttpReceiver.start());
    await write(otlpOutput({ endpoint: `${receiver.endpoint}/otlp/` }).plugin, [cpu, diskFull]);
    expect(receiver.exports.map((e) => e.path).sort()).toEqual(['/otlp/v1/logs', '/otlp/v1/metrics']);
    expect(receiver.exports[0].headers['content-type']).toBe('application/x-protobuf');
    expect(receiver.exports[0].headers['user-agent']).toBe(`vigil/${VERSION}`);
    await write(otlpOutput({ endpoint: receiver.endpoint, protocol: 'http/json' }).plugin, [cpu]);
    expect(lastOf(receiver.exports).headers['content-type']).toBe('application/json');
  });

  it('gzips HTTP requests by default and sends them as they are with compression = "none"', async () => {
    const receiver = track(await HttpReceiver.start());
    await write(otlpOutput({ endpoint: receiver.endpoint }).plugin, [cpu]);
    expect(lastOf(receiver.exports).headers['content-encoding']).toBe('gzip');
    await write(otlpOutput({ endpoint: receiver.endpoint, compression: 'none' }).plugin, [cpu]);
    expect(lastOf(receiver.exports).headers['content-encoding']).toBeUndefined();
    // Both arrived whole: the receiver decoded the same metric from each.
    expect(receiver.exports.map((e) => metricsOf(e.request)[0].points[0].asDouble)).toEqual([97.5, 97.5]);
  });

  it('compresses gRPC messages with compression = "gzip": a repetitive batch crosses the wire in a fraction of the bytes', async () => {
    const receiver = track(await GrpcReceiver.start());
    const relay = track(await CountingRelay.start(receiver.port));
    const batch = Array.from({ length: 500 }, (_, i) => newMetric('cpu', { usage_idle: 97.5 }, { cpu: `cpu${i % 4}`, host: 'web-01' }, T0 + i * 1000, 'gauge'));

    await write(otlpOutput({ endpoint: relay.address, protocol: 'grpc', compression: 'none' }).plugin, batch);
    const plain = relay.bytesIn;
    await write(otlpOutput({ endpoint: relay.address, protocol: 'grpc', compression: 'gzip' }).plugin, batch);
    const gzipped = relay.bytesIn - plain;

    expect(receiver.exports).toHaveLength(2);
    expect(receiver.exports[1].request).toEqual(receiver.exports[0].request);
    expect(metricsOf(receiver.exports[1].request)[0].points).toHaveLength(500);
    expect(gzipped).toBeLessThan(plain / 4);
  });

  it('starts a counter at its first point, keeps that start, and starts again when the value goes down', async () => {
    const receiver = track(await HttpReceiver.start());
    const { plugin } = otlpOutput({ endpoint: receiver.endpoint });
    const requests = newMetric('http', { requests: 10n }, { path: '/' }, T0, 'counter');
    await write(plugin, [requests]);
    await write(plugin, [{ ...requests, fields: { requests: 15n }, timestamp: T0 + 1000 }]);
    await write(plugin, [{ ...requests, fields: { requests: 2n }, timestamp: T0 + 2000 }]);
    expect(receiver.exports.map((e) => metricsOf(e.request)[0].points[0])).toEqual([
      { start: T0_NS, time: T0_NS, asInt: '10', attributes: { path: '/' } },
      { start: T0_NS, time: T1_NS, asInt: '15', attributes: { path: '/' } },
      { start: '1763881202000000000', time: '1763881202000000000', asInt: '2', attributes: { path: '/' } },
    ]);
  });

  it('leaves string and boolean fields out, says so once per field, and counts them', async () => {
    const receiver = track(await HttpReceiver.start());
    const { plugin, ctx } = otlpOutput({ endpoint: receiver.endpoint });
    const system = newMetric('system', { load1: 0.5, uptime_format: '3 days', healthy: true }, {}, T0, 'gauge');
    await write(plugin, [system]);
    await write(plugin, [{ ...system, timestamp: T0 + 1000 }]);
    expect(receiver.exports.map((e) => metricsOf(e.request).map((m) => m.name))).toEqual([['system_load1'], ['system_load1']]);
    const said = ctx.ring.entries().map((e) => e.message);
    expect(said.filter((m) => m.startsWith('field "uptime_format" of "system" is a string'))).toHaveLength(1);
    expect(said.filter((m) => m.startsWith('field "healthy" of "system" is a boolean'))).toHaveLength(1);
    expect(said).toContain('left out 2 string, boolean or non-finite field values of this batch (4 since start)');
  });

  it('sends no request for a batch with nothing to send', async () => {
    const receiver = track(await HttpReceiver.start());
    const { plugin } = otlpOutput({ endpoint: receiver.endpoint });
    expect(await write(plugin, [newMetric('note', { text: 'hello' }, {}, T0)])).toEqual({ outcome: 'written' });
    expect(receiver.exports).toHaveLength(0);
  });

  it('the resource: host.name unless omitted, host.id from the machine id, OTEL_* variables, then resource_attributes winning', async () => {
    const receiver = track(await HttpReceiver.start());
    let machineId = '';
    try {
      machineId = readFileSync('/etc/machine-id', 'utf8').trim();
    } catch {
      // No machine id here: host.id is left out.
    }
    await write(otlpOutput({ endpoint: receiver.endpoint }).plugin, [cpu]);
    expect(metricsOf(lastOf(receiver.exports).request)[0].resource).toEqual({ 'service.name': 'vigil', 'service.version': VERSION, 'host.name': 'test-host', ...(machineId ? { 'host.id': machineId } : {}) });

    await withEnv({ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=staging,team=core%20infra', OTEL_SERVICE_NAME: 'edge-agent' }, async () => {
      const { plugin } = otlpOutput({ endpoint: receiver.endpoint, resource_attributes: { 'deployment.environment': 'production', 'host.id': 'h-1' } }, { agent: { omitHostname: true } });
      await write(plugin, [cpu]);
    });
    expect(metricsOf(lastOf(receiver.exports).request)[0].resource).toEqual({ 'service.name': 'edge-agent', 'service.version': VERSION, 'host.id': 'h-1', 'deployment.environment': 'production', team: 'core infra' });
  });

  it('sends the agent\'s own log entries with include_agent_logs, each once, scoped to what logged it', async () => {
    const receiver = track(await HttpReceiver.start());
    const { plugin, ctx } = otlpOutput({ endpoint: receiver.endpoint, include_agent_logs: true, ...FIXED });
    ctx.ring.push({ timestamp: T0, level: 'warn', message: 'gather took 12s', source: 'inputs.system', attributes: { interval: '10s' } });
    await write(plugin, [cpu]);
    expect(logRecordsOf(receiver.of('logs')[0].request)).toEqual([
      { resource: RESOURCE, scope: 'inputs.system', time: T0_NS, observed: T0_NS, severityNumber: 13, severityText: 'WARN', body: 'gather took 12s', attributes: { interval: '10s' } },
    ]);
    // Sent once: the next export carries only what was logged since.
    await write(plugin, [cpu]);
    expect(receiver.of('logs')).toHaveLength(1);
    ctx.ring.push({ timestamp: T0 + 1000, level: 'error', message: 'write failed', source: 'agent' });
    await write(plugin, [diskFull]);
    expect(logRecordsOf(lastOf(receiver.of('logs')).request).map((r) => [r.scope, r.body])).toEqual([
      ['logs', 'disk full'],
      ['agent', 'write failed'],
    ]);
  });

  it('agent log entries that could not be sent go with the next export, without holding the batch back', async () => {
    const receiver = track(await HttpReceiver.start());
    const { plugin, ctx } = otlpOutput({ endpoint: receiver.endpoint, include_agent_logs: true });
    ctx.ring.push({ timestamp: T0, level: 'error', message: 'first', source: 'agent' });
    receiver.answers.logs.push({ status: 503 });
    // The metrics are written though the agent's entries were not.
    expect(await write(plugin, [cpu])).toEqual({ outcome: 'written' });
    await write(plugin, [cpu]);
    expect(receiver.of('logs').map((e) => logRecordsOf(e.request).filter((r) => r.body === 'first').length)).toEqual([1, 1]);
  });
});
