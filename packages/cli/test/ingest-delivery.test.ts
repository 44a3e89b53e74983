// outputs.ingest as a user meets it: the real CLI tailing a log file into a gateway stand-in on
// 127.0.0.1 that honours Idempotency-Key, killed with SIGKILL mid-batch and during an outage,
// then restarted: every line reaches the gateway as exactly one event.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestGateway } from '../../../plugins/outputs-ingest/src/test-gateway.js';
import { killLeftovers, startCli, waitFor } from './cli-process.js';

const LINES = 300;
const LINE_BYTES = 'line 000000\n'.length;

let dir: string;
let gateway: TestGateway;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-ingest-'));
  gateway = await new TestGateway().start();
  gateway.policy = {};
});
afterEach(async () => {
  killLeftovers();
  await gateway.stop();
  rmSync(dir, { recursive: true, force: true });
});

function setUp(extra = '') {
  const log = join(dir, 'app.log');
  const state = join(dir, 'state.json');
  writeFileSync(log, Array.from({ length: LINES }, (_, i) => `line ${String(i).padStart(6, '0')}\n`).join(''));
  const config = join(dir, 'vigil.toml');
  writeFileSync(
    config,
    `[agent]
  statefile = "${state}"
  flush_interval = "100ms"
  metric_batch_size = 50
  buffer_directory = "${join(dir, 'buffers')}"
[[inputs.logs]]
  files = ["${log}"]
  initial_read_offset = "saved-or-beginning"
[[outputs.ingest]]
  api_url = "${gateway.url}"
  token = "\${EDGE_TOKEN}"
  workspace_id = "${gateway.workspace}"
${extra}`,
  );
  return { config, state };
}

const env = () => ({ EDGE_TOKEN: gateway.token });

/** The offset inputs.logs saved, in lines: once it is at the end, every line is in the disk buffer. */
function savedLines(state: string): number {
  if (!existsSync(state)) return 0;
  try {
    return JSON.parse(readFileSync(state, 'utf8'))['inputs.logs']?.files?.[0]?.offset / LINE_BYTES || 0;
  } catch {
    return 0; // caught between the write and the rename
  }
}

/** Per line number, how many events of the gateway carry it; and how many event ids repeat. */
function tally() {
  const lines = new Map<number, number>();
  for (const e of gateway.events) {
    const m = /^line (\d+)$/.exec(String((e.data as { message?: string }).message ?? ''));
    if (m) lines.set(Number(m[1]), (lines.get(Number(m[1])) ?? 0) + 1);
  }
  const counts = [...gateway.eventCounts().values()];
  return { lines: lines.size, linesTwice: [...lines.values()].filter((n) => n > 1).length, idsTwice: counts.filter((n) => n > 1).length };
}

async function restartUntilAllDelivered(config: string) {
  const agent = startCli(['run', '--config', config], { env: env() });
  await waitFor(agent.out, () => tally().lines === LINES, 60_000);
  agent.child.kill('SIGTERM');
  expect((await agent.done).code).toBe(0);
  return agent.out.stderr;
}

describe('outputs.ingest: delivery through restarts', () => {
  it('a batch the gateway accepted but never answered, then kill -9: after the restart every line is one event', async () => {
    const { config, state } = setUp();
    gateway.hangAfterAccepting = true;
    const agent = startCli(['run', '--config', config], { env: env() });
    await waitFor(agent.out, () => gateway.requests.some((r) => r.status === 0) && savedLines(state) === LINES, 60_000);
    agent.child.kill('SIGKILL');
    await agent.done;
    const hungKey = gateway.requests.find((r) => r.status === 0)!.key;
    // No buffer_strategy in the file: outputs.ingest buffers on disk by default.
    expect(existsSync(join(dir, 'buffers', 'outputs.ingest'))).toBe(true);

    await restartUntilAllDelivered(config);
    // The batch in flight went again under its key and was recognised, not counted twice.
    expect(gateway.requests.filter((r) => r.key === hungKey).map((r) => r.status)).toEqual([0, 200]);
    expect(tally()).toEqual({ lines: LINES, linesTwice: 0, idsTwice: 0 });
    expect(gateway.requests.every((r) => r.headerProblems.length === 0)).toBe(true);
  });

  it('during an outage (503), then kill -9: the buffered lines are sent once the gateway is back', async () => {
    const { config, state } = setUp();
    gateway.status = 503;
    const agent = startCli(['run', '--config', config], { env: env() });
    await waitFor(agent.out, () => gateway.requests.filter((r) => r.status === 503).length >= 2 && savedLines(state) === LINES, 60_000);
    agent.child.kill('SIGKILL');
    await agent.done;

    gateway.status = 200;
    await restartUntilAllDelivered(config);
    expect(tally()).toEqual({ lines: LINES, linesTwice: 0, idsTwice: 0 });
  });

  it('a refused token keeps the data, is said once, and the output resumes by itself when the gateway takes the token again', async () => {
    const { config } = setUp('  auth_retry_interval = "200ms"\n');
    const accepted = gateway.token;
    gateway.token = 'a-rotated-token-the-agent-does-not-have';
    const agent = startCli(['run', '--config', config], { env: { EDGE_TOKEN: accepted } });
    await waitFor(agent.out, () => gateway.requests.filter((r) => r.status === 401).length >= 3, 60_000);
    gateway.token = accepted;
    await waitFor(agent.out, () => tally().lines === LINES, 60_000);
    agent.child.kill('SIGTERM');
    await agent.done;
    const said = agent.out.stderr.split('\n').filter((l) => /token rejected by 127\.0\.0\.1:\d+ \(401\); keeping \d+ events/.test(l));
    expect(said).toHaveLength(1);
    // Said once in all: the core logs each further refused try at debug, not as an error line.
    expect(agent.out.stderr.split('\n').filter((l) => l.includes('token rejected by'))).toEqual(said);
    expect(said[0]).toMatch(/retrying every 200ms \(doubling up to 10m\)/);
    expect(agent.out.stderr).toMatch(/token accepted again by 127\.0\.0\.1:\d+; resuming/);
    expect(agent.out.stderr).not.toContain(accepted);
    expect(tally()).toEqual({ lines: LINES, linesTwice: 0, idsTwice: 0 });
  });

  it('a batch the gateway refuses (400) is dropped, logged with the reason and kept under rejected/; the rest go on', async () => {
    const { config } = setUp('  heartbeat_interval = "0s"\n');
    gateway.queued.push({ status: 400, body: '{"error":"schema: events[0].type"}' });
    const agent = startCli(['run', '--config', config], { env: env() });
    const rejectedFile = join(dir, 'buffers', 'rejected', 'outputs.ingest.jsonl');
    await waitFor(agent.out, () => existsSync(rejectedFile) && tally().lines === LINES - 50, 60_000);
    agent.child.kill('SIGTERM');
    await agent.done;
    const kept = readFileSync(rejectedFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(kept).toHaveLength(50);
    expect(kept[0]).toMatchObject({ reason: expect.stringMatching(/^127\.0\.0\.1:\d+ answered HTTP 400: \{"error":"schema: events\[0\]\.type"\}$/), item: { type: 'log', message: 'line 000000' } });
    expect(agent.out.stderr).toMatch(/rejected 50 items for good: 127\.0\.0\.1:\d+ answered HTTP 400/);
    expect(tally()).toEqual({ lines: LINES - 50, linesTwice: 0, idsTwice: 0 });
  });

  it('a rotated token put in the file and a SIGHUP: what was kept during the refusals is sent once', async () => {
    const { config } = setUp();
    const withToken = (token: string) => writeFileSync(config, readFileSync(config, 'utf8').replace(/token = ".*"/, `token = "${token}"`));
    withToken('the-old-token-since-rotated');
    const agent = startCli(['run', '--config', config]);
    await waitFor(agent.out, () => gateway.requests.filter((r) => r.status === 401).length >= 1, 60_000);
    withToken(gateway.token);
    agent.child.kill('SIGHUP');
    await waitFor(agent.out, () => tally().lines === LINES, 60_000);
    agent.child.kill('SIGTERM');
    expect((await agent.done).code).toBe(0);
    expect(tally()).toEqual({ lines: LINES, linesTwice: 0, idsTwice: 0 });
    expect(agent.out.stderr).not.toContain('the-old-token-since-rotated');
  });
});
