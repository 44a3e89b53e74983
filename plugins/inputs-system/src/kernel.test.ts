import { readFileSync } from 'node:fs';
import { createRecordingAccumulator, gatherOnce } from '@vigil/core/testing';
import system from './index.js';
import { gatherKernel } from './kernel.js';
import { ProcFiles } from './proc-files.js';
import { fakeRoot, removeFakeRoots } from './test-fake-root.js';

afterAll(removeFakeRoots);

const statValue = (key: string) => BigInt(new RegExp(`^${key} (\\d+)`, 'm').exec(readFileSync('/proc/stat', 'utf8'))![1]);

describe('kernel', () => {
  test('boot time, counters since boot, entropy and file descriptors from /proc', async () => {
    const ctxtBefore = statValue('ctxt');
    const { metrics, errors } = await gatherOnce(system, { collect: ['kernel'] });
    const ctxtAfter = statValue('ctxt');
    expect(errors).toEqual([]);
    const f = metrics[0].fields;
    expect(metrics[0]).toMatchObject({ name: 'kernel', type: 'counter' });
    expect(f.boot_time).toBe(statValue('btime'));
    expect(f.context_switches as bigint).toBeGreaterThanOrEqual(ctxtBefore);
    expect(f.context_switches as bigint).toBeLessThanOrEqual(ctxtAfter);
    expect(typeof f.interrupts).toBe('bigint');
    expect(typeof f.processes_forked).toBe('bigint');
    expect(typeof f.entropy_avail).toBe('bigint');
    const [, , max] = readFileSync('/proc/sys/fs/file-nr', 'utf8').trim().split(/\s+/);
    expect(f.file_descriptors_max).toBe(BigInt(max));
    expect(f.file_descriptors_open as bigint).toBeGreaterThan(0n);
  });

  test('old kernels with a "page" line also give disk_pages_in and disk_pages_out', () => {
    const root = fakeRoot({ 'proc/stat': 'cpu  1 2 3 4\nintr 99 1 2\nctxt 5\nbtime 1700000000\nprocesses 77\npage 123 456\n' });
    const acc = createRecordingAccumulator();
    gatherKernel(acc, new ProcFiles(root), 0);
    expect(acc.metrics[0].fields).toEqual({ boot_time: 1700000000n, context_switches: 5n, interrupts: 99n, processes_forked: 77n, disk_pages_in: 123n, disk_pages_out: 456n });
  });
});
