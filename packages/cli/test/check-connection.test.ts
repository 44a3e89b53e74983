// `vigil check-connection` against a real mosquitto on loopback and a port nobody listens on.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '@vigil/core/testing';
import { runCli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-check-'));
let broker: ChildProcess;
let port: number;
let closedPort: number;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function untilListening(at: number): Promise<void> {
  for (const giveUp = Date.now() + 10_000; Date.now() < giveUp; await new Promise((r) => setTimeout(r, 50))) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(at, '127.0.0.1', () => (socket.end(), resolve(true))).on('error', () => resolve(false));
    });
    if (open) return;
  }
  throw new Error(`mosquitto did not listen on ${at}`);
}

beforeAll(async () => {
  [port, closedPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\n`);
  broker = spawn(requireTool('mosquitto', 'mosquitto'), ['-c', conf], { stdio: 'ignore' });
  await untilListening(port);
});
afterAll(() => broker.kill('SIGKILL'));

it('connects each output once and says which could not, naming the server, with exit 1', async () => {
  const config = join(dir, 'vigil.toml');
  writeFileSync(
    config,
    `[[outputs.mqtt]]\n  alias = "up"\n  servers = ["tcp://127.0.0.1:${port}"]\n[[outputs.mqtt]]\n  alias = "down"\n  servers = ["tcp://127.0.0.1:${closedPort}"]\n[[outputs.file]]\n  files = ["${join(dir, 'out.lp')}"]\n`,
  );
  const { code, stdout } = await runCli(['check-connection', '--config', config]);
  const rows = stdout.trim().split('\n').slice(2).map((line) => line.split(/\s{2,}/));
  expect(rows.map((r) => r.slice(0, 2))).toEqual([
    ['outputs.mqtt::up', 'ok'],
    ['outputs.mqtt::down', 'failed'],
    ['outputs.file', 'ok'],
  ]);
  expect(rows[1][2]).toContain(`127.0.0.1:${closedPort}`);
  expect(rows[1][2]).toMatch(/refused/);
  expect(code).toBe(1);
});
