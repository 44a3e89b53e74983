import type { networkInterfaces } from 'node:os';
import { getHostDetails, getHostUsage, type HostSnapshot, type StatfsResult } from '@vigil/host';
import { SystemInfoReader, systemInfoPayload } from './system-info.js';
import { fakeRoot, removeFakeRoots, writeFiles } from '@vigil/core/testing';

afterAll(removeFakeRoots);

/** What getHostSnapshot would say of the fixture host (it reads the real /, so it is given here). */
const SNAPSHOT: HostSnapshot = {
  hostname: 'web-01',
  os: 'linux',
  platform: 'ubuntu',
  platformVersion: '22.04',
  kernelVersion: '6.1.0-test',
  architecture: 'x86_64',
  bootTime: 1700000000,
  uptime: 86400,
  timezone: 'UTC',
  cpuModel: 'Test CPU',
  cpuVendor: 'GenuineIntel',
  cpuCores: 2,
  cpuPhysicalCores: 1,
  memoryTotal: 8192000000,
  diskTotal: 12288000,
  ipAddresses: ['10.0.0.5'],
  primaryIp: '10.0.0.5',
  isContainer: true,
  containerRuntime: 'podman',
  containerId: 'a'.repeat(64),
  virtualization: 'kvm',
  cloudProvider: '',
  cloudInstanceId: '',
  cloudInstanceType: '',
  cloudRegion: '',
  cloudZone: '',
};

const process = (pid: number, state: string, threads: number) => `${pid} (p) ${state} 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 ${threads} 0 1 1 1`;
const socket = (n: number, state: string) => `   ${n}: 0100007F:1F90 0100007F:C350 ${state} 00000000:00000000 00:00000000 00000000     0        0 ${100 + n} 1 0000000000000000 20 4 30 10 -1`;
const TCP_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const NET_HEADER = 'Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed';

/** The host at the first heartbeat: 1000 CPU ticks since boot, counters as written below. */
const FIRST: Record<string, string> = {
  'proc/stat': [
    'cpu  100 0 50 800 30 0 10 10 0 0',
    'cpu0 60 0 30 400 5 0 3 2 0 0',
    'cpu1 40 0 20 400 25 0 7 8 0 0',
    'intr 12345 1 2',
    'ctxt 67890',
    'btime 1700000000',
    'processes 500',
    'softirq 4321 1 2',
    '',
  ].join('\n'),
  'proc/loadavg': '0.50 0.75 1.25 2/300 12345\n',
  'proc/meminfo': [
    'MemTotal:        8000000 kB',
    'MemFree:         2000000 kB',
    'MemAvailable:    6000000 kB',
    'Buffers:          100000 kB',
    'Cached:          3000000 kB',
    'Active:          2500000 kB',
    'Inactive:        1500000 kB',
    'SwapTotal:       1000000 kB',
    'SwapFree:         750000 kB',
    'Dirty:               400 kB',
    'Writeback:             8 kB',
    'Shmem:             50000 kB',
    'Slab:             300000 kB',
    'SReclaimable:     200000 kB',
    'PageTables:        20000 kB',
    'CommitLimit:     5000000 kB',
    'Committed_AS:    4000000 kB',
    '',
  ].join('\n'),
  'proc/vmstat': 'pgfault 10000\npgmajfault 250\npswpin 100\npswpout 300\n',
  // sda1 is a partition of sda: its I/O is in sda's line already.
  'proc/diskstats': [
    '   8       0 sda 1000 10 20000 500 2000 20 40000 3000 0 2500 3500',
    '   8       1 sda1 900 10 18000 450 1900 20 38000 2900 0 2400 3350',
    ' 253       0 vdb 0 0 0 0 0 0 0 0 1 0 0',
    '',
  ].join('\n'),
  'sys/class/block/sda1/partition': '1\n',
  // /home is / again (same device), /proc and /dev are pseudo, the NFS mount is remote: only / and /data count.
  'proc/self/mountinfo': [
    '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
    '23 22 0:21 / /proc rw - proc proc rw',
    '24 22 0:5 / /dev rw - devtmpfs udev rw',
    '25 22 8:1 /home /home rw - ext4 /dev/sda1 rw',
    '26 22 0:40 / /mnt/nfs rw - nfs4 server:/export rw',
    '27 22 253:0 / /data rw - xfs /dev/vdb rw',
    '',
  ].join('\n'),
  'proc/net/dev': [
    NET_HEADER,
    '    lo:    5000      50    0    0    0     0          0         0     5000      50    0    0    0     0       0          0',
    '  eth0:  100000    1000    1    2    3     0          0         0    50000     500    4    5    6     0       0          0',
    '  eth1:       7       1    0    0    0     0          0         0        9       1    0    0    0     0       0          0',
    '',
  ].join('\n'),
  'sys/class/net/lo/flags': '0x9\n',
  'sys/class/net/eth0/flags': '0x1003\n',
  'sys/class/net/eth0/address': '52:54:00:12:34:56\n',
  'sys/class/net/eth0/mtu': '1500\n',
  'sys/class/net/eth0/speed': '1000\n',
  'sys/class/net/eth1/flags': '0x1002\n',
  'sys/class/net/eth1/address': '52:54:00:ab:cd:ef\n',
  'sys/class/net/eth1/mtu': '9000\n',
  'sys/class/net/eth1/speed': '-1\n',
  'proc/net/tcp': [TCP_HEADER, socket(0, '0A'), socket(1, '01'), socket(2, '01'), socket(3, '06'), ''].join('\n'),
  'proc/net/tcp6': [TCP_HEADER, socket(0, '0A'), socket(1, '08'), ''].join('\n'),
  'proc/net/snmp': [
    'Ip: Forwarding DefaultTTL',
    'Ip: 1 64',
    'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors',
    'Tcp: 1 200 120000 -1 10 20 1 2 3 1000 900 42 0 5 0',
    '',
  ].join('\n'),
  'proc/1/stat': process(1, 'S', 1),
  'proc/2/stat': process(2, 'R', 4),
  'proc/3/stat': process(3, 'D', 1),
  'proc/4/stat': process(4, 'Z', 1),
  'proc/5/stat': process(5, 'T', 1),
  'proc/sys/kernel/random/entropy_avail': '256\n',
  'proc/sys/fs/file-nr': '1024\t0\t100000\n',
  'etc/os-release': 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\n',
  'etc/machine-id': '0123456789abcdef0123456789abcdef\n',
  'proc/cpuinfo': 'processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel name\t: Test CPU\ncpu MHz\t\t: 2400.000\ncache size\t: 36608 KB\n',
  'sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq': '3500000\n',
  'run/.containerenv': `engine="podman-4.9.3"\nname="web-1"\nid="${'a'.repeat(64)}"\nimage="docker.io/library/nginx:1.27"\nrootless=1\n`,
};

/** Ten seconds later: 200 more ticks (100 per core), 400 reads and 600 writes more, 100 kB in and 20 kB out on eth0. */
const SECOND: Record<string, string> = {
  'proc/stat': FIRST['proc/stat']
    .replace('cpu  100 0 50 800 30 0 10 10 0 0', 'cpu  150 0 80 900 40 0 15 15 0 0')
    .replace('cpu0 60 0 30 400 5 0 3 2 0 0', 'cpu0 90 0 40 460 5 0 3 2 0 0')
    .replace('cpu1 40 0 20 400 25 0 7 8 0 0', 'cpu1 60 0 40 440 35 0 12 13 0 0'),
  'proc/diskstats': FIRST['proc/diskstats']
    .replace('sda 1000 10 20000 500 2000 20 40000 3000 0 2500 3500', 'sda 1400 10 28000 900 2600 20 52000 4800 0 3000 4200')
    .replace('vdb 0 0 0 0 0 0 0 0 1 0 0', 'vdb 0 0 0 0 0 0 0 0 0 0 0'),
  'proc/net/dev': FIRST['proc/net/dev'].replace(
    '  eth0:  100000    1000    1    2    3     0          0         0    50000     500',
    '  eth0:  200000    2000    1    2    3     0          0         0    70000     700',
  ),
};

const STATFS: Record<string, StatfsResult> = {
  '/': { blocks: 1000, bsize: 4096, bfree: 400, bavail: 300, files: 1000, ffree: 600 },
  '/data': { blocks: 2000, bsize: 4096, bfree: 1000, bavail: 1000, files: 500, ffree: 400 },
};
const asked: string[] = [];
const statfs = async (mountPoint: string) => {
  asked.push(mountPoint);
  return STATFS[mountPoint];
};

const ADDRESSES = {
  eth0: [{ address: '10.0.0.5', netmask: '255.255.255.0', family: 'IPv4', mac: '52:54:00:12:34:56', internal: false, cidr: '10.0.0.5/24' }],
} as ReturnType<typeof networkInterfaces>;

const AGENT = { version: '1.2.3', startTime: 1_700_000_000_000 };

async function sample(root: string, readAt: number) {
  return { ...(await getHostUsage({ root, statfs, addresses: ADDRESSES })), readAt };
}

/** Everything but the CPU percentages and the I/O and network rates is the same at both heartbeats. */
function unchangedFields(second: boolean) {
  return {
    hostname: 'web-01',
    os: 'linux',
    osVersion: '22.04',
    platform: 'ubuntu',
    platformFamily: 'debian',
    kernelVersion: '6.1.0-test',
    architecture: 'x86_64',
    uptime: 86400,
    bootTime: 1700000000,
    timezone: 'UTC',
    hostId: '01234567-89ab-cdef-0123-456789abcdef',
    platformVersion: '22.04',
    ipAddresses: ['10.0.0.5'],
    primaryIp: '10.0.0.5',
    cpuCores: 2,
    cpuLogicalCores: 2,
    cpuPhysicalCores: 1,
    cpuModel: 'Test CPU',
    cpuVendor: 'GenuineIntel',
    cpuFamily: '6',
    cpuMhz: 3500,
    cpuCacheSize: 36608,
    loadAvg1: 0.5,
    loadAvg5: 0.75,
    loadAvg15: 1.25,
    // meminfo kB × 1024; used = total − available; cached = Cached + SReclaimable.
    memoryTotal: 8_192_000_000,
    memoryUsed: 2_048_000_000,
    memoryAvailable: 6_144_000_000,
    memoryFree: 2_048_000_000,
    memoryUsage: 25,
    memoryCached: 3_276_800_000,
    memoryBuffers: 102_400_000,
    memoryActive: 2_560_000_000,
    memoryInactive: 1_536_000_000,
    memoryShared: 51_200_000,
    memorySlab: 307_200_000,
    memoryPageTables: 20_480_000,
    memoryCommitted: 4_096_000_000,
    memoryCommitLimit: 5_120_000_000,
    memoryDirty: 409_600,
    memoryWriteback: 8192,
    swapTotal: 1_024_000_000,
    swapUsed: 256_000_000,
    swapFree: 768_000_000,
    swapUsage: 25,
    // pswpin 100 and pswpout 300 pages of 4 KiB.
    swapIn: 409_600,
    swapOut: 1_228_800,
    pageFaultsMajor: 250,
    pageFaultsMinor: 9750,
    // / : 1000 blocks of 4 KiB, 400 free, 300 for users; /data: 2000 blocks, 1000 free.
    diskTotal: 12_288_000,
    diskUsed: 6_553_600,
    diskAvailable: 5_324_800,
    diskUsage: (100 * 6_553_600) / (6_553_600 + 5_324_800),
    diskInodes: 1500,
    diskInodesFree: 1000,
    diskInodesUsed: 500,
    diskInodesUsage: (100 * 500) / 1500,
    diskPartitions: [
      { device: '/dev/sda1', mountpoint: '/', fstype: 'ext4', total: 4_096_000, used: 2_457_600, free: 1_228_800, usage: (100 * 2_457_600) / 3_686_400, inodes: 1000, inodesFree: 600, inodesUsage: 40 },
      { device: '/dev/vdb', mountpoint: '/data', fstype: 'xfs', total: 8_192_000, used: 4_096_000, free: 4_096_000, usage: 50, inodes: 500, inodesFree: 400, inodesUsage: 20 },
    ],
    // eth0 only: lo is a loopback, eth1 is down.
    networkPacketsRecv: second ? 2000 : 1000,
    networkPacketsSent: second ? 700 : 500,
    networkBytesRecv: second ? 200_000 : 100_000,
    networkBytesSent: second ? 70_000 : 50_000,
    networkErrorsIn: 1,
    networkErrorsOut: 4,
    networkDropsIn: 2,
    networkDropsOut: 5,
    networkFifoIn: 3,
    networkFifoOut: 6,
    // tcp: LISTEN, 2 × ESTABLISHED, TIME_WAIT; tcp6: LISTEN, CLOSE_WAIT.
    tcpConnectionsEstablished: 2,
    tcpConnectionsTimeWait: 1,
    tcpConnectionsCloseWait: 1,
    tcpConnectionsListen: 2,
    tcpConnectionsSynSent: 0,
    tcpConnectionsSynRecv: 0,
    tcpConnectionsFinWait1: 0,
    tcpConnectionsFinWait2: 0,
    tcpConnectionsLastAck: 0,
    tcpConnectionsClosing: 0,
    tcpRetransmits: 42,
    networkInterfaces: [
      { name: 'lo', isUp: true, isLoopback: true, bytesSent: 5000, bytesRecv: 5000, packetsSent: 50, packetsRecv: 50, errorsIn: 0, errorsOut: 0, dropsIn: 0, dropsOut: 0 },
      {
        name: 'eth0',
        macAddress: '52:54:00:12:34:56',
        ipAddresses: ['10.0.0.5/24'],
        mtu: 1500,
        speed: 1000,
        isUp: true,
        isLoopback: false,
        bytesSent: second ? 70_000 : 50_000,
        bytesRecv: second ? 200_000 : 100_000,
        packetsSent: second ? 700 : 500,
        packetsRecv: second ? 2000 : 1000,
        errorsIn: 1,
        errorsOut: 4,
        dropsIn: 2,
        dropsOut: 5,
      },
      { name: 'eth1', macAddress: '52:54:00:ab:cd:ef', mtu: 9000, isUp: false, isLoopback: false, bytesSent: 9, bytesRecv: 7, packetsSent: 1, packetsRecv: 1, errorsIn: 0, errorsOut: 0, dropsIn: 0, dropsOut: 0 },
    ],
    processCount: 5,
    processRunning: 1,
    processSleeping: 1,
    processStopped: 1,
    processZombie: 1,
    processBlocked: 1,
    threadCount: 8,
    contextSwitches: 67890,
    interrupts: 12345,
    softInterrupts: 4321,
    openFileDescriptors: 1024,
    maxFileDescriptors: 100000,
    fileDescriptorsUsage: 1.024,
    entropyAvailable: 256,
    isContainer: true,
    containerId: 'a'.repeat(64),
    containerRuntime: 'podman',
    containerName: 'web-1',
    containerImage: 'docker.io/library/nginx:1.27',
    isVirtualized: true,
    virtualizationType: 'kvm',
    virtualization: 'kvm',
    agentVersion: '1.2.3',
    agentStartTime: 1_700_000_000,
    agentUptime: second ? 110 : 100,
    collectionTime: second ? 1_700_000_110 : 1_700_000_100,
    collectionDuration: 1234,
  };
}

describe('systemInfo from the fixture host', () => {
  let root: string;
  beforeAll(() => {
    root = fakeRoot(FIRST);
  });

  test('the first heartbeat: CPU and latency averaged since boot, no per-second rates', async () => {
    const usage = await sample(root, 1_700_000_100_000);
    const info = systemInfoPayload({ snapshot: SNAPSHOT, details: await getHostDetails(root), usage, agent: AGENT, collectedAt: 1_700_000_100_500, collectionNs: 1234 });
    expect(info).toEqual({
      ...unchangedFields(false),
      // Since boot: of 1000 ticks, user 100, system 50, idle 800, iowait 30, softirq 10, steal 10.
      cpuUsage: 20,
      cpuUserPercent: 10,
      cpuSystemPercent: 5,
      cpuIdlePercent: 80,
      cpuIowaitPercent: 3,
      cpuStealPercent: 1,
      cpuGuestPercent: 0,
      cpuIrqPercent: 0,
      cpuSoftirqPercent: 1,
      cpuNicePercent: 0,
      cpuPerCore: [
        { coreId: 0, usage: 20, userPercent: 12, systemPercent: 6, idlePercent: 80 },
        { coreId: 1, usage: 20, userPercent: 8, systemPercent: 4, idlePercent: 80 },
      ],
      // sda and vdb (sda1 left out): 1000 reads taking 500 ms, 2000 writes taking 3000 ms.
      diskReadBytes: 20000 * 512,
      diskWriteBytes: 40000 * 512,
      diskReadOps: 1000,
      diskWriteOps: 2000,
      diskReadTime: 500,
      diskWriteTime: 3000,
      diskIoTime: 2500,
      diskWeightedIo: 3500,
      diskIoInProgress: 1,
      diskLatencyRead: 0.5,
      diskLatencyWrite: 1.5,
    });
    expect(info).not.toHaveProperty('diskIops');
    expect(info).not.toHaveProperty('networkBytesSentRate');
    expect(info).not.toHaveProperty('networkBytesRecvRate');
    // Nothing of the cloud is known without asking its metadata service; Linux has no wired memory.
    for (const absent of ['cloudProvider', 'cloudInstanceId', 'cloudRegion', 'memoryWired', 'systemCalls']) expect(info).not.toHaveProperty(absent);
    expect(asked.sort()).toEqual(['/', '/data']);
  });

  test('the next heartbeat: CPU, latency and rates over the ten seconds between the two', async () => {
    const previous = await sample(root, 1_700_000_100_000);
    writeFiles(root, SECOND);
    const usage = await sample(root, 1_700_000_110_000);
    writeFiles(root, FIRST);
    const info = systemInfoPayload({ snapshot: SNAPSHOT, details: await getHostDetails(root), usage, previous, agent: AGENT, collectedAt: 1_700_000_110_500, collectionNs: 1234 });
    expect(info).toEqual({
      ...unchangedFields(true),
      // Of 200 ticks: user 50, system 30, idle 100, iowait 10, softirq 5, steal 5.
      cpuUsage: 50,
      cpuUserPercent: 25,
      cpuSystemPercent: 15,
      cpuIdlePercent: 50,
      cpuIowaitPercent: 5,
      cpuStealPercent: 2.5,
      cpuGuestPercent: 0,
      cpuIrqPercent: 0,
      cpuSoftirqPercent: 2.5,
      cpuNicePercent: 0,
      cpuPerCore: [
        { coreId: 0, usage: 40, userPercent: 30, systemPercent: 10, idlePercent: 60 },
        { coreId: 1, usage: 60, userPercent: 20, systemPercent: 20, idlePercent: 40 },
      ],
      diskReadBytes: 28000 * 512,
      diskWriteBytes: 52000 * 512,
      diskReadOps: 1400,
      diskWriteOps: 2600,
      diskReadTime: 900,
      diskWriteTime: 4800,
      diskIoTime: 3000,
      diskWeightedIo: 4200,
      diskIoInProgress: 0,
      // 400 reads in 400 ms, 600 writes in 1800 ms, 1000 operations in 10 s.
      diskLatencyRead: 1,
      diskLatencyWrite: 3,
      diskIops: 100,
      // eth0: 100 000 bytes more received, 20 000 more sent.
      networkBytesRecvRate: 10_000,
      networkBytesSentRate: 2000,
    });
  });

  test('a source that cannot be read leaves its fields out instead of sending zeros', async () => {
    const bare = fakeRoot({ 'proc/stat': 'cpu  100 0 50 800 30 0 10 10 0 0\nctxt 5\n' });
    const usage = await getHostUsage({ root: bare, statfs, addresses: {} });
    const info = systemInfoPayload({ snapshot: SNAPSHOT, details: await getHostDetails(bare), usage, agent: AGENT, collectedAt: AGENT.startTime, collectionNs: 1 });
    expect(info).toMatchObject({ cpuUsage: 20, contextSwitches: 5, memoryTotal: SNAPSHOT.memoryTotal, diskTotal: SNAPSHOT.diskTotal });
    for (const absent of [
      'loadAvg1',
      'memoryUsed',
      'swapTotal',
      'swapUsage',
      'pageFaultsMajor',
      'diskUsed',
      'diskReadOps',
      'diskLatencyRead',
      'diskPartitions',
      'networkBytesSent',
      'networkInterfaces',
      'tcpConnectionsEstablished',
      'tcpRetransmits',
      'processCount',
      'softInterrupts',
      'entropyAvailable',
      'openFileDescriptors',
      'platformFamily',
      'hostId',
      'cpuMhz',
      'cpuCacheSize',
      'containerName',
      'containerImage',
    ])
      expect(info).not.toHaveProperty(absent);
  });

  test('the reader keeps each heartbeat\'s sample for the next, a preview does not', async () => {
    const reader = new SystemInfoReader({ cloudMetadata: false, agent: AGENT, usage: { root, statfs, addresses: ADDRESSES }, detailsRoot: root, snapshot: async () => SNAPSHOT });
    const preview = await reader.read(false);
    expect(preview).not.toHaveProperty('networkBytesRecvRate');
    const first = await reader.read(true);
    expect(first).not.toHaveProperty('networkBytesRecvRate');
    expect(first.cpuUsage).toBe(20);
    writeFiles(root, SECOND);
    // The sample is stamped in milliseconds: make sure the clock moved on.
    const stamp = Date.now();
    while (Date.now() === stamp) await new Promise((resolve) => setImmediate(resolve));
    const second = await reader.read(true);
    writeFiles(root, FIRST);
    expect(second.cpuUsage).toBe(50);
    expect(second.networkBytesRecvRate).toBeGreaterThan(0);
    expect(second.diskIops).toBeGreaterThan(0);
    expect(second.collectionDuration).toBeGreaterThan(0);
  });
});
