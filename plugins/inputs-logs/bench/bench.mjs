// Tails a 1 GB file of mixed-format log lines into a null sink through the built plugin, and
// reads the same file with a bare Node loop (read, split lines, one timestamp/level regex per
// line) for comparison. Usage: node bench/bench.mjs [megabytes=1024]
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestContext } from '@vigil/core/testing';
import logs from '../dist/index.js';

const megabytes = Number(process.argv[2] ?? 1024);
const RUNS = 2;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];

/** Seven formats in turn: ISO + level, Python logging, syslog with priority, common log, JSON, logfmt, BSD syslog. */
function line(n, t) {
  const d = new Date(t);
  const iso = d.toISOString();
  const level = LEVELS[n % 6];
  const day = String(d.getUTCDate()).padStart(2, '0');
  const clock = iso.slice(11, 19);
  switch (n % 7) {
    case 0: return `${iso} ${level} [worker-${n % 8}] request ${n} handled in ${n % 500} ms`;
    case 1: return `${iso.slice(0, 10)} ${clock},${iso.slice(20, 23)} - app.db - ${level === 'WARN' ? 'WARNING' : level} - query ${n} took ${n % 900} ms`;
    case 2: return `<${8 + (n % 8)}>${MONTHS[d.getUTCMonth()]} ${day} ${clock} web-1 sshd[${n % 30000}]: session ${n} opened for user deploy`;
    case 3: return `10.0.${n % 256}.${n % 200} - - [${day}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${clock} +0000] "GET /api/items/${n} HTTP/1.1" ${n % 13 === 0 ? 503 : 200} ${n % 5000}`;
    case 4: return `{"time":"${iso}","level":"${level.toLowerCase()}","msg":"job ${n} finished","job_id":${n},"duration_ms":${n % 1000}}`;
    case 5: return `time=${iso} level=${level.toLowerCase()} msg="cache lookup ${n}" key=user:${n % 1000} hit=${n % 2 === 0}`;
    default: return `${MONTHS[d.getUTCMonth()]} ${day} ${clock} web-1 cron[${n % 999}]: (root) CMD (run-parts /etc/cron.hourly) ${n}`;
  }
}

function generate(path, bytes) {
  const fd = openSync(path, 'w');
  let written = 0;
  let n = 0;
  const t0 = Date.UTC(2026, 10, 23, 7, 0, 0);
  while (written < bytes) {
    const lines = [];
    for (let i = 0; i < 10_000; i++, n++) lines.push(line(n, t0 + n));
    written += writeSync(fd, lines.join('\n') + '\n');
  }
  closeSync(fd);
  return { lines: n, bytes: written };
}

const BARE_PATTERN = /^(?:<\d+>)?(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\S+ \S+ \S+ \[[^\]]+\]|\{"time":"[^"]+"|time=\S+).*?\b(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|trace|debug|info|warn|error|fatal)\b/;

function bareLoop(path) {
  const started = process.hrtime.bigint();
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  let matched = 0;
  let position = 0;
  let carry = '';
  for (;;) {
    const n = readSync(fd, buffer, 0, buffer.length, position);
    if (n === 0) break;
    position += n;
    const text = carry + buffer.toString('utf8', 0, n);
    let start = 0;
    let newline;
    while ((newline = text.indexOf('\n', start)) !== -1) {
      if (BARE_PATTERN.exec(text.slice(start, newline))) matched++;
      lines++;
      start = newline + 1;
    }
    carry = text.slice(start);
  }
  closeSync(fd);
  return { lines, matched, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function throughPlugin(path, expected) {
  let records = 0;
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  const count = () => {
    if (++records === expected) done();
  };
  // Every batch is a delivery group, settled as delivered as soon as it is closed.
  const nullSink = {
    addLog: count,
    trackDelivery: (onSettled) => ({ addLog: count, addMetric() {}, close: () => onSettled(true) }),
    addFields() {}, addGauge() {}, addCounter() {}, addMetric() {}, addError() {},
    waitForRoom: () => Promise.resolve(),
    signal: new AbortController().signal,
  };
  const ctx = createTestContext(logs, { files: [path], initial_read_offset: 'beginning', batch_size: 1000 });
  const plugin = logs.create(ctx);
  const started = process.hrtime.bigint();
  await plugin.start(nullSink);
  await finished;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await plugin.stop();
  return { lines: records, seconds };
}

function row(name, lines, bytes, seconds) {
  const perSecond = (lines / seconds).toLocaleString('en-US', { maximumFractionDigits: 0 });
  return `${name.padEnd(28)} ${perSecond.padStart(12)} lines/s ${(bytes / seconds / 1e6).toFixed(1).padStart(8)} MB/s`;
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-logs-bench-'));
try {
  const path = join(dir, 'mixed.log');
  const file = generate(path, megabytes * 1024 * 1024);
  console.log(`inputs.logs bench: ${file.lines.toLocaleString('en-US')} lines, ${(file.bytes / 1e6).toFixed(0)} MB, 7 formats (node ${process.version})`);
  let bare = Infinity;
  let plugin = Infinity;
  for (let run = 0; run < RUNS; run++) {
    const b = bareLoop(path);
    if (b.lines !== file.lines) throw new Error(`bare loop saw ${b.lines} lines, expected ${file.lines}`);
    bare = Math.min(bare, b.seconds);
    const p = await throughPlugin(path, file.lines);
    plugin = Math.min(plugin, p.seconds);
  }
  console.log(row('bare loop (read+split+regex)', file.lines, file.bytes, bare));
  console.log(row('inputs.logs → null sink', file.lines, file.bytes, plugin));
  console.log(`inputs.logs runs at ${((bare / plugin) * 100).toFixed(0)}% of the bare loop (best of ${RUNS} runs each)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
