// Disk buffer throughput on one core: items appended (encoded, checksummed, group-committed),
// the buffer closed and opened again (every record verified), then replayed as an output
// catching up after an outage would: read back, verified, decoded, acknowledged batch by batch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { DiskBuffer } from '../packages/core/dist/buffers/disk/index.js';

const N = 1_000_000;
const CHUNK = 1000;
const BATCH = 1000; // metric_batch_size's default
const HOSTS = ['web-01', 'web-02', 'db-01', 'cache-01'];
const REGIONS = ['eu-west-1', 'us-east-1'];

/** ~10 fields of each kind and 4 tags, as a system input makes them. */
function metricNo(i, now) {
  return {
    kind: 'metric',
    name: i % 3 === 0 ? 'mem' : 'cpu',
    tags: { host: HOSTS[i % 4], cpu: `cpu${i % 8}`, region: REGIONS[i % 2], env: 'prod' },
    fields: {
      usage_idle: 97.5 + (i % 7), usage_user: 1.25, usage_system: 0.75, usage_iowait: 0.01, usage_irq: 0,
      usage_steal: 0.02, context_switches: BigInt(i) * 1000n, processes: BigInt(i % 300), online: true, state: 'ok',
    },
    timestamp: now + i,
    type: 'gauge',
  };
}

async function run(syncIntervalMs) {
  const directory = mkdtempSync(join(tmpdir(), 'vigil-bench-buffer-'));
  const dropped = { n: 0 };
  const options = {
    directory, limit: N * 2, maxBytes: 4 * 1024 ** 3, whenFull: 'drop_newest', syncIntervalMs,
    log: pino({ level: 'warn' }), events: { dropped: (n) => (dropped.n += n) },
  };
  let buffer = await DiskBuffer.open(options);
  const now = Date.now();
  const sample = Array.from({ length: 10_000 }, (_, i) => metricNo(i, now));
  let stored = 0;
  const receipt = { settle: () => stored++ };
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < N; i += CHUNK) {
    for (let j = i; j < i + CHUNK; j++) buffer.add(sample[j % sample.length], receipt);
    await new Promise(setImmediate);
  }
  while (stored < N) await new Promise(setImmediate);
  const appendSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const appendCpu = cpuSeconds(process.cpuUsage(cpu0));
  const bytes = buffer.bytes;
  await buffer.close();
  const t2 = process.hrtime.bigint();
  buffer = await DiskBuffer.open(options);
  const openSeconds = Number(process.hrtime.bigint() - t2) / 1e9;
  const t1 = process.hrtime.bigint();
  const cpu1 = process.cpuUsage();
  let replayed = 0;
  for (let batch = await buffer.nextBatch(BATCH); batch; batch = await buffer.nextBatch(BATCH)) {
    replayed += batch.items.length;
    await buffer.remove(batch);
  }
  const replaySeconds = Number(process.hrtime.bigint() - t1) / 1e9;
  const replayCpu = cpuSeconds(process.cpuUsage(cpu1));
  await buffer.close();
  rmSync(directory, { recursive: true, force: true });
  if (replayed !== N || dropped.n !== 0) throw new Error(`replayed ${replayed} of ${N}, ${dropped.n} dropped`);
  return { appendSeconds, appendCpu, openSeconds, replaySeconds, replayCpu, bytes };
}

const cpuSeconds = ({ user, system }) => (user + system) / 1e6;

const fmt = (x) => Math.round(x).toLocaleString('en');
await run(1000); // warm-up
for (const syncIntervalMs of [1000, 0]) {
  const { appendSeconds, appendCpu, openSeconds, replaySeconds, replayCpu, bytes } = await run(syncIntervalMs);
  console.log(
    `disk buffer (buffer_sync_interval ${syncIntervalMs === 0 ? '0: fsync every commit' : `${syncIntervalMs} ms`}), ${fmt(N)} metrics of 10 fields and 4 tags, ${(bytes / N).toFixed(0)} bytes each:`,
  );
  console.log(`  append: ${fmt(N / appendSeconds)} metrics/s wall clock (${fmt(N / appendCpu)} per CPU-second), ${(bytes / appendSeconds / 1e6).toFixed(0)} MB/s`);
  console.log(`  open (verifies every record): ${fmt(N / openSeconds)} records/s`);
  console.log(
    `  replay (read, verify, decode, acknowledge in batches of ${BATCH}): ${fmt(N / replaySeconds)} metrics/s wall clock (${fmt(N / replayCpu)} per CPU-second), ${(bytes / replaySeconds / 1e6).toFixed(0)} MB/s`,
  );
}
// An output that keeps up: each flush takes the 10,000 items stored since the last one
// (metric_buffer_limit's default), served from the items kept in memory, not read back.
async function keepingUp() {
  const directory = mkdtempSync(join(tmpdir(), 'vigil-bench-buffer-'));
  const buffer = await DiskBuffer.open({
    directory, limit: N * 2, maxBytes: 4 * 1024 ** 3, whenFull: 'drop_newest', syncIntervalMs: 1000,
    log: pino({ level: 'warn' }), events: { dropped() {} },
  });
  const now = Date.now();
  const sample = Array.from({ length: 10_000 }, (_, i) => metricNo(i, now));
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let round = 0; round < N / 10_000; round++) {
    for (const item of sample) buffer.add(item);
    for (let batch = await buffer.nextBatch(BATCH); batch; batch = await buffer.nextBatch(BATCH)) await buffer.remove(batch);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds(process.cpuUsage(cpu0));
  await buffer.close();
  rmSync(directory, { recursive: true, force: true });
  console.log(`disk buffer with an output that keeps up (append, then batches of ${BATCH} from memory, acknowledged): ${fmt(N / seconds)} metrics/s wall clock (${fmt(N / cpu)} per CPU-second)`);
}
await keepingUp();
console.log(`rss: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
