import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRecordingAccumulator, gatherOnce } from '@vigil/core/testing';
import system from './index.js';
import { countProcess, emptyProcessCounts, gatherProcesses } from './processes.js';
import { ProcFiles } from './proc-files.js';
import { fakeRoot, removeFakeRoots } from './test-fake-root.js';

afterAll(removeFakeRoots);

describe('processes', () => {
  let stopped: ChildProcess;
  beforeAll(async () => {
    stopped = spawn('sleep', ['60'], { stdio: 'ignore' });
    await new Promise((resolve) => stopped.once('spawn', resolve));
    stopped.kill('SIGSTOP');
    // Wait until the kernel shows it stopped.
    while (!/\) T /.test(readFileSync(`/proc/${stopped.pid}/stat`, 'utf8'))) await new Promise((r) => setTimeout(r, 10));
  });
  afterAll(() => {
    stopped.kill('SIGKILL');
  });

  test('every process is counted by state, a stopped one among them, with the threads of all', async () => {
    const { metrics, errors } = await gatherOnce(system, { collect: ['processes'] });
    expect(errors).toEqual([]);
    expect(metrics).toHaveLength(1);
    const f = metrics[0].fields as Record<string, bigint>;
    expect(metrics[0].type).toBe('gauge');
    expect(f.stopped).toBeGreaterThanOrEqual(1n);
    const byState = f.running + f.sleeping + f.blocked + f.zombies + f.stopped + f.dead + f.paging + f.idle + f.parked + f.unknown;
    expect(byState).toBe(f.total);
    expect(f.total_threads).toBeGreaterThanOrEqual(f.total);
    // Processes come and go; the count is that of /proc around the gather.
    const pids = readdirSync('/proc').filter((e) => /^\d+$/.test(e)).length;
    expect(Number(f.total)).toBeGreaterThan(pids / 2);
    expect(Number(f.total)).toBeLessThan(pids * 2);
  });

  test('a command name holding spaces and parentheses does not shift the fields', () => {
    const counts = emptyProcessCounts();
    countProcess('1234 (evil) Z (name) S 1 1234 1234 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 7 0 100 1000 50', counts);
    expect(counts.sleeping).toBe(1n);
    expect(counts.total_threads).toBe(7n);
  });

  test('states are mapped as Telegraf maps them, unknown letters counted apart', () => {
    const line = (pid: number, state: string, threads: number) => `${pid} (p) ${state} 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 ${threads} 0 1 1 1`;
    const root = fakeRoot({
      'proc/1/stat': line(1, 'S', 1),
      'proc/2/stat': line(2, 'R', 4),
      'proc/3/stat': line(3, 'D', 1),
      'proc/4/stat': line(4, 'Z', 1),
      'proc/5/stat': line(5, 't', 1),
      'proc/6/stat': line(6, 'I', 1),
      'proc/7/stat': line(7, 'Q', 1),
      'proc/self/stat': line(8, 'R', 1),
    });
    const acc = createRecordingAccumulator();
    gatherProcesses(acc, new ProcFiles(root), 0);
    expect(acc.metrics[0].fields).toMatchObject({ total: 7n, sleeping: 1n, running: 1n, blocked: 1n, zombies: 1n, stopped: 1n, idle: 1n, unknown: 1n, total_threads: 10n });
  });
});
