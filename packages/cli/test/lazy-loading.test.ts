import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI, REPO } from './cli-process.js';

/**
 * Which modules a command imports, seen by a module resolution hook that writes every URL it
 * resolves to a file: a plugin package is imported only when a config names one of its plugins.
 */
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'vigil-lazy-'));
writeFileSync(join(dir, 'hooks.mjs'), "import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const result = await next(specifier, context);\n  appendFileSync(process.env.VIGIL_IMPORT_LOG, result.url + '\\n');\n  return result;\n}\n");
writeFileSync(join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
let runs = 0;

/** The plugin packages (plugins/<folder>) and libraries a CLI run imported. */
async function importsOf(args: string[]): Promise<{ plugins: string[]; libraries: string[] }> {
  const log = join(dir, `imports-${++runs}.log`);
  writeFileSync(log, '');
  await run(process.execPath, ['--import', join(dir, 'register.mjs'), CLI, ...args], { cwd: REPO, env: { ...process.env, VIGIL_IMPORT_LOG: log, VIGIL_CONFIG_PATH: '' } });
  const urls = readFileSync(log, 'utf8').split('\n');
  const matches = (re: RegExp) => [...new Set(urls.map((u) => re.exec(u)?.[1]).filter((m): m is string => !!m))].sort();
  return { plugins: matches(/\/plugins\/([^/]+)\//), libraries: matches(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//) };
}

describe('lazy loading', () => {
  test('vigil --version imports no plugin', async () => {
    expect((await importsOf(['--version'])).plugins).toEqual([]);
  });

  test('the embedded default imports only inputs.system and outputs.file, without the MQTT, NATS, gRPC, Docker or disk buffer libraries', async () => {
    const { plugins, libraries } = await importsOf(['run', '--once']);
    expect(plugins).toEqual(['inputs-system', 'outputs-file']);
    for (const heavy of ['mqtt', '@nats-io/transport-node', '@grpc/grpc-js', 'dockerode', '@node-rs/crc32']) expect(libraries).not.toContain(heavy);
  });

  // got and its 20 dependencies add about 20 MiB of RSS: only HTTP plugins and URL configs need them.
  test('the embedded default does not import the HTTP client library', async () => {
    expect((await importsOf(['run', '--once'])).libraries).not.toContain('got');
  });

  test('vigil config --outputs imports only the packages it prints', async () => {
    expect((await importsOf(['config', '--outputs', 'mqtt'])).plugins).toEqual(['outputs-mqtt']);
  });
});
