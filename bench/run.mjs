// `npm run bench`: the core pipeline figures, then every plugin's bench/bench.mjs in turn.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const benches = [
  ['core', `${root}bench/pipeline.mjs`],
  ['buffers', `${root}bench/buffers.mjs`],
  ['package', `${root}packaging/bench.mjs`],
  ['processors', `${root}bench/processors.mjs`],
  ['logs to file, through the CLI', `${root}bench/logs-to-file.mjs`],
];
for (const dir of readdirSync(`${root}plugins`).sort()) {
  const path = `${root}plugins/${dir}/bench/bench.mjs`;
  if (existsSync(path)) benches.push([dir, path]);
}
let failed = 0;
for (const [name, path] of benches) {
  console.log(`\n== ${name} ==`);
  const { status } = spawnSync(process.execPath, [path], { stdio: 'inherit', cwd: root });
  if (status !== 0) {
    failed++;
    console.log(`(${name} bench exited ${status})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
