import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = new URL('../../../packages/cli/dist/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'vigil-system-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function vigil(command: string, config: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(path, config);
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, command, '--config', path, ...args], { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const vigilTest = (config: string) => vigil('test', config);

/** A Telegraf user's host inputs, with Telegraf's option names and typical values. */
const TELEGRAF_HOST_INPUTS = `
[[inputs.cpu]]
  percpu = true
  totalcpu = true
  collect_cpu_time = false
  report_active = false
  core_tags = false

[[inputs.disk]]
  ignore_fs = ["tmpfs", "devtmpfs", "devfs", "iso9660", "overlay", "aufs", "squashfs"]
  ignore_mount_opts = ["bind"]

[[inputs.diskio]]
  skip_serial_number = true
  device_tags = ["ID_FS_TYPE", "ID_FS_USAGE"]

[[inputs.kernel]]
  collect = ["psi"]

[[inputs.mem]]

[[inputs.net]]
  ignore_protocol_stats = false

[[inputs.netstat]]

[[inputs.processes]]

[[inputs.swap]]

[[inputs.system]]
  collect = ["system"]
`;

describe("a Telegraf user's host inputs", () => {
  test('validate accepts them', async () => {
    const { code, stdout, stderr } = await vigil('validate', `${TELEGRAF_HOST_INPUTS}\n[[outputs.file]]\n  files = ["stdout"]\n`);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).not.toBe('');
  });

  test('vigil test prints what each sends under its measurement names, and system only load, uptime and users', async () => {
    const { code, stdout, stderr } = await vigilTest(TELEGRAF_HOST_INPUTS);
    expect(stderr).not.toMatch(/E!/);
    expect(code).toBe(0);
    const names = new Set([...stdout.matchAll(/^> (\w+),/gm)].map((m) => m[1]));
    expect([...names].sort()).toEqual(['cpu', 'disk', 'diskio', 'kernel', 'mem', 'net', 'netstat', 'pressure', 'processes', 'swap', 'system']);
    expect(stdout).toMatch(/^> net,host=\S+,interface=all .*\btcp_activeopens=\d+i/m);
    expect(stdout).toMatch(/^> system,host=\S+ .*\bn_physical_cpus=\d+i/m);
    // Each input's own metrics only: inputs.system with collect = ["system"] sends no mem.
    expect(stdout.match(/^> mem,/gm)).toHaveLength(1);
  });

  test('vigil run --once writes them to the configured file', async () => {
    const out = join(dir, 'metrics.out');
    const { code, stderr } = await vigil('run', `${TELEGRAF_HOST_INPUTS}\n[[outputs.file]]\n  files = ["${out}"]\n`, '--once');
    expect(stderr).not.toMatch(/E!/);
    expect(code).toBe(0);
    const written = readFileSync(out, 'utf8');
    for (const name of ['cpu', 'disk', 'diskio', 'kernel', 'mem', 'net', 'netstat', 'processes', 'swap', 'system']) expect(written).toMatch(new RegExp(`^${name},`, 'm'));
  });
});

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
