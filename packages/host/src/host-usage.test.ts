import { readFileSync } from 'node:fs';
import { getHostDetails } from './host-details.js';
import { getHostUsage, snmpTcpValue } from './host-usage.js';
import { osFamily } from './os-release.js';
import { fakeRoot, removeFakeRoots } from '@vigil/core/testing';

afterAll(removeFakeRoots);

describe('getHostUsage', () => {
  test('disk I/O is summed over whole disks: a partition, already in its disk, is not added again', async () => {
    const root = fakeRoot({
      'proc/diskstats': [
        '   8       0 sda 10 0 100 5 20 0 200 7 1 30 40',
        '   8       1 sda1 9 0 90 4 19 0 190 6 1 29 39',
        ' 259       0 nvme0n1 1 0 8 1 2 0 16 2 0 3 4',
      ].join('\n'),
      'sys/class/block/sda1/partition': '1\n',
    });
    const usage = await getHostUsage({ root, statfs: async () => undefined, addresses: {} });
    expect(usage.diskIo).toEqual({
      reads: 11n,
      merged_reads: 0n,
      read_bytes: 108n * 512n,
      read_time: 6n,
      writes: 22n,
      merged_writes: 0n,
      write_bytes: 216n * 512n,
      write_time: 9n,
      iops_in_progress: 1n,
      io_time: 33n,
      weighted_io_time: 44n,
    });
  });

  test('a filesystem whose statfs does not answer in time is left out, the others are kept', async () => {
    const root = fakeRoot({
      'proc/self/mountinfo': '22 1 8:1 / / rw - ext4 /dev/sda1 rw\n23 22 8:2 / /stuck rw - ext4 /dev/sda2 rw\n',
    });
    const statfs = async (mountPoint: string) => (mountPoint === '/' ? { blocks: 10, bsize: 1024, bfree: 5, bavail: 4, files: 8, ffree: 2 } : undefined);
    const usage = await getHostUsage({ root, statfs, addresses: {} });
    expect(usage.filesystems).toEqual([
      { device: '/dev/sda1', mountPoint: '/', fsType: 'ext4', usage: { total: 10240, free: 4096, used: 5120, usedPercent: (100 * 5120) / 9216, inodesTotal: 8, inodesFree: 2, inodesUsed: 6, inodesUsedPercent: 75 } },
    ]);
  });

  test('an empty root gives no part at all rather than zeros', async () => {
    const usage = await getHostUsage({ root: fakeRoot({}), statfs: async () => undefined, addresses: {} });
    expect(usage).toEqual({ readAt: expect.any(Number), cpu: new Map(), filesystems: [], interfaces: [] });
  });

  test('this host: every part is there, the memory total is MemTotal', async () => {
    const usage = await getHostUsage();
    expect(usage.cpu.get('cpu-total')?.idle).toBeGreaterThan(0);
    expect(usage.memory?.total).toBe(BigInt(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024n);
    expect(usage.processes?.total).toBeGreaterThan(0n);
    expect(usage.tcp?.tcp_listen).toBeGreaterThanOrEqual(0n);
    expect(typeof usage.kernel?.context_switches).toBe('bigint');
    expect(typeof usage.diskIo?.reads).toBe('bigint');
    expect(usage.interfaces.some((i) => i.loopback)).toBe(true);
  });
});

describe('host details', () => {
  test('TCP values of /proc/net/snmp are found by their column name', () => {
    const snmp = 'Tcp: RtoAlgorithm RtoMin RetransSegs InErrs\nTcp: 1 200 77 3\nUdp: InDatagrams\nUdp: 5\n';
    expect(snmpTcpValue(snmp, 'RetransSegs')).toBe(77n);
    expect(snmpTcpValue(snmp, 'OutRsts')).toBeUndefined();
  });

  test('the distribution family is the first ID_LIKE, else the ID itself', () => {
    expect(osFamily('ID="rocky"\nID_LIKE="rhel centos fedora"\n')).toBe('rhel');
    expect(osFamily('ID=debian\n')).toBe('debian');
    expect(osFamily('')).toBe('');
  });

  test('the DMI product UUID comes before the machine id; podman names the container and its image', async () => {
    const root = fakeRoot({
      'sys/class/dmi/id/product_uuid': 'EC2A0B1C-1234-5678-9ABC-DEF012345678\n',
      'etc/machine-id': '0123456789abcdef0123456789abcdef\n',
      'proc/cpuinfo': 'processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\ncpu MHz\t\t: 2596.134\ncache size\t: 512 KB\n',
      'run/.containerenv': 'engine="podman-5.0.0"\nname="db"\nimage="quay.io/x/postgres:16"\n',
    });
    expect(await getHostDetails(root)).toEqual({
      platformFamily: '',
      hostId: 'ec2a0b1c-1234-5678-9abc-def012345678',
      cpuFamily: '25',
      cpuMhz: 2596.134,
      cpuCacheSizeKb: 512,
      containerName: 'db',
      containerImage: 'quay.io/x/postgres:16',
    });
  });
});
