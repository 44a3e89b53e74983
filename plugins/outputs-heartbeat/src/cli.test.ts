import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startReceiver, stopAll } from './test-harness.js';

const CLI = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));

afterEach(stopAll);

function writeConfig(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-heartbeat-cli-')), 'vigil.toml');
  writeFileSync(file, text);
  return file;
}

function vigil(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

describe('outputs.heartbeat through the vigil CLI', () => {
  it('`vigil heartbeat --print` prints the message for each URL with the URL, sending nothing', async () => {
    const receiver = await startReceiver();
    const config = writeConfig(`
[agent]
  hostname = "web-server-01"
[[outputs.heartbeat]]
  urls = ["${receiver.url}", "${receiver.url}?copy=2"]
  agent_id = "agent-prod-web-01"
  headers = {
    Authorization = "Token \${HB_PRINT_TOKEN}"
  }
`);
    const { code, stdout, stderr } = await vigil(['heartbeat', '--print', '--config', config], { HB_PRINT_TOKEN: 'print-secret-42' }).done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.url)).toEqual([receiver.url, `${receiver.url}?copy=2`]);
    expect(lines[0].message).toMatchObject({ id: 'agent-prod-web-01', status: 'OK', configs: [config], hostname: 'web-server-01' });
    expect(stdout).not.toContain('print-secret-42');
    expect(receiver.beats).toHaveLength(0);
    // Both URLs hear of one process; the next run of vigil is a new one.
    expect(lines[1].message.properties.process_session_id).toBe(lines[0].message.properties.process_session_id);
    const again = await vigil(['heartbeat', '--print', '--config', config], { HB_PRINT_TOKEN: 'print-secret-42' }).done;
    expect(JSON.parse(again.stdout.split('\n')[0]).message.properties.process_session_id).not.toBe(lines[0].message.properties.process_session_id);
  });

  it('`vigil validate` points a bad status condition at its own line', async () => {
    const config = writeConfig(`[[outputs.heartbeat]]
  urls = ["http://127.0.0.1:9/hb"]
  agent_id = "a"
  [outputs.heartbeat.status_conditions]
    warn = "log_errors > 0"
    fail = "metrix > 0"
`);
    const { code, stderr } = await vigil(['validate', '--config', config]).done;
    expect(code).toBe(1);
    expect(stderr).toContain(`${config}:6: outputs.heartbeat: option "status_conditions.fail" is not a valid CEL condition: Unknown variable: metrix`);
  });

  it("`vigil validate` accepts Telegraf's heartbeat block with its HTTP-client options uncommented", async () => {
    const config = writeConfig(`[[outputs.heartbeat]]
  url = "http://127.0.0.1:9/heartbeat"
  instance_id = "agent-123"
  idle_conn_timeout = 0
  max_idle_conn = 0
  max_idle_conn_per_host = 0
  response_timeout = "0s"
  local_address = ""
  use_system_proxy = false
  http_proxy_url = "http://127.0.0.1:3128"
  tls_enable = false
  tls_key_pwd = ""
  tls_server_name = "monitoring.internal"
  tls_min_version = "TLS12"
  tls_cipher_suites = ["secure"]
  tls_renegotiation_method = "never"
  client_id = "clientid"
  client_secret = "\${HB_CLIENT_SECRET}"
  token_url = "http://127.0.0.1:9/oauth2/v1/token"
  audience = ""
  scopes = ["urn:opc:idm:__myscopes__"]
  cookie_auth_url = "http://127.0.0.1:9/authMe"
  cookie_auth_method = "POST"
  cookie_auth_username = "username"
  cookie_auth_password = "\${HB_COOKIE_PASSWORD}"
  cookie_auth_headers = { Content-Type = "application/json", X-MY-HEADER = "hello" }
  cookie_auth_body = '{"username": "user", "authenticate": "me"}'
  cookie_auth_renewal = "5m"
`);
    const { code, stdout, stderr } = await vigil(['validate', '--config', config], { HB_CLIENT_SECRET: 'validate-secret-91', HB_COOKIE_PASSWORD: 'validate-pass-92' }).done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout + stderr).not.toMatch(/validate-secret-91|validate-pass-92/);
  });

  it('`vigil run` stopped while a heartbeat waits for its answer cancels it and exits without waiting out shutdown_timeout', async () => {
    const receiver = await startReceiver();
    receiver.answer = 'hang';
    // Both far longer than jest's timeout: only a cancelled request lets the stop end in time.
    const config = writeConfig(`
[agent]
  shutdown_timeout = "2m"
[[outputs.heartbeat]]
  urls = ["${receiver.url}"]
  agent_id = "a"
  timeout = "2m"
`);
    const run = vigil(['run', '--config', config]);
    await receiver.received(1);
    run.child.kill('SIGINT');
    const { code, stderr } = await run.done;
    expect(code).toBe(0);
    expect(stderr).toContain(`I! [outputs.heartbeat] heartbeat to ${receiver.url} cancelled: the output is closing (stop or reload)`);
  });

  it('`vigil run` beats at start-up and on its interval, keeps failures in the next message and secrets out of every log', async () => {
    const receiver = await startReceiver();
    receiver.answer = { status: 401, body: 'bad credentials: Token run-secret-77' };
    const config = writeConfig(`
[agent]
  log_with_timezone = "UTC"
[[outputs.heartbeat]]
  urls = ["${receiver.url}"]
  agent_id = "agent-prod-web-01"
  headers = { Authorization = "Token \${HB_RUN_TOKEN}" }
  interval = "200ms"
  send_logs = true
  [outputs.heartbeat.status_conditions]
    warn = "log_errors > 0"
`);
    const run = vigil(['run', '--config', config], { HB_RUN_TOKEN: 'run-secret-77' });
    await receiver.received(2);
    receiver.answer = { status: 204 };
    await receiver.received(3);
    run.child.kill('SIGTERM');
    const { stderr } = await run.done;

    expect(receiver.beats[0].headers.authorization).toBe('Token run-secret-77');
    const recovered = receiver.beats[2].body;
    expect(recovered.status).toBe('WARN');
    expect(recovered.logs[0]).toEqual({
      level: 'error',
      message: `heartbeat to ${receiver.url} failed: answered 401 Unauthorized: bad credentials: ***; next try in 200ms`,
      timestamp: expect.stringMatching(/Z$/),
    });
    expect(stderr).toContain(`E! [outputs.heartbeat] heartbeat to ${receiver.url} failed: answered 401 Unauthorized: bad credentials: ***`);
    expect(stderr).not.toContain('run-secret-77');
    expect(JSON.stringify(receiver.beats.map((b) => b.body))).not.toContain('run-secret-77');
  });
});
