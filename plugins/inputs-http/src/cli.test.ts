import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@vigil/core/testing';
import { startTestServer, type TestServer } from './test-servers.js';

// The built CLI (`npm test` builds it first), run the way a user runs it.
const CLI = new URL('../../../packages/cli/dist/main.js', import.meta.url).pathname;
const SECRET = 'Bearer never-shown-4711';

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'vigil-http-cli-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function runVigil(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }));
  });
}

function vigilTest(config: string) {
  const file = join(dir, 'vigil.toml');
  writeFileSync(file, config);
  return runVigil(['test', '--debug', '--config', file]);
}

test('`vigil test` prints one line per service, exits 0 with a service down, and never shows header values', async () => {
  const down = `http://127.0.0.1:${await freePort()}/`;
  const { code, stdout, stderr } = await vigilTest(`
[[inputs.http]]
  name = "shop"
  url = "${server.origin}/ok"
  headers = { Authorization = "${SECRET}" }

[[inputs.http]]
  name = "billing"
  url = "${down}"
  headers = { Authorization = "${SECRET}" }
`);
  expect(code).toBe(0);
  const lines = stdout.trim().split('\n').sort();
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(
    new RegExp(`^> http_response,host=[^,]+,method=GET,name=billing,result=connection_failed,server=${down} result_code=3i,up=0i,error="connection refused" \\d+$`),
  );
  expect(lines[1]).toMatch(
    new RegExp(`^> http_response,host=[^,]+,method=GET,name=shop,result=success,server=${server.origin}/ok,status_code=200 .*\\bup=1i\\b`),
  );
  expect(lines[1]).toMatch(/response_time_ms=[\d.]+[, ]/);
  expect(server.last?.headers.authorization).toBe(SECRET);
  expect(stdout + stderr).not.toContain('never-shown-4711');
});

test('the sample block `vigil config` prints is a valid configuration', async () => {
  const file = new URL('../sample.toml', import.meta.url).pathname;
  const { code, stdout, stderr } = await runVigil(['validate', '--config', file]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toContain('inputs: inputs.http');
});
