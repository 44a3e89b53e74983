// A disk-buffered output as a user meets it: the real CLI, a real HTTP server on 127.0.0.1 that
// fails on command, SIGKILL, damaged segment files and `vigil buffer inspect`.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killLeftovers, runCli, startCli, waitFor } from './cli-process.js';

const LINES = 500;
const LINE_BYTES = 'line 000000\n'.length;

let dir: string;
let server: Server;
let url: string;
/** What the server answers now, and the line numbers it accepted. */
let answer = 503;
let received: number[] = [];
let requests = 0;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-disk-'));
  answer = 503;
  received = [];
  requests = 0;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      requests++;
      if (answer === 204) received.push(...[...body.matchAll(/message="line (\d+)"/g)].map((m) => Number(m[1])));
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/write`;
});
afterEach(async () => {
  killLeftovers();
  await new Promise((resolve) => server.close(resolve));
});

function setUp() {
  const log = join(dir, 'app.log');
  const state = join(dir, 'state.json');
  const buffers = join(dir, 'buffers');
  const lines = Array.from({ length: LINES }, (_, i) => `line ${String(i).padStart(6, '0')}\n`).join('');
  writeFileSync(log, lines);
  const config = join(dir, 'vigil.toml');
  writeFileSync(
    config,
    `[agent]
  omit_hostname = true
  statefile = "${state}"
  flush_interval = "100ms"
  metric_batch_size = 100
  buffer_strategy = "disk"
  buffer_directory = "${buffers}"
[[inputs.logs]]
  files = ["${log}"]
  initial_read_offset = "saved-or-beginning"
[[outputs.http]]
  url = "${url}"
`,
  );
  return { config, state, segmentsDir: join(buffers, 'outputs.http') };
}

/** The offset inputs.logs saved, in lines. */
function savedLines(state: string): number {
  if (!existsSync(state)) return 0;
  return JSON.parse(readFileSync(state, 'utf8'))['inputs.logs']?.files?.[0]?.offset / LINE_BYTES || 0;
}

function tally(numbers: number[]) {
  return { distinct: new Set(numbers).size, duplicates: numbers.length - new Set(numbers).size };
}

async function storeEverythingThenKill(config: string, state: string): Promise<void> {
  const agent = startCli(['run', '--config', config]);
  // Stored in the disk buffer counts as delivered: the saved position reaches the end of the file
  // while the destination (tried, answering 503) has taken nothing.
  await waitFor(agent.out, () => savedLines(state) === LINES && requests > 0, 30_000);
  agent.child.kill('SIGKILL');
  await agent.done;
}

describe('a disk-buffered output', () => {
  it('keeps what a dead destination did not take across kill -9, and sends it once when the destination is back', async () => {
    const { config, state } = setUp();
    await storeEverythingThenKill(config, state);
    const inspect = await runCli(['buffer', 'inspect', '--config', config]);
    expect(inspect.code).toBe(0);
    const row = inspect.stdout.split('\n').find((l) => l.startsWith('outputs.http'))!.split(/\s+/);
    expect({ buffer: row[1], records: row[4], damaged: row[7] }).toEqual({ buffer: 'disk', records: String(LINES), damaged: '0' });

    answer = 204;
    const agent = startCli(['run', '--config', config]);
    await waitFor(agent.out, () => new Set(received).size === LINES, 30_000);
    agent.child.kill('SIGTERM');
    expect((await agent.done).code).toBe(0);
    expect(tally(received)).toEqual({ distinct: LINES, duplicates: 0 });
  });

  it('starts despite damage in the middle of a segment, says so once, and sends every intact record', async () => {
    const { config, state, segmentsDir } = setUp();
    await storeEverythingThenKill(config, state);
    const segment = readdirSync(segmentsDir).map((f) => join(segmentsDir, f)).find((f) => statSync(f).size > 10_000)!;
    const bytes = readFileSync(segment);
    const middle = Math.floor(bytes.length / 2);
    for (let i = 0; i < 8; i++) bytes[middle + i] ^= 0xff;
    writeFileSync(segment, bytes);
    const inspect = await runCli(['buffer', 'inspect', '--config', config]);
    const damaged = Number(inspect.stdout.split('\n').find((l) => l.startsWith('outputs.http'))!.split(/\s+/)[7]);
    expect(damaged).toBeGreaterThanOrEqual(1);
    expect(damaged).toBeLessThanOrEqual(2); // eight bytes touch one record, or two at a boundary

    answer = 204;
    const agent = startCli(['run', '--config', config]);
    await waitFor(agent.out, () => new Set(received).size === LINES - damaged, 30_000);
    agent.child.kill('SIGTERM');
    await agent.done;
    expect(tally(received)).toEqual({ distinct: LINES - damaged, duplicates: 0 });
    expect(agent.out.stderr.split('\n').filter((l) => l.includes('lost to damage'))).toHaveLength(1);
  });

  it('reports a buffer directory it cannot use, an unknown when_full and a size that does not parse, one line each', async () => {
    const config = join(dir, 'bad.toml');
    writeFileSync(config, '[agent]\n  buffer_strategy = "disk"\n  buffer_directory = "/proc/no-such-dir"\n[[outputs.file]]\n  when_full = "sometimes"\n  buffer_max_size = "lots"\n');
    const { code, stderr } = await runCli(['validate', '--config', config]);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n').sort()).toEqual([
      `${config}:5: outputs.file: option "when_full" must be one of "drop_oldest", "drop_newest", "block", got string "sometimes"`,
      `${config}:6: outputs.file: option "buffer_max_size" must be a size such as "512MiB", "10MB" or a number of bytes, got string "lots"`,
    ]);
    writeFileSync(config, '[agent]\n  buffer_strategy = "disk"\n  buffer_directory = "/proc/no-such-dir"\n[[outputs.file]]\n');
    const second = await runCli(['validate', '--config', config]);
    expect(second.stderr.trim()).toMatch(new RegExp(`^${config}:3: agent: option "buffer_directory": cannot use /proc/no-such-dir/outputs.file for the disk buffer \\(ENOENT\\); expected a writable directory$`));
  });
});
