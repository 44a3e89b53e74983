// What a user sees from `vigil run`: the built CLI (npm test builds it first) sending its own
// counters through outputs.file on standard output.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));

let dir: string;
let child: ChildProcess | undefined;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vigil-internal-'))));
afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `vigil run` and resolves with the first stdout line `wanted` accepts; rejects after `ms`. */
function runUntil(config: string, wanted: (line: string) => boolean, ms = 30_000): Promise<string> {
  const path = join(dir, 'vigil.toml');
  writeFileSync(path, config);
  const run = spawn(process.execPath, [CLI, 'run', '--config', path], { stdio: ['ignore', 'pipe', 'pipe'] });
  child = run;
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no such line within ${ms} ms; stdout:\n${stdout}\nstderr:\n${stderr}`)), ms);
    run.stderr!.on('data', (d) => (stderr += d));
    run.stdout!.on('data', (d) => {
      stdout += d;
      const line = stdout.split('\n').find(wanted);
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    run.on('exit', (code) => reject(new Error(`vigil exited with ${code}; stderr:\n${stderr}`)));
  });
}

describe('inputs.internal through vigil run', () => {
  it('sends internal_processor per processor: the two debug lines a filter drops show as metrics_dropped', async () => {
    const log = join(dir, 'app.log');
    writeFileSync(log, ['{"level":"debug","msg":"cache probe"}', '{"level":"info","msg":"started"}', '{"level":"debug","msg":"cache hit"}', '{"level":"error","msg":"disk full"}'].join('\n') + '\n');
    const config = `[agent]
  interval = "1s"
  flush_interval = "1s"
  omit_hostname = true
[[inputs.logs]]
  files = ["${log}"]
  initial_read_offset = "beginning"
  path_tag = ""
[[inputs.internal]]
  collect_memstats = false
[[processors.filter]]
  alias = "no_debug"
  drop = 'kind == "log" && level == "debug"'
[[outputs.file]]
  files = ["stdout"]
`;
    const line = await runUntil(config, (l) => l.startsWith('internal_processor,') && l.includes('metrics_dropped=2i'));
    const match = /^internal_processor,alias=no_debug,processor=filter,version=[^ ,]+ metrics_received=(\d+)i,metrics_emitted=(\d+)i,metrics_dropped=2i,errors=0i,process_time_ns=(\d+)i \d+$/.exec(line);
    expect({ line, matched: match !== null }).toEqual({ line, matched: true });
    const [received, emitted, timeNs] = match!.slice(1).map(Number);
    // Everything that reached the filter either went on or was dropped; the 4 log lines at least reached it.
    expect(received).toBeGreaterThanOrEqual(4);
    expect(received - emitted).toBe(2);
    expect(timeNs).toBeGreaterThan(0);
  });
});
