// What a user sees from `vigil test`: the built CLI (npm test builds it first) run on real files.
import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from './test-support.js';

const CLI = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => (tmp = makeTempDir()));
afterEach(() => tmp.remove());

function vigilTest(config: string, options: { env?: Record<string, string>; uid?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const path = tmp.path('vigil.toml');
  writeFileSync(path, config);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'test', '--config', path, '--test-wait', '1'], {
      env: { ...process.env, ...options.env },
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const config = (files: string, extra = '') => `[agent]\n  omit_hostname = true\n[[inputs.logs]]\n  files = [${JSON.stringify(files)}]\n  initial_read_offset = "beginning"\n${extra}`;

describe('vigil test with inputs.logs', () => {
  test('prints each line of the files as a log record in line protocol', async () => {
    const file = tmp.path('app.log');
    writeFileSync(
      file,
      [
        '2026-11-23T07:00:01Z ERROR disk full',
        '{"time":"2026-11-23T07:00:02Z","level":"warn","msg":"slow request","ms":812}',
        '10.0.0.1 - - [23/Nov/2026:07:00:03 +0000] "GET /health HTTP/1.1" 503 12',
        '',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await vigilTest(config(tmp.path('*.log')));
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      `> logs,path=${file} level="error",message="2026-11-23T07:00:01Z ERROR disk full",source="${file}" 1795417201000000000`,
      `> logs,path=${file} level="warn",message="slow request",source="${file}",ms=812 1795417202000000000`,
      `> logs,path=${file} level="error",message="10.0.0.1 - - [23/Nov/2026:07:00:03 +0000] \\"GET /health HTTP/1.1\\" 503 12",source="${file}",client_ip="10.0.0.1",verb="GET",request="/health",http_version=1.1,resp_code=503,resp_bytes=12 1795417203000000000`,
    ]);
    expect(stderr).toMatch(/inputs\.logs\s+3\s+0/);
    expect(code).toBe(0);
  });

  test('timezone = "Local" reads zone-less times in the zone the agent runs in', async () => {
    writeFileSync(tmp.path('app.log'), '2026-06-01 12:00:00,250 - app - INFO - started\n');
    const { stdout } = await vigilTest(config(tmp.path('app.log'), '  timezone = "Local"\n'), { env: { TZ: 'America/New_York' } });
    expect(stdout).toMatch(/level="info",message="2026-06-01 12:00:00,250 - app - INFO - started",.* 1780329600250000000\n$/);
  });

  test('a file it may not read is reported once in the log, naming it; the others are read', async () => {
    const secret = tmp.path('secret.log');
    writeFileSync(tmp.path('open.log'), 'readable line\n');
    writeFileSync(secret, 'hidden line\n');
    chmodSync(secret, 0o000);
    // Root reads any file: run the agent as nobody then (the test suite runs as root in CI).
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chmodSync(tmp.dir, 0o755);
    const { code, stdout, stderr } = await vigilTest(config(tmp.path('*.log')), asRoot ? { uid: 65534, env: { HOME: tmp.dir } } : {});
    expect(stdout).toContain('message="readable line"');
    expect(stdout).not.toContain('hidden line');
    const warnings = stderr.split('\n').filter((l) => l.includes(secret));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/W! \[inputs\.logs\] .*secret\.log: cannot open \(EACCES: permission denied\); skipped$/);
    expect(code).toBe(0);
  });
});
