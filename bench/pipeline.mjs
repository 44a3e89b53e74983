// Pipeline and serialization throughput on one core (Node runs the pipeline on one thread).
// The input makes its metrics as a real one would, in chunks, yielding between them so the
// outputs' batch writes interleave with gathering, as they do in a running agent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { defineInput, defineOutput, newMetric, toLineProtocol } from '@vigil/core';
import { Agent, createEnvironment, loadConfig, Registry } from '@vigil/core/runtime';
import override from '@vigil/processors-override';

const N = 2_000_000;
const CHUNK = 1000;
const HOSTS = ['web-01', 'web-02', 'db-01', 'cache-01'];
const CPUS = Array.from({ length: 8 }, (_, i) => `cpu${i}`);

function metricNo(i, now) {
  return newMetric(i % 3 === 0 ? 'mem' : 'cpu', { usage_idle: 97.5 + (i % 7), usage_user: 1.25, count: i }, { cpu: CPUS[i % 8], host: HOSTS[i % 4] }, now);
}

const benchInput = defineInput({
  name: 'bench', description: 'makes N metrics', sample: '', schema: { type: 'object', properties: { n: { type: 'integer' } } },
  create: ({ options }) => ({
    async gather(acc) {
      const now = Date.now();
      for (let i = 0; i < options.n; i += CHUNK) {
        for (let j = i; j < i + CHUNK; j++) acc.addMetric(metricNo(j, now));
        await yieldToLoop();
      }
    },
  }),
});
const nullOutput = defineOutput({
  name: 'null', description: 'discards', sample: '', accepts: ['metric'], schema: { type: 'object', properties: {} },
  create: () => ({ write() {} }),
});

const registry = new Registry();
registry.add(benchInput, 'bench');
registry.add(nullOutput, 'bench');
registry.add(override, '@vigil/processors-override');
const toml = (n, buffer) => `
[agent]
  metric_batch_size = 1000
  metric_buffer_limit = ${buffer ? 10_000_000 : 10000}
${buffer ? `  buffer_strategy = "disk"\n  buffer_directory = "${buffer}"\n  buffer_max_size = "8GiB"` : ''}
[global_tags]
  dc = "eu"
[[inputs.bench]]
  n = ${n}
  interval = "1h"
[[processors.override]]
  namepass = ["cpu"]
  name_prefix = "host_"
[[processors.override]]
  [processors.override.tags]
    team = "ops"
[[outputs.null]]
[[outputs.null]]
  tagdrop = { host = ["db-*"] }
`;

async function pipelineRun(n, buffer) {
  const config = await loadConfig([{ label: 'bench', display: 'bench', dir: process.cwd(), text: toml(n, buffer), secrets: [] }], registry);
  const env = createEnvironment({ ...config.agent, quiet: true });
  const agent = new Agent(config, env);
  await agent.start({ schedule: false });
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await agent.gatherOnce();
  await agent.stop();
  const cpu = process.cpuUsage(cpu0);
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, cpuSeconds: (cpu.user + cpu.system) / 1e6, stats: env.stats.snapshot().agent };
}

await pipelineRun(200_000); // warm-up
const { seconds, cpuSeconds, stats } = await pipelineRun(N);
const fmt = (x) => x.toLocaleString('en');
console.log(`pipeline: ${fmt(N)} metrics made by an input, through 2 processors with selectors, fanned out to 2 null outputs: ${seconds.toFixed(2)} s`);
console.log(`  ${(N / seconds / 1e6).toFixed(2)} million metrics/s wall clock, ${(N / cpuSeconds / 1e6).toFixed(2)} million per CPU-second  (written ${fmt(stats.metrics_written)}, filtered ${fmt(stats.metrics_filtered)}, dropped ${fmt(stats.metrics_dropped)})`);

// The same run with both outputs on disk buffers: every item is framed, checksummed, appended
// (group-committed), read back and acknowledged.
const DISK_N = 1_000_000;
const bufferDir = mkdtempSync(join(tmpdir(), 'vigil-bench-buffer-'));
await pipelineRun(100_000, bufferDir);
const disk = await pipelineRun(DISK_N, bufferDir);
rmSync(bufferDir, { recursive: true, force: true });
console.log(`pipeline through disk buffers: ${fmt(DISK_N)} metrics, same pipeline, both outputs with buffer_strategy = "disk": ${disk.seconds.toFixed(2)} s`);
console.log(`  ${(DISK_N / disk.seconds / 1e6).toFixed(2)} million metrics/s wall clock, ${(DISK_N / disk.cpuSeconds / 1e6).toFixed(2)} million per CPU-second  (written ${fmt(disk.stats.metrics_written)}, dropped ${fmt(disk.stats.metrics_dropped)})`);

const sample = Array.from({ length: 10_000 }, (_, i) => metricNo(i, Date.now()));
const ROUNDS = 200;
for (const m of sample) toLineProtocol(m);
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
let bytes = 0;
for (let r = 0; r < ROUNDS; r++) for (const m of sample) bytes += toLineProtocol(m).length;
const s = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage(cpu0);
const serialized = sample.length * ROUNDS;
console.log(
  `line protocol: ${(serialized / s / 1e6).toFixed(2)} million metrics/s wall clock, ` +
    `${(serialized / ((cpu.user + cpu.system) / 1e6) / 1e6).toFixed(2)} million per CPU-second (${(bytes / s / 1e6).toFixed(0)} MB/s)`,
);
console.log(`rss: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
