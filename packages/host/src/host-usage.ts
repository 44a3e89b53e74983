import { networkInterfaces } from 'node:os';
import { parseCpuTimes, type CpuTimes } from './cpu-times.js';
import { parseDiskStats, type DiskIoFields } from './diskstats.js';
import { filesystemUsage, statfsWithin, type FilesystemUsage, type StatfsResult } from './filesystem-usage.js';
import { kernelFields, statValue } from './kernel-stat.js';
import { memFields, swapFields } from './meminfo.js';
import { localFilesystems, parseMountInfo } from './mounts.js';
import { interfaceSpeed, interfaceState, parseNetDev } from './net-dev.js';
import { ProcFiles } from './proc-files.js';
import { countProcesses } from './process-counts.js';
import { parseLoadAvg } from './loadavg.js';
import { optionalTable, tcpStateCounts } from './tcp-states.js';

/** One network interface of /proc/net/dev with what /sys/class/net tells of it. */
export interface InterfaceUsage {
  name: string;
  up: boolean;
  loopback: boolean;
  /** '' when /sys/class/net/<name>/address is missing. */
  macAddress: string;
  mtu?: number;
  /** Mbit/s; undefined when the driver reports none (virtual and down interfaces). */
  speed?: number;
  /** CIDR notation, as os.networkInterfaces() gives them. */
  ipAddresses: string[];
  bytesRecv: bigint;
  packetsRecv: bigint;
  errorsIn: bigint;
  dropsIn: bigint;
  fifoIn: bigint;
  bytesSent: bigint;
  packetsSent: bigint;
  errorsOut: bigint;
  dropsOut: bigint;
  fifoOut: bigint;
}

export interface FilesystemEntry {
  device: string;
  mountPoint: string;
  fsType: string;
  usage: FilesystemUsage;
}

/**
 * What the host is using at one instant, from the files inputs.system's groups read: the
 * counters a caller turns into rates by keeping the previous sample. A part whose source
 * cannot be read is undefined (or empty), never zero.
 */
export interface HostUsage {
  /** Date.now() when the sample was taken. */
  readAt: number;
  /** /proc/stat: `cpu-total` and `cpu0` … in clock ticks since boot. */
  cpu: Map<string, CpuTimes>;
  load?: [number, number, number];
  /** The `mem` fields (bytes). */
  memory?: ReturnType<typeof memFields>;
  swap?: ReturnType<typeof swapFields>;
  /** /proc/vmstat since boot. */
  pageFaults?: { major: bigint; minor: bigint };
  /** /proc/diskstats summed over whole disks (partitions left out, they would count twice). */
  diskIo?: DiskIoFields;
  /** Local filesystems (as the heartbeat's disk total counts them) that answered statfs in time. */
  filesystems: FilesystemEntry[];
  /** Every interface of /proc/net/dev. */
  interfaces: InterfaceUsage[];
  /** The `netstat` TCP state counts over tcp and tcp6. */
  tcp?: Record<string, bigint>;
  /** RetransSegs of /proc/net/snmp since boot. */
  tcpRetransmits?: bigint;
  /** The `processes` fields. */
  processes?: Record<string, bigint>;
  /** The `kernel` fields (context switches, interrupts, entropy, file descriptors). */
  kernel?: ReturnType<typeof kernelFields>;
  /** The `softirq` total of /proc/stat. */
  softInterrupts?: bigint;
}

export interface HostUsageOptions {
  /** Prefixed to every /proc and /sys path: tests point it at a prepared directory. */
  root?: string;
  /** statfs of a mount point, bounded in time; the default gives up after 500 ms. */
  statfs?: (mountPoint: string) => Promise<StatfsResult | undefined>;
  /** The interfaces' addresses (default os.networkInterfaces()). */
  addresses?: ReturnType<typeof networkInterfaces>;
}

/** A part of the sample whose file is missing or malformed is left out, not reported as zero. */
function optional<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function vmstatValue(vmstat: string, key: string): bigint | undefined {
  const m = new RegExp(`^${key} (\\d+)`, 'm').exec(vmstat);
  return m ? BigInt(m[1]) : undefined;
}

/** A value of the `Tcp:` lines of /proc/net/snmp (a header line of names, then one of values). */
export function snmpTcpValue(snmp: string, name: string): bigint | undefined {
  const [header, values] = snmp.split('\n').filter((l) => l.startsWith('Tcp:'));
  const index = header?.split(/\s+/).indexOf(name) ?? -1;
  const value = index > 0 ? values?.split(/\s+/)[index] : undefined;
  return value !== undefined && /^\d+$/.test(value) ? BigInt(value) : undefined;
}

function sumDiskIo(files: ProcFiles): DiskIoFields {
  const total: DiskIoFields = { reads: 0n, merged_reads: 0n, read_bytes: 0n, read_time: 0n, writes: 0n, merged_writes: 0n, write_bytes: 0n, write_time: 0n, iops_in_progress: 0n, io_time: 0n, weighted_io_time: 0n };
  for (const { name, fields } of parseDiskStats(files.read('/proc/diskstats'))) {
    // A partition's I/O is already in its disk's line.
    if (files.readOptional(`/sys/class/block/${name}/partition`) !== undefined) continue;
    for (const key of Object.keys(total) as (keyof DiskIoFields)[]) total[key] += fields[key];
  }
  return total;
}

function readInterfaces(files: ProcFiles, addresses: ReturnType<typeof networkInterfaces>): InterfaceUsage[] {
  return parseNetDev(files.read('/proc/net/dev')).map(({ name, v }) => {
    const sys = (file: string) => files.readOptional(`/sys/class/net/${name}/${file}`)?.trim();
    const mtu = Number.parseInt(sys('mtu') ?? '', 10);
    return {
      name,
      ...interfaceState(files, name),
      macAddress: sys('address') ?? '',
      mtu: Number.isFinite(mtu) ? mtu : undefined,
      speed: interfaceSpeed(files, name),
      ipAddresses: (addresses[name] ?? []).map((a) => a.cidr ?? a.address),
      bytesRecv: v[0],
      packetsRecv: v[1],
      errorsIn: v[2],
      dropsIn: v[3],
      fifoIn: v[4],
      bytesSent: v[8],
      packetsSent: v[9],
      errorsOut: v[10],
      dropsOut: v[11],
      fifoOut: v[12],
    };
  });
}

async function readFilesystems(files: ProcFiles, statfs: (mountPoint: string) => Promise<StatfsResult | undefined>): Promise<FilesystemEntry[]> {
  const mounts = localFilesystems(parseMountInfo(files.readOptional('/proc/self/mountinfo') ?? ''));
  const entries = await Promise.all(
    mounts.map(async (m) => {
      const stats = await statfs(m.mountPoint);
      // No blocks: a pseudo filesystem that slipped through, as the disk group leaves out too.
      return stats && stats.blocks > 0 ? { device: m.source, mountPoint: m.mountPoint, fsType: m.fsType, usage: filesystemUsage(stats) } : undefined;
    }),
  );
  return entries.filter((e) => e !== undefined);
}

/**
 * One sample of the host's counters with inputs.system's readers. Spawns nothing; the
 * filesystems are asked in parallel, each within the statfs deadline, and the socket tables
 * are read off the event loop, so a sample takes milliseconds however many mounts hang.
 */
export async function getHostUsage(options: HostUsageOptions = {}): Promise<HostUsage> {
  const files = new ProcFiles(options.root ?? '');
  const statfs = options.statfs ?? ((mountPoint: string) => statfsWithin(mountPoint));
  const readAt = Date.now();
  const background = Promise.all([
    readFilesystems(files, statfs),
    Promise.all([files.readSocketTable('/proc/net/tcp'), optionalTable(files, '/proc/net/tcp6')]).then(
      (tables) => tcpStateCounts(tables),
      () => undefined,
    ),
  ]);
  const stat = files.readOptional('/proc/stat') ?? '';
  const meminfo = files.readOptional('/proc/meminfo');
  const vmstat = files.readOptional('/proc/vmstat');
  const snmp = files.readOptional('/proc/net/snmp');
  const major = vmstat === undefined ? undefined : vmstatValue(vmstat, 'pgmajfault');
  const all = vmstat === undefined ? undefined : vmstatValue(vmstat, 'pgfault');
  const usage: Omit<HostUsage, 'filesystems' | 'tcp'> = {
    readAt,
    cpu: parseCpuTimes(stat),
    load: optional(() => parseLoadAvg(files.read('/proc/loadavg'))),
    memory: meminfo === undefined ? undefined : memFields(meminfo),
    swap: meminfo === undefined || vmstat === undefined ? undefined : swapFields(meminfo, vmstat),
    pageFaults: major !== undefined && all !== undefined ? { major, minor: all - major } : undefined,
    diskIo: optional(() => sumDiskIo(files)),
    interfaces: optional(() => readInterfaces(files, options.addresses ?? networkInterfaces())) ?? [],
    tcpRetransmits: snmp === undefined ? undefined : snmpTcpValue(snmp, 'RetransSegs'),
    processes: optional(() => countProcesses(files)),
    kernel: stat ? optional(() => kernelFields(files)) : undefined,
    softInterrupts: statValue(stat, 'softirq'),
  };
  const [filesystems, tcp] = await background;
  // A /proc that shows no process at all (not even this one) tells nothing.
  if (usage.processes?.total === 0n) usage.processes = undefined;
  return { ...usage, filesystems, tcp };
}
