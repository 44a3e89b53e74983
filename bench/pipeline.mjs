// Pipeline and serialization throughput on one core (Node runs the pipeline on one thread).
import { defineInput, defineOutput, newMetric, toLineProtocol } from '@vigil/core';
import { Agent, createEnvironment, loadConfig, Registry } from '@vigil/core/runtime';
import override from '@vigil/processors-override';

const N = 1_000_000;
const HOSTS = ['web-01', 'web-02', 'db-01', 'cache-01'];

function makeMetrics() {
  const now = Date.now();
  return Array.from({ length: N }, (_, i) =>
    newMetric(i % 3 === 0 ? 'mem' : 'cpu', { usage_idle: 97.5 + (i % 7), usage_user: 1.25, count: BigInt(i) }, { cpu: `cpu${i % 8}`, host: HOSTS[i % 4] }, now + i),
  );
}

let written = 0;
const benchInput = defineInput({
  name: 'bench', description: 'replays prepared metrics', sample: '', schema: { type: 'object', properties: {} },
  create: () => ({ gather(acc) { for (const m of prepared) acc.addMetric(m); } }),
});
const nullOutput = defineOutput({
  name: 'null', description: 'discards', sample: '', accepts: ['metric'], schema: { type: 'object', properties: {} },
  create: () => ({ write(batch) { written += batch.length; } }),
});

let prepared = makeMetrics();
const registry = new Registry();
registry.add(benchInput, 'bench');
registry.add(nullOutput, 'bench');
registry.add(override, '@vigil/processors-override');
const toml = `
[agent]
  metric_batch_size = 5000
  metric_buffer_limit = ${N}
  shutdown_timeout = "60s"
[global_tags]
  dc = "eu"
[[inputs.bench]]
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

async function pipelineRun() {
  const config = await loadConfig([{ label: 'bench', display: 'bench', dir: process.cwd(), text: toml, secrets: [] }], registry);
  const env = createEnvironment({ ...config.agent, quiet: true }, []);
  const agent = new Agent(config, env);
  await agent.start({ schedule: false });
  written = 0;
  const t0 = process.hrtime.bigint();
  await agent.gatherOnce();
  await agent.stop();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const stats = env.stats.snapshot().agent;
  return { seconds, stats };
}

// Warm up, then measure.
prepared = makeMetrics().slice(0, 100_000);
await pipelineRun();
prepared = makeMetrics();
const { seconds, stats } = await pipelineRun();
console.log(`pipeline: ${N.toLocaleString('en')} metrics through 2 processors (selectors, statistics) fanned out to 2 null outputs in ${seconds.toFixed(2)} s`);
console.log(`  ${(N / seconds / 1e6).toFixed(2)} million metrics/s  (written ${stats.metrics_written.toLocaleString('en')}, filtered ${stats.metrics_filtered.toLocaleString('en')}, dropped ${stats.metrics_dropped})`);

const metrics = makeMetrics();
for (let i = 0; i < 100_000; i++) toLineProtocol(metrics[i]);
const t0 = process.hrtime.bigint();
let bytes = 0;
for (const m of metrics) bytes += toLineProtocol(m).length;
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`line protocol: ${(N / s / 1e6).toFixed(2)} million metrics/s serialized (${(bytes / s / 1e6).toFixed(0)} MB/s)`);
console.log(`rss after: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
