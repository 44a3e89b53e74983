// outputs.nats as a user meets it: the real CLI (built dist) tailing a file into JetStream with a
// disk buffer, killed with SIGKILL in the middle of a batch and started again; and the one line
// a wrong password gets.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NatsServer, stopAllNatsServers } from './test-nats-server.js';

const CLI = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));
const LINES = 3000;
const BATCH = 50;
const LINE_BYTES = 'line 000000\n'.length;

interface Agent {
  child: ChildProcess;
  out: { stderr: string };
  exited: Promise<number | null>;
}

const agents = new Set<Agent>();
let dir: string;

beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vigil-nats-agent-'))));
afterEach(async () => {
  for (const agent of agents) agent.child.kill('SIGKILL');
  await Promise.all([...agents].map((a) => a.exited));
  agents.clear();
  await stopAllNatsServers();
  rmSync(dir, { recursive: true, force: true });
});

function startAgent(config: string): Agent {
  const child = spawn(process.execPath, [CLI, 'run', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  const out = { stderr: '' };
  child.stderr!.on('data', (d) => (out.stderr += d));
  const agent = { child, out, exited: new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code))) };
  agent.exited.then(() => agents.delete(agent));
  agents.add(agent);
  return agent;
}

/** Resolves once `predicate` holds; checks every 20 ms, fails after `ms` with what the agent said. */
async function until(predicate: () => boolean | Promise<boolean>, agent: Agent, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out; the agent said:\n${agent.out.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The offset inputs.logs saved, in lines. */
function savedLines(state: string): number {
  if (!existsSync(state)) return 0;
  return JSON.parse(readFileSync(state, 'utf8'))['inputs.logs']?.files?.[0]?.offset / LINE_BYTES || 0;
}

describe('outputs.nats through a real agent', () => {
  it('SIGKILL in the middle of a batch, then a restart with the disk buffer: every line in the stream exactly once', async () => {
    const broker = await NatsServer.start();
    const log = join(dir, 'app.log');
    const state = join(dir, 'state.json');
    writeFileSync(log, Array.from({ length: LINES }, (_, i) => `line ${String(i).padStart(6, '0')}\n`).join(''));
    const config = join(dir, 'vigil.toml');
    writeFileSync(
      config,
      `[agent]
  omit_hostname = true
  statefile = "${state}"
  flush_interval = "100ms"
  metric_batch_size = ${BATCH}
  buffer_strategy = "disk"
  buffer_directory = "${join(dir, 'buffers')}"
[[inputs.logs]]
  files = ["${log}"]
  initial_read_offset = "saved-or-beginning"
[[outputs.nats]]
  servers = ["${broker.url}"]
  subject = "vigil.{{ .Name }}"
  [outputs.nats.jetstream]
    name = "LINES"
`,
    );

    // The broker is frozen as soon as the first message reaches it: the agent is then in the
    // middle of a batch, some of it stored by the stream and none of it acknowledged in full.
    const watcher = await broker.client();
    const firstMessage = new Promise<void>((resolve) => {
      watcher.subscribe('vigil.>', {
        max: 1,
        callback: () => {
          void broker.pause().then(resolve);
        },
      });
    });
    await watcher.flush();
    const first = startAgent(config);
    await firstMessage;
    // Every line is in the disk buffer and inputs.logs has saved that: a restart reads none again.
    await until(() => savedLines(state) === LINES, first);
    first.child.kill('SIGKILL');
    await first.exited;
    broker.resume();
    await watcher.close().catch(() => {});

    const storedBeforeRestart = await broker.streamCount('LINES');
    expect(storedBeforeRestart).toBeGreaterThan(0);
    expect(storedBeforeRestart).toBeLessThan(LINES);

    const second = startAgent(config);
    await until(async () => (await broker.streamCount('LINES')) >= LINES, second);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const numbers = (await broker.streamMessages('LINES')).map((m) => Number(/message="line (\d+)"/.exec(m.data)![1]));
    const seen = new Set(numbers);
    expect({ stored: numbers.length, distinct: seen.size, missing: Array.from({ length: LINES }, (_, i) => i).filter((i) => !seen.has(i)) }).toEqual({
      stored: LINES,
      distinct: LINES,
      missing: [],
    });
    // A batch the stream had only part of was sent again in full: the stream recognised the rest.
    if (storedBeforeRestart % BATCH !== 0) expect(second.out.stderr).toMatch(/messages were already in stream "LINES"/);
    expect(first.out.stderr + second.out.stderr).not.toMatch(/rejected/);
  });

  it('a wrong password: one line naming the server and not the password, and the agent keeps running', async () => {
    const broker = await NatsServer.start({ user: 'agent', pass: 'right-pass-42' });
    const config = join(dir, 'vigil.toml');
    writeFileSync(
      config,
      `[agent]
  shutdown_timeout = "1s"
[[outputs.nats]]
  servers = ["${broker.url}"]
  username = "agent"
  password = "wrong-pass-17"
`,
    );
    const agent = startAgent(config);
    await until(() => agent.out.stderr.includes('could not connect'), agent);
    const line = agent.out.stderr.split('\n').find((l) => l.includes('could not connect'))!;
    expect(line).toMatch(
      new RegExp(`^\\S+ E! \\[outputs\\.nats\\] could not connect: ${broker.url.replace(/\./g, '\\.')}: authorization violation: the server refused the username and password; retry in \\S+$`),
    );
    expect(agent.out.stderr).not.toContain('wrong-pass-17');
    expect(agent.child.exitCode).toBeNull();
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  });
});
