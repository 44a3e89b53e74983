// Figures of the installable package (run by `npm run bench`, or alone after a build):
// tarball size and files, cold start to the first metric, idle RSS of the installed agent on
// the embedded default, and what each library and built-in plugin package adds to a bare Node.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const IDLE_SECONDS = Number(process.env.VIGIL_BENCH_IDLE_SECONDS ?? 20);
const work = mkdtempSync(join(tmpdir(), 'vigil-package-bench-'));
const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;

const packOutput = execFileSync(process.execPath, [join(REPO, 'packaging/package.mjs'), '--out', join(work, 'out')], { encoding: 'utf8' });
const tarball = packOutput.trim().split('\n').at(-1);
const entries = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n').length;
console.log(`tarball: ${(statSync(tarball).size / 1024).toFixed(0)} KiB, ${entries} files`);
execFileSync('npm', ['install', '-g', '--offline', '--prefix', join(work, 'prefix'), tarball, '--no-audit', '--no-fund'], { stdio: 'ignore' });
const vigil = join(work, 'prefix/bin/vigil');

function rssKiB(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

/** Starts vigil and resolves with the child once its first metric line is out. */
function startAgent(args) {
  const started = process.hrtime.bigint();
  const child = spawn(vigil, args, { cwd: work, stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => code !== 0 && reject(new Error(`vigil exited ${code} before its first metric`)));
    child.stdout.once('data', () => resolve({ child, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
  });
}

// Cold start: `run --once` gathers and writes at once, where `run` waits for the first flush.
const starts = [];
for (let i = 0; i < 3; i++) starts.push((await startAgent(['run', '--once'])).ms);
console.log(`cold start to first metric (run --once, embedded default): ${starts.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}`);

const defaults = join(work, 'default.toml');
writeFileSync(defaults, readFileSync(join(work, 'prefix/lib/node_modules/vigil-agent/share/vigil.toml')));
const { child } = await startAgent(['run', '--config', defaults]);
await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
console.log(`idle RSS of the installed agent on the embedded default after ${IDLE_SECONDS} s: ${mib(rssKiB(child.pid))}`);
child.kill('SIGKILL');

/** RSS of a Node that imported `specifier` (resolved from packages/cli), 1 s later. */
function importRss(specifier) {
  const code = `await import(${JSON.stringify(specifier)}); await new Promise((r) => setTimeout(r, 1000)); process.stdout.write(String(process.memoryUsage().rss / 1024));`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: join(REPO, 'packages/cli'), encoding: 'utf8' }));
}

// The baseline imports a built-in, so the ES module loader is counted in it and not in each row.
const bare = importRss('node:os');
const sdk = importRss('@vigil/core');
console.log(`\nRSS a module adds when imported alone, from the workspace (bare Node: ${mib(bare)}; a plugin's own cost is beyond @vigil/core's):`);
const libraries = ['smol-toml', 'ajv', 'pino', 'semver', 'got', '@node-rs/crc32', '@vigil/core', '@vigil/core/runtime'];
const plugins = readdirSync(join(REPO, 'plugins')).sort().map((dir) => `@vigil/${dir}`);
for (const specifier of [...libraries, ...plugins]) {
  try {
    const rss = importRss(specifier);
    const own = specifier.startsWith('@vigil/') && !specifier.startsWith('@vigil/core') ? `  (+${mib(rss - sdk)} beyond @vigil/core)` : '';
    console.log(`  ${specifier.padEnd(28)} +${mib(rss - bare)}${own}`);
  } catch {
    console.log(`  ${specifier.padEnd(28)} (does not load)`);
  }
}
rmSync(work, { recursive: true, force: true });
