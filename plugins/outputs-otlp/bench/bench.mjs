// Figures for outputs.otlp: metrics and log records per second, mapped, serialized and sent to a
// local receiver that drains each request and answers success, over each protocol; and the cost
// of mapping and serializing alone. Run after `npm run build`.
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { createServer } from 'node:http';
import { newLogRecord, newMetric } from '@vigil/core';
import { createOutput, writeContext } from '@vigil/core/testing';
import otlpOutput from '../dist/index.js';
import { LogMapper } from '../dist/log-mapping.js';
import { MetricMapper } from '../dist/metric-mapping.js';
import { logsRequestBody, metricsRequestBody } from '../dist/request-body.js';
import { ResourceCache } from '../dist/resource-cache.js';

const BATCH = 1000;
const FIELDS_PER_METRIC = 10;

function metricsBatch(round) {
  const base = 1763881200000 + round * 10_000;
  return Array.from({ length: BATCH }, (_, i) => {
    const fields = {};
    for (let f = 0; f < FIELDS_PER_METRIC; f++) fields[`usage_${f}`] = f % 2 ? Math.random() * 100 : BigInt(i * f);
    return newMetric('cpu', fields, { cpu: `cpu${i % 64}`, host: 'web-01' }, base + i, i % 5 === 0 ? 'counter' : 'gauge');
  });
}

function logsBatch(round) {
  const base = 1763881200000 + round * 10_000;
  return Array.from({ length: BATCH }, (_, i) =>
    newLogRecord({ level: i % 10 === 0 ? 'error' : 'info', message: `GET /api/orders/${i} 200 ${i % 97}ms user=${i % 13}`, source: '/var/log/app/access.log', timestamp: base + i, attributes: { status: 200, method: 'GET' }, tags: { host: 'web-01', path: '/var/log/app/access.log' } }, 'logs'),
  );
}

function perSecond(count, ns) {
  return Math.round(count / (Number(ns) / 1e9)).toLocaleString('en-US');
}

// Serialization alone: mapping items to the OTLP model and encoding the request.
{
  const resources = new ResourceCache({ 'service.name': 'vigil', 'host.name': 'bench' });
  const metricMapper = new MetricMapper(resources, { name: 'vigil', version: 'bench' });
  const logMapper = new LogMapper(resources, 'bench');
  const rounds = 20;
  const metricBatches = Array.from({ length: rounds }, (_, r) => metricsBatch(r));
  const logBatches = Array.from({ length: rounds }, (_, r) => logsBatch(r));
  for (const protocol of ['http/protobuf', 'http/json']) {
    let started = process.hrtime.bigint();
    let bytes = 0;
    for (const batch of metricBatches) bytes += metricsRequestBody(protocol, metricMapper.map(batch).resourceMetrics).length;
    const metricNs = process.hrtime.bigint() - started;
    started = process.hrtime.bigint();
    let logBytes = 0;
    for (const batch of logBatches) logBytes += logsRequestBody(protocol, logMapper.fromRecords(batch)).length;
    const logNs = process.hrtime.bigint() - started;
    console.log(
      `serialize ${protocol.padEnd(13)}: ${perSecond(rounds * BATCH * FIELDS_PER_METRIC, metricNs)} data points/s (${perSecond(rounds * BATCH, metricNs)} metrics/s, ${Math.round(bytes / rounds / 1024)} KiB per 1000), ` +
        `${perSecond(rounds * BATCH, logNs)} log records/s (${Math.round(logBytes / rounds / 1024)} KiB per 1000)`,
    );
  }
}

// Sent to local receivers: each write is one export request, awaited before the next.
const http = createServer((req, res) => req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end()));
await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
const httpEndpoint = `http://127.0.0.1:${http.address().port}`;

const grpc = new Server();
const pass = (b) => b;
for (const service of ['metrics.v1.MetricsService', 'logs.v1.LogsService']) {
  const method = { path: `/opentelemetry.proto.collector.${service}/Export`, requestStream: false, responseStream: false, requestSerialize: pass, requestDeserialize: pass, responseSerialize: pass, responseDeserialize: pass };
  grpc.addService({ Export: method }, { Export: (_call, callback) => callback(null, Buffer.alloc(0)) });
}
const grpcPort = await new Promise((resolve, reject) => grpc.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));

const cases = [
  ['http/protobuf', 'gzip'],
  ['http/protobuf', 'none'],
  ['http/json', 'gzip'],
  ['grpc', 'gzip'],
  ['grpc', 'none'],
];
for (const [protocol, compression] of cases) {
  const endpoint = protocol === 'grpc' ? `127.0.0.1:${grpcPort}` : httpEndpoint;
  const { plugin } = createOutput(otlpOutput, { endpoint, protocol, compression });
  const rounds = 20;
  const metricBatches = Array.from({ length: rounds }, (_, r) => metricsBatch(r));
  const logBatches = Array.from({ length: rounds }, (_, r) => logsBatch(r));
  await plugin.write(metricBatches[0], writeContext()); // connect, warm up
  let started = process.hrtime.bigint();
  for (const batch of metricBatches) {
    const result = await plugin.write(batch, writeContext());
    if (result.outcome !== 'written') throw new Error(`${protocol}: ${result.reason}`);
  }
  const metricNs = process.hrtime.bigint() - started;
  started = process.hrtime.bigint();
  for (const batch of logBatches) {
    const result = await plugin.write(batch, writeContext());
    if (result.outcome !== 'written') throw new Error(`${protocol}: ${result.reason}`);
  }
  const logNs = process.hrtime.bigint() - started;
  console.log(
    `send ${protocol.padEnd(13)} ${compression.padEnd(4)}: ${perSecond(rounds * BATCH, metricNs)} metrics/s (${perSecond(rounds * BATCH * FIELDS_PER_METRIC, metricNs)} data points/s), ${perSecond(rounds * BATCH, logNs)} log records/s, batches of ${BATCH}`,
  );
  await plugin.close();
}
http.close();
grpc.forceShutdown();
