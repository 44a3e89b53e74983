import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

test('a Telegraf [[inputs.http_response]] block runs under `vigil test`, with Telegraf\'s line protocol, and never shows its secrets', async () => {
  const { code, stdout, stderr } = await vigilTest(`
[[inputs.http_response]]
  urls = ["${server.origin}/missing"]
  response_timeout = "5s"
  method = "GET"
  follow_redirects = false
  headers = { Authorization = "${SECRET}" }
  client_id = "vigil"
  client_secret = "client-secret-never-shown"
  token_url = "http://127.0.0.1:${await freePort()}/token"
`);
  // The token endpoint is down: the check fails as a connection failure, naming nothing secret.
  expect(code).toBe(0);
  expect(stdout.trim()).toMatch(new RegExp(`^> http_response,host=[^,]+,method=GET,result=connection_failed,server=${server.origin}/missing result_type="connection_failed",result_code=3i \\d+$`));
  expect(stdout + stderr).not.toContain('never-shown');
});

test('a 404 is a success for inputs.http_response without response_status_code', async () => {
  const { code, stdout } = await vigilTest(`
[[inputs.http_response]]
  urls = ["${server.origin}/missing"]
`);
  expect(code).toBe(0);
  expect(stdout.trim()).toMatch(
    new RegExp(`^> http_response,host=[^,]+,method=GET,result=success,server=${server.origin}/missing,status_code=404 result_type="success",result_code=0i,http_response_code=404i,response_time=0\\.\\d+,content_length=12i \\d+$`),
  );
});

test.each([
  ['inputs.http', '../sample.toml'],
  ['inputs.http_response', '../samples/http_response.toml'],
])('the sample block `vigil config` prints for %s is a valid configuration', async (plugin, sample) => {
  // `vigil run` needs an output; the sample is one block of a config.
  const file = join(dir, 'sample-with-output.toml');
  writeFileSync(file, `${readFileSync(new URL(sample, import.meta.url), 'utf8')}\n[[outputs.file]]\n`);
  const { code, stdout, stderr } = await runVigil(['validate', '--config', file]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toContain(`inputs: ${plugin}`);
});
