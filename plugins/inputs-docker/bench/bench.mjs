// Gather time of inputs.docker over 50 running containers on a private engine (the tests'
// sandbox: no network, image from busybox-static). Needs root, dockerd and the built dist/.
import { createRecordingAccumulator, createTestContext } from '@vigil/core/testing';
import docker from '../dist/index.js';
import { startSandboxEngine, TEST_IMAGE } from '../test/sandbox-engine.mjs';

const CONTAINERS = 50;
const STEADY_GATHERS = 10;

async function gatherOnce(plugin) {
  const acc = createRecordingAccumulator();
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await plugin.gather(acc);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (acc.errors.length > 0) throw new Error(`gather failed: ${acc.errors.join('; ')}`);
  return { ms, cpuMs, metrics: acc.metrics.length };
}

const engine = await startSandboxEngine();
try {
  for (let i = 0; i < CONTAINERS; i += 10) {
    await Promise.all(Array.from({ length: Math.min(10, CONTAINERS - i) }, (_, j) => engine.run('--name', `bench-${i + j}`, TEST_IMAGE, 'sleep', '100000')));
  }
  const info = JSON.parse(await engine.docker('info', '--format', '{{json .}}'));
  const plugin = docker.create(createTestContext(docker, { endpoint: engine.endpoint }));

  const first = await gatherOnce(plugin);
  const steady = [];
  for (let i = 0; i < STEADY_GATHERS; i++) steady.push(await gatherOnce(plugin));

  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const times = steady.map((g) => g.ms).sort((a, b) => a - b);
  console.log(`inputs.docker: ${CONTAINERS} running containers, Docker ${info.ServerVersion} (${info.Driver}, cgroup v${info.CgroupVersion ?? '?'})`);
  console.log(`  first gather   ${first.ms.toFixed(0)} ms, ${first.cpuMs.toFixed(0)} ms of agent CPU  (${first.metrics} metrics; each new container waits two engine stats ticks)`);
  console.log(
    `  later gathers  ${median(steady.map((g) => g.ms)).toFixed(0)} ms median (${times[0].toFixed(0)}-${times[times.length - 1].toFixed(0)} over ${STEADY_GATHERS}), ` +
      `${median(steady.map((g) => g.cpuMs)).toFixed(0)} ms of agent CPU  (${steady[0].metrics} metrics; one engine stats tick)`,
  );
} finally {
  await engine.stop();
}
