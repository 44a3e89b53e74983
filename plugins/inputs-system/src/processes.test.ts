import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { gatherOnce } from '@vigil/core/testing';
import { processes } from './index.js';

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
    const { metrics, errors } = await gatherOnce(processes, {});
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
});
