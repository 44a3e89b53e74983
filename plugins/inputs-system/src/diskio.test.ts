import { readFileSync } from 'node:fs';
import { gatherOnce } from '@vigil/core/testing';
import system from './index.js';

describe('diskio', () => {
  const deviceNames = () => readFileSync('/proc/diskstats', 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/)[2]);

  test('every block device of /proc/diskstats is reported, sectors turned into bytes', async () => {
    const { metrics, errors } = await gatherOnce(system, { collect: ['diskio'] });
    expect(errors).toEqual([]);
    expect(metrics.map((m) => m.tags.name)).toEqual(deviceNames());
    for (const m of metrics) {
      expect(m.type).toBe('counter');
      expect(Object.keys(m.fields).sort()).toEqual(['io_time', 'iops_in_progress', 'merged_reads', 'merged_writes', 'read_bytes', 'read_time', 'reads', 'weighted_io_time', 'write_bytes', 'write_time', 'writes']);
      expect((m.fields.read_bytes as bigint) % 512n).toBe(0n);
    }
  });

  test('devices globs choose the devices', async () => {
    const first = deviceNames()[0];
    const { metrics } = await gatherOnce(system, { collect: ['diskio'], devices: [first] });
    expect(metrics.map((m) => m.tags.name)).toEqual([first]);
    const { metrics: none } = await gatherOnce(system, { collect: ['diskio'], devices: ['no-such-disk*'] });
    expect(none).toEqual([]);
  });
});
