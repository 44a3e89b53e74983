import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../../../packages/cli/dist/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'vigil-system-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function vigilTest(config: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(path, config);
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'test', '--config', path], { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('vigil test with [[inputs.system]]', () => {
  test('prints mem and system lines in line protocol with the host figures', async () => {
    const { code, stdout } = await vigilTest('[[inputs.system]]\n  collect = ["mem", "system"]\n');
    expect(code).toBe(0);
    const memTotal = BigInt(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024n;
    expect(stdout).toMatch(new RegExp(`^> mem,host=\\S+ .*\\btotal=${memTotal}i[ ,]`, 'm'));
    expect(stdout).toMatch(new RegExp(`^> system,host=\\S+ .*\\bn_cpus=${cpus().length}i[ ,]`, 'm'));
    expect(stdout).toMatch(/^> system,host=\S+ uptime_format="[^"]+" \d+$/m);
    expect(stdout).not.toMatch(/^> (cpu|disk|net)[, ]/m);
  });

  test('an unknown group is reported against its line of the config, and nothing runs', async () => {
    const { code, stdout, stderr } = await vigilTest('[[inputs.system]]\n  collect = ["mem", "gpu"]\n');
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/:2: inputs\.system: option "collect\.1" must be one of/);
  });
});
