// End to end through the real CLI: inputs.logs reads a file of one million ~100-byte lines from
// its beginning and outputs.file writes them as JSON lines, then as line protocol. Beside it, a
// bare Node loop doing the least the same job needs (read, split, one regex, JSON.stringify,
// write). Prints lines/s and the agent's peak RSS (VmHWM): the fastest of `runs` runs each (the
// machine is shared, and a run slowed by a neighbour says nothing about the agent), and the
// highest peak RSS of them. Usage: node bench/logs-to-file.mjs [lines] [runs]
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LINES = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 3);
const CLI = fileURLToPath(new URL('../packages/cli/dist/main.js', import.meta.url));
const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];
const dir = mkdtempSync(join(tmpdir(), 'vigil-logs-bench-'));

/** Line n: an ISO time, a level and text, about 100 bytes; the last one is recognisable in the output. */
function line(n, t) {
  return `${new Date(t).toISOString()} ${LEVELS[n % 6]} [worker-${n % 8}] request ${String(n).padStart(7, '0')} GET /api/items handled for user-${n % 977} in ${n % 500} ms`;
}

function generate(path) {
  const fd = openSync(path, 'w');
  const t0 = Date.UTC(2026, 10, 23, 7, 0, 0);
  for (let n = 0; n < LINES; n += 10_000) {
    const chunk = [];
    for (let i = n; i < Math.min(n + 10_000, LINES); i++) chunk.push(line(i, t0 + i));
    writeSync(fd, chunk.join('\n') + '\n');
  }
  closeSync(fd);
}

/** Resolves when the output file's tail holds `marker`: polled by size, only the last bytes read. */
function waitForTail(path, marker, child) {
  return new Promise((resolve, reject) => {
    let lastSize = -1;
    const timer = setInterval(() => {
      let size = 0;
      try {
        size = statSync(path).size;
      } catch {
        return;
      }
      if (size === lastSize) return;
      lastSize = size;
      const fd = openSync(path, 'r');
      const tail = Buffer.alloc(Math.min(size, 4096));
      readSync(fd, tail, 0, tail.length, size - tail.length);
      closeSync(fd);
      if (tail.includes(marker)) {
        clearInterval(timer);
        resolve(performance.now());
      }
    }, 5);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`vigil exited (${code}) before writing every line`));
    });
  });
}

function peakRss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

async function throughCli(input, format) {
  const out = join(dir, `out.${format}`);
  rmSync(out, { force: true });
  const config = join(dir, `${format}.toml`);
  writeFileSync(
    config,
    `[agent]\n  interval = "10s"\n  flush_interval = "1s"\n` +
      `[[inputs.logs]]\n  files = ["${input}"]\n  initial_read_offset = "beginning"\n` +
      `[[outputs.file]]\n  files = ["${out}"]\n  data_format = "${format}"\n`,
  );
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'run', '--config', config], { stdio: ['ignore', 'ignore', 'ignore'] });
  const firstOutput = new Promise((resolve) => {
    const timer = setInterval(() => {
      try {
        if (statSync(out).size > 0) {
          clearInterval(timer);
          resolve(performance.now());
        }
      } catch {}
    }, 5);
  });
  const marker = `request ${String(LINES - 1).padStart(7, '0')}`;
  const ended = await waitForTail(out, marker, child);
  const first = await firstOutput;
  const rss = peakRss(child.pid);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return { total: LINES / ((ended - started) / 1000), steady: LINES / ((ended - first) / 1000), rss, startup: first - started };
}

/** The least a program doing the same job does: read, split, one regex, JSON.stringify, one write per chunk. */
function bareLoop(input) {
  const out = openSync(join(dir, 'bare.json'), 'w');
  const started = performance.now();
  const fd = openSync(input, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const pattern = /^(\S+) (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) /;
  let position = 0;
  let carry = '';
  let lines = 0;
  for (;;) {
    const n = readSync(fd, buffer, 0, buffer.length, position);
    if (n === 0) break;
    position += n;
    const text = carry + buffer.toString('utf8', 0, n);
    let start = 0;
    let newline;
    let chunk = '';
    while ((newline = text.indexOf('\n', start)) !== -1) {
      const message = text.slice(start, newline);
      const m = pattern.exec(message);
      chunk += JSON.stringify({ timestamp: m ? m[1] : '', level: m ? m[2].toLowerCase() : 'info', message, source: input }) + '\n';
      lines++;
      start = newline + 1;
    }
    carry = text.slice(start);
    writeSync(out, chunk);
  }
  closeSync(fd);
  closeSync(out);
  return lines / ((performance.now() - started) / 1000);
}

const input = join(dir, 'app.log');
generate(input);
const size = statSync(input).size;
console.log(`${LINES.toLocaleString('en')} lines, ${(size / LINES).toFixed(0)} bytes a line on average`);
const k = (n) => `${Math.round(n / 1000).toLocaleString('en')} k lines/s`;
let bare = 0;
for (let i = 0; i < RUNS; i++) bare = Math.max(bare, bareLoop(input));
console.log(`best of ${RUNS} runs each`);
console.log(`bare Node loop (read, split, regex, JSON.stringify, write): ${k(bare)}`);
for (const format of ['json', 'influx']) {
  let best;
  let rss = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await throughCli(input, format);
    rss = Math.max(rss, r.rss);
    if (!best || r.total > best.total) best = r;
  }
  console.log(
    `vigil CLI inputs.logs -> outputs.file ${format.padEnd(6)}: ${k(best.total)} from spawn (${k(best.steady)} from the first line out, start-up ${Math.round(best.startup)} ms), peak RSS ${rss.toFixed(0)} MiB`,
  );
}
rmSync(dir, { recursive: true, force: true });
