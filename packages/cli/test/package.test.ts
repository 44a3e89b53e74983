import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireTool } from '@vigil/core/testing';
import { REPO } from './cli-process.js';

/**
 * The installable package as a user gets it: `npm run package`'s tarball installed offline
 * into an empty prefix, run from a folder that is not this repository.
 */
const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'vigil-package-'));
const prefix = join(work, 'prefix');
const vigil = join(prefix, 'bin', 'vigil');
const elsewhere = join(work, 'elsewhere');
const pluginDir = join(work, 'plugins');
let tarball = '';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function sh(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd: options.cwd ?? elsewhere, env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}

/** A plugin package folder with the given manifest fields and one input. */
function writePlugin(name: string, fields: Record<string, unknown>, pluginName: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.2.3', type: 'module', main: 'index.js', ...fields }));
  writeFileSync(
    join(dir, 'index.js'),
    `import { defineInput } from '@vigil/core';\nexport default defineInput({ name: '${pluginName}', description: 'test', schema: { type: 'object', properties: {} }, sample: '', create: () => ({ gather(acc) { acc.addFields('${pluginName}', { value: 1 }); } }) });\n`,
  );
  return dir;
}

beforeAll(async () => {
  mkdirSync(elsewhere);
  const packed = await sh(process.execPath, [join(REPO, 'packaging/package.mjs'), '--out', join(work, 'out')], { cwd: REPO });
  expect(packed.stderr).toBe('');
  tarball = packed.stdout.trim().split('\n').at(-1)!;
  const installed = await sh('npm', ['install', '-g', '--offline', '--prefix', prefix, tarball, '--no-audit', '--no-fund']);
  expect(installed.code).toBe(0);
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the installed package', () => {
  test('npm run package prints the path of a tarball named vigil-agent as its last line', () => {
    expect(tarball).toBe(join(work, 'out', 'vigil-agent-0.1.0.tgz'));
    expect(existsSync(tarball)).toBe(true);
  });

  test('vigil --version works from a folder outside the repository', async () => {
    const result = await sh(vigil, ['--version']);
    expect(result).toEqual({ code: 0, stdout: 'vigil 0.1.0\n', stderr: '' });
  });

  test('vigil run --once gathers host metrics with the embedded default', async () => {
    const result = await sh(vigil, ['run', '--once'], { env: { VIGIL_CONFIG_PATH: '' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^cpu,cpu=cpu-total,host=\S+ .*usage_idle=/m);
    expect(result.stdout).toMatch(/^mem,host=\S+ .*total=\d+i/m);
  });

  test('vigil config prints the samples of the plugins it ships', async () => {
    const result = await sh(vigil, ['config', '--inputs', 'system', '--outputs', 'file']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('[[inputs.system]]');
    expect(result.stdout).toContain('[[outputs.file]]');
  });

  test('the service unit passes systemd-analyze verify once pointed at the installed vigil', async () => {
    const unit = join(work, 'vigil.service');
    const text = readFileSync(join(prefix, 'lib/node_modules/vigil-agent/share/vigil.service'), 'utf8');
    writeFileSync(unit, text.replace('ExecStart=/usr/local/bin/vigil ', `ExecStart=${vigil} `));
    const result = await sh(requireTool('systemd-analyze', 'systemd'), ['verify', unit]);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('third-party plugins', () => {
  const config = join(work, 'third-party.toml');

  beforeAll(async () => {
    const packed = await sh('npm', ['pack', '--pack-destination', work, join(REPO, 'examples/plugin-example')]);
    expect(packed.code).toBe(0);
    writeFileSync(config, `[agent]\n  plugins = ["vigil-plugin-example"]\n  plugin_directory = "${pluginDir}"\n\n[[inputs.example]]\n  greeting = "hi"\n\n[[outputs.file]]\n  files = ["stdout"]\n`);
  }, 60_000);

  test('a packed plugin installs with vigil plugins install and runs against the agent SDK', async () => {
    const installed = await sh(vigil, ['plugins', 'install', join(work, 'vigil-plugin-example-0.1.0.tgz'), '--plugin-directory', pluginDir], { env: { npm_config_offline: 'true' } });
    expect(installed.stderr).toBe('');
    expect(installed.stdout).toContain(`installed vigil-plugin-example 0.1.0 into ${pluginDir}: inputs.example`);

    const tested = await sh(vigil, ['test', '--config', config]);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toMatch(/^> example,host=\S+ greeting="hi",count=0i \d+$/m);

    const listed = await sh(vigil, ['plugins', '--plugin-directory', pluginDir]);
    expect(listed.stdout).toMatch(/^inputs\.example +vigil-plugin-example +0\.1\.0 +third-party /m);
    expect(listed.stdout).toMatch(/^inputs\.system +@vigil\/inputs-system +0\.1\.0 +built-in /m);

    const viaConfig = await sh(vigil, ['plugins', '--config', config]);
    expect(viaConfig.stdout).toMatch(/^inputs\.example +vigil-plugin-example +0\.1\.0 +third-party /m);

    const fromConfig = await sh(vigil, ['config', '--inputs', 'example', '--config', config]);
    expect(fromConfig.stdout).toContain('[[inputs.example]]');

    const removed = await sh(vigil, ['plugins', 'remove', 'vigil-plugin-example', '--plugin-directory', pluginDir]);
    expect(removed.stdout).toBe(`removed vigil-plugin-example from ${pluginDir}\n`);
    const after = await sh(vigil, ['test', '--config', config]);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('package "vigil-plugin-example" is not installed');
  }, 120_000);

  test('a plugin built for another SDK version is refused with one line naming both', async () => {
    const dir = writePlugin('vigil-plugin-future', { peerDependencies: { '@vigil/core': '^9.0.0' } }, 'future');
    const result = await sh(vigil, ['plugins', 'install', dir, '--plugin-directory', pluginDir], { env: { npm_config_offline: 'true' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`vigil: package "vigil-plugin-future" 1.2.3 needs @vigil/core ^9.0.0, but this vigil's SDK is 0.1.0; not installed\n`);
    expect(existsSync(join(pluginDir, 'node_modules', 'vigil-plugin-future'))).toBe(false);
  }, 60_000);

  test('a plugin may not replace a built-in one', async () => {
    const dir = writePlugin('vigil-plugin-impostor', { peerDependencies: { '@vigil/core': '^0.1.0' } }, 'system');
    const result = await sh(vigil, ['plugins', 'install', dir, '--plugin-directory', pluginDir], { env: { npm_config_offline: 'true' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('vigil: package "vigil-plugin-impostor" provides inputs.system, which the built-in package "@vigil/inputs-system" already provides; not installed\n');
  }, 60_000);
});

describe('install.sh', () => {
  const script = join(REPO, 'packaging/install.sh');

  test('is valid bash', async () => {
    expect(await sh('bash', ['-n', script])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  test('a dry run into a root installs the package, the config and the unit, and keeps the config when run again', async () => {
    const root = join(work, 'root');
    const first = await sh('bash', [script, '--root', root, tarball], { env: { npm_config_offline: 'true' } });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('would run: useradd --system --user-group');
    expect(first.stdout).toContain('would run: systemctl enable --now vigil.service');
    const installedVigil = join(root, 'usr/local/bin/vigil');
    expect((await sh(installedVigil, ['--version'])).stdout).toBe('vigil 0.1.0\n');
    const configFile = join(root, 'etc/vigil/vigil.toml');
    const written = readFileSync(configFile, 'utf8');
    expect(written).toContain('[[inputs.system]]');
    expect(written).toContain('statefile = "/var/lib/vigil/statefile.json"');
    expect((await sh(installedVigil, ['validate', '--config', configFile])).code).toBe(0);
    const unit = readFileSync(join(root, 'etc/systemd/system/vigil.service'), 'utf8');
    expect(unit).toContain('ExecStart=/usr/local/bin/vigil run --config /etc/vigil/vigil.toml');
    expect(unit).toContain('ExecReload=/bin/kill -HUP $MAINPID');

    writeFileSync(configFile, '# mine\n');
    const again = await sh('bash', [script, '--root', root, tarball], { env: { npm_config_offline: 'true' } });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`kept ${configFile}`);
    expect(readFileSync(configFile, 'utf8')).toBe('# mine\n');

    const removed = await sh('bash', [script, '--root', root, '--uninstall']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('would run: systemctl disable --now vigil.service');
    expect(existsSync(join(root, 'etc/systemd/system/vigil.service'))).toBe(false);
    expect(existsSync(installedVigil)).toBe(false);
    expect(readFileSync(configFile, 'utf8')).toBe('# mine\n');
  }, 120_000);
});
