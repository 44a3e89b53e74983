import { readFileSync, statfsSync } from 'node:fs';
import { gatherOnce } from '@vigil/core/testing';
import system from './index.js';
import { selectMounts } from './disk.js';
import { parseMountInfo, DEFAULT_IGNORE_FS } from './mounts.js';

const mounts = parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8'));

describe('disk', () => {
  test('the / filesystem reports statvfs figures with its device, type and mode', async () => {
    const { metrics, errors } = await gatherOnce(system, { collect: ['disk'] });
    expect(errors).toEqual([]);
    const root = metrics.find((m) => m.tags.path === '/')!;
    const s = statfsSync('/');
    const rootMount = mounts.filter((m) => m.mountPoint === '/').pop()!;
    expect(root.name).toBe('disk');
    expect(root.tags).toEqual({ path: '/', device: rootMount.source.replace('/dev/', ''), fstype: rootMount.fsType, mode: rootMount.readOnly ? 'ro' : 'rw' });
    expect(root.fields.total).toBe(BigInt(s.blocks * s.bsize));
    expect(root.fields.inodes_total).toBe(BigInt(s.files));
    expect(root.fields.used as bigint).toBeLessThanOrEqual(root.fields.total as bigint);
    expect(root.fields.free as bigint).toBeLessThanOrEqual(root.fields.total as bigint);
    for (const key of ['used_percent', 'inodes_used_percent']) {
      expect(root.fields[key]).toBeGreaterThanOrEqual(0);
      expect(root.fields[key]).toBeLessThanOrEqual(100);
    }
    expect(root.fields.inodes_used).toBe((root.fields.inodes_total as bigint) - (root.fields.inodes_free as bigint));
  });

  test("Telegraf's ignore_fs list leaves tmpfs out by default; an empty list lets it in", async () => {
    const tmpfs = mounts.find((m) => m.fsType === 'tmpfs' && statfsSync(m.mountPoint).blocks > 0);
    expect(tmpfs).toBeDefined();
    const byDefault = await gatherOnce(system, { collect: ['disk'] });
    expect(byDefault.metrics.some((m) => m.tags.fstype === 'tmpfs')).toBe(false);
    const all = await gatherOnce(system, { collect: ['disk'], ignore_fs: [] });
    expect(all.metrics.some((m) => m.tags.path === tmpfs!.mountPoint)).toBe(true);
  });

  test('mount_points limits the report to those paths', async () => {
    const { metrics } = await gatherOnce(system, { collect: ['disk'], mount_points: ['/'] });
    expect(metrics.map((m) => m.tags.path)).toEqual(['/']);
  });

  test('ignore_fs naming the root filesystem type leaves / out', async () => {
    const rootType = mounts.filter((m) => m.mountPoint === '/').pop()!.fsType;
    const { metrics } = await gatherOnce(system, { collect: ['disk'], ignore_fs: [...DEFAULT_IGNORE_FS, rootType] });
    expect(metrics.some((m) => m.tags.path === '/')).toBe(false);
  });

  test('pseudo filesystems of size 0 (proc, sysfs) are not reported', async () => {
    const { metrics } = await gatherOnce(system, { collect: ['disk'], ignore_fs: [] });
    expect(metrics.some((m) => m.tags.fstype === 'proc' || m.tags.fstype === 'sysfs')).toBe(false);
  });
});

describe('mountinfo', () => {
  const text = [
    '27 1 254:0 / / rw,relatime - ext4 /dev/vda1 rw,discard',
    '40 27 0:38 / /mnt/my\\040disk ro,nosuid - vfat /dev/sdb1 ro',
    '41 27 0:39 / /srv rw - nfs4 fileserver:/export rw',
  ].join('\n');

  test('octal escapes in mount points are decoded and ro is read from the mount options', () => {
    expect(parseMountInfo(text)).toEqual([
      { deviceNumber: '254:0', mountPoint: '/', source: '/dev/vda1', fsType: 'ext4', readOnly: false },
      { deviceNumber: '0:38', mountPoint: '/mnt/my disk', source: '/dev/sdb1', fsType: 'vfat', readOnly: true },
      { deviceNumber: '0:39', mountPoint: '/srv', source: 'fileserver:/export', fsType: 'nfs4', readOnly: false },
    ]);
  });

  test('a mount point mounted twice is reported once, as the mount on top (the one statfs sees)', () => {
    const twice = parseMountInfo(`${text}\n50 27 0:77 / /srv rw - xfs /dev/sdc1 rw`);
    const selected = selectMounts(twice, { mountPoints: [], ignoreFs: [] });
    expect(selected.map((m) => `${m.mountPoint} ${m.source}`)).toEqual(['/ /dev/vda1', '/mnt/my disk /dev/sdb1', '/srv /dev/sdc1']);
  });

  test('mount_points and ignore_fs choose among the mounts', () => {
    const all = parseMountInfo(text);
    expect(selectMounts(all, { mountPoints: ['/srv', '/nowhere'], ignoreFs: [] }).map((m) => m.mountPoint)).toEqual(['/srv']);
    expect(selectMounts(all, { mountPoints: [], ignoreFs: ['vfat', 'nfs4'] }).map((m) => m.mountPoint)).toEqual(['/']);
  });
});
