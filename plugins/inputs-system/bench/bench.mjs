// Figures for inputs.system (run after building: `npx tsc -p tsconfig.build.json`):
//   1. gather time of all groups after warm-up, in this process (mean, p50, p99, max), the CPU
//      time it costs, and the time of each group alone;
//   2. the resident memory of an agent (`vigil run`) running this input alone.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRecordingAccumulator, createTestContext } from '@vigil/core/testing';
import system from '../dist/index.js';

const WARM_UP = 5;
const ROUNDS = 200;
/** Pause between gathers, so that cpu has ticks to report as it would every interval. */
const PAUSE_MS = 20;
const GROUPS = ['cpu', 'mem', 'swap', 'disk', 'diskio', 'net', 'netstat', 'system', 'processes', 'kernel'];

function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return `mean ${mean.toFixed(2)} ms, p50 ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms, max ${sorted.at(-1).toFixed(2)} ms`;
}

async function gatherTimes(options, rounds) {
  const plugin = system.create(createTestContext(system, options));
  const times = [];
  const cpuTimes = [];
  let metrics = 0;
  for (let i = 0; i < WARM_UP + rounds; i++) {
    const acc = createRecordingAccumulator();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await plugin.gather(acc);
    const elapsed = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    if (acc.errors.length > 0) throw new Error(`gather failed: ${acc.errors.join('; ')}`);
    if (i >= WARM_UP) {
      times.push(elapsed);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
    }
    metrics = acc.metrics.length;
    await sleep(PAUSE_MS);
  }
  return { times, cpuTimes, metrics };
}

/** VmRSS of a process, in MiB. */
function rssMiB(pid) {
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  return kb / 1024;
}

/** Runs `vigil run` with one [[inputs.system]] block (plus `options`) for 15 s, sampling its RSS. */
async function agentRss(options = '') {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-system-bench-'));
  const config = join(dir, 'vigil.toml');
  writeFileSync(config, `[agent]\n  interval = "1s"\n  flush_interval = "1s"\n\n[[inputs.system]]\n${options}\n[[outputs.file]]\n  files = ["${join(dir, 'out.lp')}"]\n`);
  const cli = new URL('../../../packages/cli/dist/main.js', import.meta.url).pathname;
  const agent = spawn(process.execPath, [cli, 'run', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  agent.stderr.on('data', (d) => (stderr += d));
  try {
    const samples = [];
    for (let s = 0; s < 15; s++) {
      await sleep(1000);
      if (agent.exitCode !== null) throw new Error(`agent exited: ${stderr}`);
      samples.push(rssMiB(agent.pid));
    }
    const written = readFileSync(join(dir, 'out.lp'), 'utf8').split('\n').filter(Boolean).length;
    return { after5s: samples[4], after15s: samples.at(-1), max: Math.max(...samples), written };
  } finally {
    agent.kill('SIGTERM');
    await new Promise((resolve) => agent.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the figures depend on: the machine's load, and how much there is to count. */
function context() {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const processes = readdirSync('/proc').filter((e) => /^\d+$/.test(e)).length;
  const sockets = ['tcp', 'tcp6'].map((t) => readFileSync(`/proc/net/${t}`, 'utf8').trim().split('\n').length - 1).reduce((a, b) => a + b);
  return `${cpus().length} CPUs, load ${load}, ${processes} processes, ${sockets} TCP sockets`;
}

console.log(`machine: ${context()}`);
const all = await gatherTimes({}, ROUNDS);
console.log(`inputs.system gather, all groups (${all.metrics} metrics), ${ROUNDS} gathers after ${WARM_UP} warm-up: ${summary(all.times)}`);
console.log(`  CPU time per gather (user + system, all threads): ${summary(all.cpuTimes)}`);
const withHostInfo = await gatherTimes({ host_info: true }, 50);
console.log(`inputs.system gather, all groups + host_info, 50 gathers: ${summary(withHostInfo.times)}`);
for (const group of GROUPS) {
  const { times } = await gatherTimes({ collect: [group] }, 50);
  console.log(`  ${group.padEnd(10)} ${summary(times)}`);
}
const rss = await agentRss();
console.log(`agent RSS running inputs.system alone (all groups, interval 1s, to outputs.file): ${rss.after5s.toFixed(1)} MiB after 5 s, ${rss.after15s.toFixed(1)} MiB after 15 s (max ${rss.max.toFixed(1)} MiB; ${rss.written} lines written)`);
const idle = await agentRss('  collect = ["mem"]\n');
console.log(`agent RSS with inputs.system collecting only mem (the agent's own baseline): ${idle.after15s.toFixed(1)} MiB after 15 s (max ${idle.max.toFixed(1)} MiB)`);
console.log(`machine after: ${context()}`);
