// The real `vigil run` (built dist) reading a file into outputs.file: killed with SIGKILL and
// restarted, writing into an output that fails for a while, and losing its stdout reader.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeTempDir, waitFor } from './test-support.js';

const CLI = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));

let tmp: ReturnType<typeof makeTempDir>;
const children = new Set<ChildProcess>();
beforeEach(() => (tmp = makeTempDir()));
afterEach(async () => {
  for (const child of children) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  children.clear();
  tmp.remove();
});

function run(config: string, stdout: 'pipe' | 'ignore' = 'ignore'): { child: ChildProcess; stderr: () => string } {
  const path = tmp.path('vigil.toml');
  writeFileSync(path, config);
  const child = spawn(process.execPath, [CLI, 'run', '--config', path], { stdio: ['ignore', stdout, 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  children.add(child);
  child.once('exit', () => children.delete(child));
  return { child, stderr: () => stderr };
}

function config(input: string, output: string, extra = ''): string {
  return (
    `[agent]\n  omit_hostname = true\n  flush_interval = "100ms"\n  statefile = ${JSON.stringify(tmp.path('state.json'))}\n` +
    `[[inputs.logs]]\n  files = [${JSON.stringify(input)}]\n  initial_read_offset = "saved-or-beginning"\n  flush_interval = "50ms"\n` +
    `[[outputs.file]]\n  files = [${JSON.stringify(output)}]\n  data_format = "json"\n${extra}`
  );
}

const numbered = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `2026-11-23T07:00:01Z INFO seq=${from + i}\n`).join('');

/** The seq numbers in a JSON-lines output file, in order. */
function seqsIn(path: string): number[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  // The output may be writing as the test reads: only whole lines count.
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter(Boolean)
    .map((line) => Number(/seq=(\d+)/.exec(JSON.parse(line).message)?.[1]));
}

function missing(seqs: number[], total: number): number[] {
  const seen = new Set(seqs);
  return Array.from({ length: total }, (_, i) => i).filter((i) => !seen.has(i));
}

describe('vigil run: inputs.logs into outputs.file', () => {
  test('killed with SIGKILL mid-stream and restarted: no line is lost', async () => {
    const input = tmp.path('app.log');
    const output = tmp.path('out.json');
    const total = 100_000;
    writeFileSync(input, '');
    // A writer appending 1,000 lines every 10 ms while the agent is killed and started again.
    let written = 0;
    const writer = setInterval(() => {
      appendFileSync(input, numbered(written, Math.min(written + 1_000, total)));
      written = Math.min(written + 1_000, total);
      if (written >= total) clearInterval(writer);
    }, 10);
    try {
      const first = run(config(input, output));
      await waitFor(() => seqsIn(output).length > 5_000, 'the first run to be writing', 30_000);
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));
      expect(written).toBeLessThan(total); // killed while lines were still coming
      run(config(input, output));
      await waitFor(() => written >= total && missing(seqsIn(output), total).length === 0, 'every line after the restart', 60_000);
    } finally {
      clearInterval(writer);
    }
    // At least once: a kill can repeat what was written after the last saved position, never skip.
    expect(missing(seqsIn(output), total)).toEqual([]);
  }, 120_000);

  test('an output that fails (a full disk) holds reading back; once it works every line arrives exactly once', async () => {
    const input = tmp.path('app.log');
    const output = tmp.path('out.json');
    symlinkSync('/dev/full', output);
    const total = 5_000;
    writeFileSync(input, numbered(0, total));
    const agent = run(config(input, output, '  metric_batch_size = 100\n'));
    await waitFor(() => /ENOSPC/.test(agent.stderr()), 'the failing write to be logged', 30_000);
    // The disk "gets space": the path becomes a plain file, and the retry goes through.
    unlinkSync(output);
    await waitFor(() => seqsIn(output).length >= total, 'every line once the output works', 60_000);
    expect(seqsIn(output)).toEqual(Array.from({ length: total }, (_, i) => i));
  }, 90_000);

  test('stdout closed by its reader (vigil | head -1): one line says so, the agent runs on and its other output gets every line', async () => {
    const input = tmp.path('app.log');
    const output = tmp.path('out.json');
    writeFileSync(input, numbered(0, 10));
    const agent = run(config(input, output) + `[[outputs.file]]\n  files = ["stdout"]\n`, 'pipe');
    const stdout = agent.child.stdout!;
    await new Promise((resolve) => stdout.once('data', resolve));
    stdout.destroy();
    appendFileSync(input, numbered(10, 2_000));
    await waitFor(() => seqsIn(output).length >= 2_000, 'the file output to get every line', 30_000);
    await waitFor(() => /closed by its reader/.test(agent.stderr()), 'the closed stdout to be told', 30_000);
    appendFileSync(input, numbered(2_000, 2_100));
    await waitFor(() => seqsIn(output).length >= 2_100, 'lines written after it', 30_000);
    expect(agent.child.exitCode).toBeNull();
    expect(seqsIn(output)).toEqual(Array.from({ length: 2_100 }, (_, i) => i));
    const told = agent.stderr().split('\n').filter((line) => /stdout|EPIPE/.test(line));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/\[outputs\.file\] rejected \d+ items for good: stdout was closed by its reader \(EPIPE\): nothing more is written there; the agent and its other outputs keep running$/);
  }, 60_000);
});
