// Figures for outputs.nats: messages and items per second to a local nats-server (started here,
// on a free loopback port), on core NATS and into a JetStream stream, one message per item and
// one per batch. Each write is awaited before the next, as the agent does. Run after `npm run build`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { newLogRecord, newMetric } from '@vigil/core';
import { createOutput, writeContext } from '@vigil/core/testing';
import natsOutput from '../dist/index.js';

if (spawnSync('nats-server', ['--version']).error) {
  console.log('nats-server is not installed: skipped (apt-get install nats-server)');
  process.exit(0);
}

const BATCH = 1000;
const ROUNDS = 20;

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'vigil-nats-bench-'));
const server = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' });
const url = `nats://127.0.0.1:${port}`;
for (let tries = 0; ; tries++) {
  try {
    await (await connect({ servers: url, timeout: 1000 })).close();
    break;
  } catch (err) {
    if (tries > 500) throw err;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function metricsBatch(round) {
  const base = 1763881200000 + round * 10_000;
  return Array.from({ length: BATCH }, (_, i) =>
    newMetric('cpu', { usage_user: Math.random() * 100, usage_system: Math.random() * 10, usage_idle: 90.5 }, { cpu: `cpu${i % 64}`, host: `web-${i % 8}` }, base + i),
  );
}

function logsBatch(round) {
  const base = 1763881200000 + round * 10_000;
  return Array.from({ length: BATCH }, (_, i) =>
    newLogRecord({ level: 'info', message: `GET /api/orders/${i} 200 ${i % 97}ms`, source: '/var/log/app/access.log', timestamp: base + i, tags: { host: 'web-01' } }, 'logs'),
  );
}

const perSecond = (count, ns) => Math.round(count / (Number(ns) / 1e9)).toLocaleString('en-US');

const cases = [
  ['core NATS', {}],
  ['core NATS, templated subject', { subject: 'telegraf.{{ .Tag "host" }}.{{ .Name }}' }],
  ['core NATS, use_batch_format', { use_batch_format: true }],
  ['JetStream, in turn', { jetstream: { name: 'BENCH_SYNC' } }],
  ['JetStream, async_publish', { jetstream: { name: 'BENCH_ASYNC', async_publish: true } }],
  ['JetStream, use_batch_format', { use_batch_format: true, jetstream: { name: 'BENCH_BATCH' } }],
];

let stream = 0;
try {
  for (const [label, options] of cases) {
    const subject = options.subject ?? `bench.${++stream}`;
    const { plugin } = createOutput(natsOutput, { servers: [url], ...options, subject });
    await plugin.connect();
    for (const [kind, make] of [
      ['metrics', metricsBatch],
      ['logs', logsBatch],
    ]) {
      const batches = Array.from({ length: ROUNDS }, (_, r) => make(r));
      await plugin.write(make(ROUNDS), writeContext({ itemIds: batches[0].map((_, i) => `warm-${kind}-${i}`) })); // warm up
      const started = process.hrtime.bigint();
      for (const [r, batch] of batches.entries()) {
        const result = await plugin.write(batch, writeContext({ itemIds: batch.map((_, i) => `${kind}-${r}-${i}`) }));
        if (result.outcome !== 'written') throw new Error(`${label}: ${result.reason}`);
      }
      const ns = process.hrtime.bigint() - started;
      const messages = options.use_batch_format ? ROUNDS : ROUNDS * BATCH;
      console.log(`${label.padEnd(30)} ${kind.padEnd(7)}: ${perSecond(messages, ns).padStart(9)} messages/s, ${perSecond(ROUNDS * BATCH, ns).padStart(9)} items/s (batches of ${BATCH})`);
    }
    await plugin.close();
  }
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}
