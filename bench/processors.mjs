// Processor throughput on one core: log records of about 100 bytes through processors.redact
// with every named pattern on (one line in eight carries something to mask), and through
// processors.filter with a CEL condition.
import { newLogRecord } from '@vigil/core';
import { createTestContext } from '@vigil/core/testing';
import filter from '@vigil/processors-filter';
import redact from '@vigil/processors-redact';
import { NAMED_PATTERN_NAMES } from '../plugins/processors-redact/dist/named-patterns.js';
import { namedEntries, Redactor } from '../plugins/processors-redact/dist/redactor.js';
import { worstCases } from '../plugins/processors-redact/dist/worst-cases.js';

const N = 1_000_000;
const LINES = [
  'GET /api/v1/orders/8812 HTTP/1.1 200 1532 "-" "Mozilla/5.0 (X11; Linux x86_64)" rt=0.012 upstream=ok',
  'worker 7 finished batch 41236 in 18 ms; queue depth 12, retries 0, next poll in 250 ms, state=idle',
  'cache miss for key user:profile:88123, loading from primary, took 3 ms, ttl set to 300 seconds ok',
  'connection from 10.20.30.40 port 51522 accepted; tls=1.3 cipher=TLS_AES_128_GCM_SHA256 sni=api.ex',
  'scheduler tick 99812: 14 jobs due, 13 started, 1 deferred (lock held by node-3), drift 2 ms, ok ok',
  'user alice.smith@example.com signed in from web, session 5f2a9c started, mfa=totp, remember=false',
  'payment accepted card 4111 1111 1111 1111 amount 42.50 EUR order 77812 merchant 1203 status done',
  'config reloaded: 42 rules, 7 routes, 3 upstreams healthy, 0 unhealthy, took 11 ms, version 2026.1',
];

// A pool of records the processor works on in turn, their message set afresh each time: the
// figure is the processor's cost, not that of making and collecting a million objects.
const POOL = 10_000;
function records() {
  const now = Date.now();
  return Array.from({ length: POOL }, () => newLogRecord({ level: 'info', message: '', source: '/var/log/app.log', timestamp: now }, 'logs'));
}

function measure(name, definition, options, pool) {
  const plugin = definition.create(createTestContext(definition, options));
  const run = (n) => {
    for (let i = 0; i < n; i++) {
      const record = pool[i % POOL];
      record.message = LINES[i % LINES.length];
      plugin.process(record);
    }
  };
  run(50_000);
  // CPU time, not wall time: the figure is per core even on a busy machine.
  const start = process.cpuUsage();
  run(N);
  const used = process.cpuUsage(start);
  const seconds = (used.user + used.system) / 1e6;
  const bytes = LINES.reduce((n, l) => n + l.length, 0) / LINES.length;
  console.log(`${name}: ${Math.round(N / seconds).toLocaleString('en-US')} log records per CPU-second (${Math.round(bytes)}-byte messages, ${N.toLocaleString('en-US')} records)`);
}

measure('processors.redact, all named patterns, message only', redact, { fields: ['message'] }, records());
measure('processors.redact, all named patterns, every place', redact, {}, records());
measure('processors.redact, all named patterns, keyed hash', redact, { fields: ['message'], hash: true, hash_key: 'bench-key' }, records());
// The slowest of the lines made to be slow for a pattern (plugins/processors-redact/src/worst-cases.ts),
// 100 KB long, through all named patterns: what one hostile log line costs.
function worstCase() {
  const redactor = new Redactor(namedEntries(NAMED_PATTERN_NAMES), { replacement: '[REDACTED:{name}]' });
  let worst = { ms: 0, label: '' };
  for (const [name, lines] of Object.entries(worstCases(100_000))) {
    for (const [label, line] of Object.entries(lines)) {
      const start = process.cpuUsage();
      redactor.redact(line);
      const used = process.cpuUsage(start);
      const ms = (used.user + used.system) / 1000;
      if (ms > worst.ms) worst = { ms, label: `${name} "${label}"` };
    }
  }
  console.log(`processors.redact, slowest 100 KB worst-case line: ${worst.ms.toFixed(1)} CPU-ms (${worst.label})`);
}

worstCase();
measure('processors.filter, drop = \'kind == "log" && level == "debug"\'', filter, { drop: 'kind == "log" && level == "debug"' }, records());
