import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pluginDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs the built plugin in a fresh Node process in which starting a child process is
 * recorded and fails (test/deny-child-process.mjs), gathers every group and host_info twice,
 * then tries one spawn itself to prove the guard is in place.
 */
const CHILD_SCRIPT = `
import system from './dist/index.js';
import { createTestContext, createRecordingAccumulator } from '@vigil/core/testing';
const plugin = system.create(createTestContext(system, { host_info: true }));
const names = new Set();
const errors = [];
for (let i = 0; i < 2; i++) {
  const acc = createRecordingAccumulator();
  await plugin.gather(acc);
  acc.metrics.forEach((m) => names.add(m.name));
  errors.push(...acc.errors);
}
const duringGathers = [...globalThis.spawnAttempts];
const { execFileSync } = await import('node:child_process');
try { execFileSync('true'); } catch {}
console.log(JSON.stringify({ names: [...names].sort(), errors, duringGathers, afterControl: globalThis.spawnAttempts.length }));
`;

function runGuarded(): Promise<{ names: string[]; errors: string[]; duringGathers: string[]; afterControl: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--no-deprecation', '--import', './test/deny-child-process.mjs', '--input-type=module', '-e', CHILD_SCRIPT],
      { cwd: pluginDir, env: { ...process.env, NODE_OPTIONS: '' }, timeout: 20_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout))),
    );
  });
}

describe('a gather spawns no child process', () => {
  test('every group and host_info are gathered with child processes denied, and none is attempted', async () => {
    expect(existsSync(`${pluginDir}/dist/index.js`)).toBe(true);
    const result = await runGuarded();
    expect(result.names).toEqual(['cpu', 'disk', 'diskio', 'host_info', 'kernel', 'mem', 'net', 'netstat', 'processes', 'swap', 'system']);
    expect(result.errors).toEqual([]);
    expect(result.duringGathers).toEqual([]);
    // The guard is live: the control spawn after the gathers was caught.
    expect(result.afterControl).toBe(1);
  });
});
