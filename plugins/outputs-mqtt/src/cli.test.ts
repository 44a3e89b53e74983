// outputs.mqtt as a user meets it: the real vigil CLI (built by `npm run build`) and a real
// mosquitto on 127.0.0.1, killed with SIGKILL along the way.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@vigil/core/testing';
import mqtt from './index.js';
import { TestBroker, Subscriber } from './test-broker.js';

const CLI = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));
const LINES = 4000;
const BATCH = 100;
const LINE_BYTES = 'line 000000\n'.length;

let dir: string;
let broker: TestBroker;
const running = new Set<ChildProcess>();
const subscribers: Subscriber[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-mqtt-cli-'));
  broker = await TestBroker.start();
});
afterAll(async () => {
  await broker.remove();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
  await Promise.all(subscribers.splice(0).map((s) => s.close()));
});

function vigil(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => (out.stdout += d));
  child.stderr!.on('data', (d) => (out.stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, out, done };
}

async function until(predicate: () => boolean, what: () => string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Appends `count` numbered lines, `perTick` every 10 ms (a steady writer); resolves when done. */
async function appendLines(file: string, count: number, perTick: number, progress: { written: number }): Promise<void> {
  for (let n = 0; n < count; n += perTick) {
    const lines = [];
    for (let i = n; i < Math.min(count, n + perTick); i++) lines.push(`line ${String(i).padStart(6, '0')}\n`);
    appendFileSync(file, lines.join(''));
    progress.written = Math.min(count, n + perTick);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('outputs.mqtt through the vigil CLI', () => {
  it('`vigil validate` accepts the sample block as it stands', async () => {
    const config = join(dir, 'sample.toml');
    writeFileSync(config, mqtt.sample);
    const run = vigil(['validate', '--config', config]);
    const { code } = await run.done;
    expect(run.out.stdout).toContain('✓ outputs: outputs.mqtt');
    expect(code).toBe(0);
  });

  it('with a disk buffer, killed with SIGKILL mid-way and started again: every line reaches a subscriber at least once; the will says "offline" in between', async () => {
    const log = join(dir, 'app.log');
    const state = join(dir, 'state.json');
    const config = join(dir, 'vigil.toml');
    writeFileSync(log, '');
    writeFileSync(
      config,
      `[agent]
  hostname = "cli-host"
  statefile = "${state}"
  flush_interval = "100ms"
  metric_batch_size = ${BATCH}
  buffer_strategy = "disk"
  buffer_directory = "${join(dir, 'buffers')}"
[[inputs.logs]]
  files = ["${log}"]
  initial_read_offset = "saved-or-beginning"
[[outputs.mqtt]]
  servers = ["${broker.url}"]
  qos = 1
  topic = "cli/{{ .Hostname }}/{{ .PluginName }}"
  online_topic = "cli/{{ .Hostname }}/status"
`,
    );
    const subscriber = await Subscriber.connect(broker.url, 'cli/#', { qos: 1 });
    subscribers.push(subscriber);
    const lines = () => subscriber.on('cli/cli-host/logs').map((p) => Number(/message="line (\d+)"/.exec(p)![1]));
    const status = () => subscriber.on('cli/cli-host/status');

    const savedLines = () => (existsSync(state) ? JSON.parse(readFileSync(state, 'utf8'))['inputs.logs'].files[0].offset / LINE_BYTES : 0);
    let agent = vigil(['run', '--config', config]);
    await until(() => status().length === 1, () => agent.out.stderr);
    const progress = { written: 0 };
    const writer = appendLines(log, LINES, 10, progress);
    // Killed mid-way, once the statefile holds a position: what comes after it is read again.
    await until(() => new Set(lines()).size >= LINES / 2 && savedLines() > 0, () => `${new Set(lines()).size} lines; stderr:\n${agent.out.stderr}`);
    agent.child.kill('SIGKILL');
    expect((await agent.done).signal).toBe('SIGKILL');
    const writtenAtKill = progress.written;
    const savedAtKill = savedLines();
    // The broker saw the connection vanish without a DISCONNECT: the last will replaces "online".
    await until(() => status().length === 2, () => JSON.stringify(status()));
    expect(status()).toEqual(['online', 'offline']);

    agent = vigil(['run', '--config', config]);
    await writer;
    await until(() => new Set(lines()).size >= LINES, () => `${new Set(lines()).size} lines; stderr:\n${agent.out.stderr}`, 30_000);
    expect(status()).toEqual(['online', 'offline', 'online']);
    agent.child.kill('SIGTERM');
    expect((await agent.done).code).toBe(0);
    await until(() => status().length === 4, () => JSON.stringify(status()));
    expect(status()[3]).toBe('offline');

    const received = lines();
    const distinct = new Set(received);
    expect(Array.from({ length: LINES }, (_, i) => i).filter((i) => !distinct.has(i))).toEqual([]);
    // MQTT has no deduplication: lines read again because the statefile had not caught up with
    // them, and the batch in flight, arrive twice. Nothing else may.
    const duplicates = received.length - distinct.size;
    expect(duplicates).toBeLessThanOrEqual(writtenAtKill - savedAtKill + BATCH);
    console.log(`SIGKILL and restart: ${LINES} lines, ${duplicates} duplicates at the subscriber (at the kill: ${writtenAtKill} written to the file, ${savedAtKill} in the statefile)`);
    expect(agent.out.stderr).toMatch(/I! \[outputs\.mqtt\] connected to tcp:\/\/127\.0\.0\.1:\d+ \(MQTT 3\.1\.1, client id "vigil-[0-9a-f]{12}"\)/);
  }, 40_000);

  it('a broker address where nothing listens: one clear line naming it and no secret; the agent keeps running and stops cleanly', async () => {
    const port = await freePort();
    const config = join(dir, 'refused.toml');
    writeFileSync(
      config,
      `[agent]
  interval = "200ms"
  flush_interval = "200ms"
  shutdown_timeout = "1s"
[[inputs.system]]
  collect = ["mem"]
[[outputs.mqtt]]
  servers = ["tcp://127.0.0.1:${port}"]
  username = "agent"
  password = "hunter2-secret"
`,
    );
    const agent = vigil(['run', '--config', config]);
    const line = `E! [outputs.mqtt] could not connect: tcp://127.0.0.1:${port}: connection refused; retry in `;
    await until(() => agent.out.stderr.includes(line), () => agent.out.stderr);
    // Every line about it is that one line, again at each retry of the agent (with backoff).
    for (const l of agent.out.stderr.split('\n').filter((l) => l.includes(`127.0.0.1:${port}`))) expect(l).toMatch(/^\S+ E! \[outputs\.mqtt\] could not connect: tcp:\/\/127\.0\.0\.1:\d+: connection refused; retry in [\dhms]+$/);
    expect(agent.child.exitCode).toBeNull();
    agent.child.kill('SIGTERM');
    expect((await agent.done).code).toBe(0);
    expect(agent.out.stderr).not.toContain('hunter2-secret');
  });
});
