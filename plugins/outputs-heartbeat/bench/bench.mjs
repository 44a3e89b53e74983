// Figures for outputs.heartbeat: the cost of one heartbeat (status conditions, log selection,
// message, HTTP POST to a local receiver) and of its parts. Run after `npm run build`.
import { createServer } from 'node:http';
import { createOutput } from '@vigil/core/testing';
import heartbeatOutput from '../dist/index.js';
import { selectLogEntries } from '../dist/log-selection.js';
import { StatusRulesEngine } from '../dist/status.js';

function time(label, runs, fn) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) fn(i);
  const perRun = Number(process.hrtime.bigint() - started) / runs;
  console.log(`${label}: ${(perRun / 1000).toFixed(1)} µs per run (${runs} runs)`);
}

async function timeAsync(label, runs, fn) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await fn(i);
  const perRun = Number(process.hrtime.bigint() - started) / runs;
  console.log(`${label}: ${(perRun / 1e6).toFixed(2)} ms per run (${runs} runs)`);
}

const LEVELS = ['debug', 'info', 'warn', 'error'];
const entries = Array.from({ length: 1000 }, (_, i) => ({ seq: i + 1, timestamp: Date.now() + i, level: LEVELS[i % 4], message: `entry ${i}`, source: 'agent' }));
time('log selection, 1000 entries, limit 5', 2000, () => selectLogEntries(entries, 'warning', 5));

const outputs = Object.fromEntries(
  Array.from({ length: 10 }, (_, i) => [`out${i}`, [{ alias: '', metrics_added: 0, metrics_written: 0, metrics_rejected: 0, metrics_dropped: 0, metrics_filtered: 0, buffer_size: i * 100, buffer_limit: 10000, buffer_fullness: i / 100, errors: 0, retries: 0, write_time_ns: 0, startup_errors: 0 }]]),
);
const snapshot = {
  agent: { metrics_gathered: 1, metrics_written: 1, metrics_rejected: 0, metrics_dropped: 0, metrics_filtered: 0, gather_errors: 0, gather_timeouts: 0, log_errors: 0, log_warnings: 0 },
  inputs: {},
  outputs,
  logs: {},
  started_at: 0,
};
const rules = new StatusRulesEngine({
  conditions: { ok: '', warn: 'log_errors > 0', fail: 'outputs.exists(k, outputs[k].exists(o, o.buffer_fullness > 0.8))' },
  order: ['ok', 'warn', 'fail'],
  fallback: 'OK',
  option: 'status_conditions',
});
time('status conditions (3, over 10 outputs)', 5000, () => rules.decide({ metrics: 10, logErrors: 0, logWarnings: 0, lastUpdate: Date.now(), snapshot }, true));

const server = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/heartbeat`;
const { plugin, ctx } = createOutput(heartbeatOutput, { urls: [url], agent_id: 'bench', send_logs: true, interval: '1h', status_conditions: { warn: 'log_errors > 0' } });
for (let i = 0; i < 1000; i++) ctx.ring.push({ timestamp: Date.now(), level: LEVELS[i % 4], message: `entry ${i}`, source: 'agent' });
await timeAsync('heartbeat to a local receiver (compose + POST)', 300, async (i) => {
  ctx.ring.push({ timestamp: Date.now(), level: 'error', message: `new ${i}`, source: 'agent' });
  await plugin.beat();
});
for (let i = 0; i < 10; i++) ctx.ring.push({ timestamp: Date.now(), level: 'error', message: `input failed to gather, attempt ${i}`, source: 'inputs.http' });
const preview = await plugin.preview();
console.log(`message size with 5 log entries: ${JSON.stringify(preview[0]).length} bytes`);
await plugin.close();
server.close();
