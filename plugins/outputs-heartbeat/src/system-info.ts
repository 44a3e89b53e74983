import {
  getHostDetails,
  getHostSnapshot,
  getHostUsage,
  usageBetween,
  type CpuTimes,
  type HostDetails,
  type HostSnapshot,
  type HostUsage,
  type HostUsageOptions,
} from '@vigil/host';

export interface AgentFacts {
  version: string;
  /** Unix milliseconds. */
  startTime: number;
}

/** Everything one `systemInfo` is made of. */
export interface SystemInfoSources {
  snapshot: HostSnapshot;
  details: HostDetails;
  usage: HostUsage;
  /** The sample of the previous heartbeat; undefined for the first. */
  previous?: HostUsage;
  agent: AgentFacts;
  /** Unix milliseconds when the payload was made. */
  collectedAt: number;
  /** How long reading the sources took. */
  collectionNs: number;
}

const NO_TICKS: CpuTimes = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0 };

function num(value: bigint | number | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

function percent(part: number, whole: number): number | undefined {
  return whole > 0 ? (100 * part) / whole : undefined;
}

/** A field is left out when the host could not tell it: undefined, NaN or an empty string. */
function put(out: Record<string, unknown>, fields: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === '' || (typeof value === 'number' && !Number.isFinite(value))) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
}

/**
 * CPU percentages over the span since the previous sample; the first heartbeat has none, so
 * its span starts at boot (the counters start at zero there): averages since boot.
 */
function cpuPercents(after: CpuTimes | undefined, before: CpuTimes | undefined) {
  return after ? usageBetween(before ?? NO_TICKS, after) : undefined;
}

function cpuFields(usage: HostUsage, previous: HostUsage | undefined): Record<string, unknown> {
  const total = cpuPercents(usage.cpu.get('cpu-total'), previous?.cpu.get('cpu-total'));
  const perCore = [...usage.cpu]
    .filter(([name]) => name !== 'cpu-total')
    .flatMap(([name, times]) => {
      const p = cpuPercents(times, previous?.cpu.get(name));
      return p ? [{ coreId: Number(name.slice(3)), usage: p.usage_active, userPercent: p.usage_user, systemPercent: p.usage_system, idlePercent: p.usage_idle }] : [];
    });
  return {
    cpuUsage: total?.usage_active,
    cpuUserPercent: total?.usage_user,
    cpuSystemPercent: total?.usage_system,
    cpuIdlePercent: total?.usage_idle,
    cpuIowaitPercent: total?.usage_iowait,
    cpuStealPercent: total?.usage_steal,
    cpuGuestPercent: total?.usage_guest,
    cpuIrqPercent: total?.usage_irq,
    cpuSoftirqPercent: total?.usage_softirq,
    cpuNicePercent: total?.usage_nice,
    loadAvg1: usage.load?.[0],
    loadAvg5: usage.load?.[1],
    loadAvg15: usage.load?.[2],
    cpuPerCore: perCore,
  };
}

function memoryFields(usage: HostUsage, snapshot: HostSnapshot): Record<string, unknown> {
  const m = usage.memory;
  const s = usage.swap;
  return {
    memoryTotal: num(m?.total as bigint | undefined) ?? snapshot.memoryTotal,
    memoryUsed: num(m?.used as bigint | undefined),
    memoryAvailable: num(m?.available as bigint | undefined),
    memoryFree: num(m?.free as bigint | undefined),
    memoryUsage: m?.used_percent,
    memoryCached: num(m?.cached as bigint | undefined),
    memoryBuffers: num(m?.buffered as bigint | undefined),
    memoryActive: num(m?.active as bigint | undefined),
    memoryInactive: num(m?.inactive as bigint | undefined),
    memoryShared: num(m?.shared as bigint | undefined),
    memorySlab: num(m?.slab as bigint | undefined),
    memoryPageTables: num(m?.page_tables as bigint | undefined),
    memoryCommitted: num(m?.committed_as as bigint | undefined),
    memoryCommitLimit: num(m?.commit_limit as bigint | undefined),
    memoryDirty: num(m?.dirty as bigint | undefined),
    memoryWriteback: num(m?.write_back as bigint | undefined),
    swapTotal: num(s?.total),
    swapUsed: num(s?.used),
    swapFree: num(s?.free),
    // No swap configured: no percentage of it.
    swapUsage: s && s.total > 0n ? s.used_percent : undefined,
    swapIn: num(s?.in),
    swapOut: num(s?.out),
    pageFaultsMajor: num(usage.pageFaults?.major),
    pageFaultsMinor: num(usage.pageFaults?.minor),
  };
}

function diskFields(usage: HostUsage, previous: HostUsage | undefined, snapshot: HostSnapshot): Record<string, unknown> {
  const fs = usage.filesystems;
  const sum = (pick: (u: HostUsage['filesystems'][number]['usage']) => number) => (fs.length > 0 ? fs.reduce((a, e) => a + pick(e.usage), 0) : undefined);
  const used = sum((u) => u.used);
  const free = sum((u) => u.free);
  const inodes = sum((u) => u.inodesTotal);
  const inodesUsed = sum((u) => u.inodesUsed);
  const io = usage.diskIo;
  const before = previous?.diskIo;
  const delta = (key: keyof NonNullable<HostUsage['diskIo']>) => (io ? Number(io[key] - (before?.[key] ?? 0n)) : undefined);
  const reads = delta('reads');
  const writes = delta('writes');
  const seconds = previous ? (usage.readAt - previous.readAt) / 1000 : 0;
  const ops = reads !== undefined && writes !== undefined ? reads + writes : undefined;
  return {
    diskTotal: sum((u) => u.total) ?? snapshot.diskTotal,
    diskUsed: used,
    diskAvailable: free,
    diskUsage: used !== undefined && free !== undefined ? percent(used, used + free) : undefined,
    diskInodes: inodes,
    diskInodesFree: sum((u) => u.inodesFree),
    diskInodesUsed: inodesUsed,
    diskInodesUsage: inodes !== undefined && inodesUsed !== undefined ? percent(inodesUsed, inodes) : undefined,
    diskReadBytes: num(io?.read_bytes),
    diskWriteBytes: num(io?.write_bytes),
    diskReadOps: num(io?.reads),
    diskWriteOps: num(io?.writes),
    diskReadTime: num(io?.read_time),
    diskWriteTime: num(io?.write_time),
    diskIoTime: num(io?.io_time),
    diskWeightedIo: num(io?.weighted_io_time),
    diskIoInProgress: num(io?.iops_in_progress),
    // A counter that went backwards (a disk removed) gives no rate rather than a negative one.
    diskIops: ops !== undefined && ops >= 0 && seconds > 0 ? ops / seconds : undefined,
    diskLatencyRead: reads && reads > 0 ? delta('read_time')! / reads : undefined,
    diskLatencyWrite: writes && writes > 0 ? delta('write_time')! / writes : undefined,
    diskPartitions: fs.map((e) => ({
      device: e.device,
      mountpoint: e.mountPoint,
      fstype: e.fsType,
      total: e.usage.total,
      used: e.usage.used,
      free: e.usage.free,
      usage: e.usage.usedPercent,
      inodes: e.usage.inodesTotal,
      inodesFree: e.usage.inodesFree,
      inodesUsage: e.usage.inodesUsedPercent,
    })),
  };
}

/** The interfaces inputs.system's net group reports by default: up and not loopback. */
function networkTotals(usage: HostUsage | undefined) {
  const counted = (usage?.interfaces ?? []).filter((i) => i.up && !i.loopback);
  if (!usage || usage.interfaces.length === 0) return undefined;
  const sum = (pick: (i: HostUsage['interfaces'][number]) => bigint) => Number(counted.reduce((a, i) => a + pick(i), 0n));
  return {
    bytesSent: sum((i) => i.bytesSent),
    bytesRecv: sum((i) => i.bytesRecv),
    packetsSent: sum((i) => i.packetsSent),
    packetsRecv: sum((i) => i.packetsRecv),
    errorsIn: sum((i) => i.errorsIn),
    errorsOut: sum((i) => i.errorsOut),
    dropsIn: sum((i) => i.dropsIn),
    dropsOut: sum((i) => i.dropsOut),
    fifoIn: sum((i) => i.fifoIn),
    fifoOut: sum((i) => i.fifoOut),
  };
}

function networkFields(usage: HostUsage, previous: HostUsage | undefined): Record<string, unknown> {
  const now = networkTotals(usage);
  const before = networkTotals(previous);
  const seconds = previous ? (usage.readAt - previous.readAt) / 1000 : 0;
  const rate = (after: number | undefined, earlier: number | undefined) =>
    after !== undefined && earlier !== undefined && seconds > 0 && after >= earlier ? (after - earlier) / seconds : undefined;
  const tcp = usage.tcp;
  return {
    networkBytesSent: now?.bytesSent,
    networkBytesRecv: now?.bytesRecv,
    networkPacketsSent: now?.packetsSent,
    networkPacketsRecv: now?.packetsRecv,
    networkErrorsIn: now?.errorsIn,
    networkErrorsOut: now?.errorsOut,
    networkDropsIn: now?.dropsIn,
    networkDropsOut: now?.dropsOut,
    networkFifoIn: now?.fifoIn,
    networkFifoOut: now?.fifoOut,
    networkBytesSentRate: rate(now?.bytesSent, before?.bytesSent),
    networkBytesRecvRate: rate(now?.bytesRecv, before?.bytesRecv),
    tcpConnectionsEstablished: num(tcp?.tcp_established),
    tcpConnectionsTimeWait: num(tcp?.tcp_time_wait),
    tcpConnectionsCloseWait: num(tcp?.tcp_close_wait),
    tcpConnectionsListen: num(tcp?.tcp_listen),
    tcpConnectionsSynSent: num(tcp?.tcp_syn_sent),
    tcpConnectionsSynRecv: num(tcp?.tcp_syn_recv),
    tcpConnectionsFinWait1: num(tcp?.tcp_fin_wait1),
    tcpConnectionsFinWait2: num(tcp?.tcp_fin_wait2),
    tcpConnectionsLastAck: num(tcp?.tcp_last_ack),
    tcpConnectionsClosing: num(tcp?.tcp_closing),
    tcpRetransmits: num(usage.tcpRetransmits),
    networkInterfaces: usage.interfaces.map((i) => {
      const entry: Record<string, unknown> = {};
      put(entry, { name: i.name, macAddress: i.macAddress, ipAddresses: i.ipAddresses, mtu: i.mtu, speed: i.speed });
      return {
        ...entry,
        isUp: i.up,
        isLoopback: i.loopback,
        bytesSent: Number(i.bytesSent),
        bytesRecv: Number(i.bytesRecv),
        packetsSent: Number(i.packetsSent),
        packetsRecv: Number(i.packetsRecv),
        errorsIn: Number(i.errorsIn),
        errorsOut: Number(i.errorsOut),
        dropsIn: Number(i.dropsIn),
        dropsOut: Number(i.dropsOut),
      };
    }),
  };
}

function processFields(usage: HostUsage): Record<string, unknown> {
  const p = usage.processes;
  const k = usage.kernel;
  const open = num(k?.file_descriptors_open as bigint | undefined);
  const max = num(k?.file_descriptors_max as bigint | undefined);
  return {
    processCount: num(p?.total),
    processRunning: num(p?.running),
    processSleeping: num(p?.sleeping),
    processStopped: num(p?.stopped),
    processZombie: num(p?.zombies),
    processBlocked: num(p?.blocked),
    threadCount: num(p?.total_threads),
    contextSwitches: num(k?.context_switches as bigint | undefined),
    interrupts: num(k?.interrupts as bigint | undefined),
    softInterrupts: num(usage.softInterrupts),
    openFileDescriptors: open,
    maxFileDescriptors: max,
    fileDescriptorsUsage: open !== undefined && max !== undefined ? percent(open, max) : undefined,
    entropyAvailable: num(k?.entropy_avail as bigint | undefined),
  };
}

/** `systemInfo` under the TelemetryFlow agent's field names and units (see the README's table). */
export function systemInfoPayload(s: SystemInfoSources): Record<string, unknown> {
  const { snapshot: h, details: d, usage, previous } = s;
  const out: Record<string, unknown> = {};
  put(out, {
    hostname: h.hostname,
    os: h.os,
    osVersion: h.platformVersion,
    platform: h.platform,
    platformFamily: d.platformFamily,
    kernelVersion: h.kernelVersion,
    architecture: h.architecture,
    uptime: h.uptime,
    bootTime: h.bootTime || undefined,
    timezone: h.timezone,
    hostId: d.hostId,
    // vigil's own, kept for receivers built to it.
    platformVersion: h.platformVersion,
    ipAddresses: h.ipAddresses,
    primaryIp: h.primaryIp,

    cpuCores: h.cpuCores,
    cpuLogicalCores: h.cpuCores,
    cpuPhysicalCores: h.cpuPhysicalCores,
    cpuModel: h.cpuModel,
    cpuVendor: h.cpuVendor,
    cpuFamily: d.cpuFamily,
    cpuMhz: d.cpuMhz,
    cpuCacheSize: d.cpuCacheSizeKb,
  });
  put(out, cpuFields(usage, previous));
  put(out, memoryFields(usage, h));
  put(out, diskFields(usage, previous, h));
  put(out, networkFields(usage, previous));
  put(out, processFields(usage));
  put(out, {
    isContainer: h.isContainer,
    containerId: h.containerId,
    containerRuntime: h.containerRuntime,
    containerName: d.containerName,
    containerImage: d.containerImage,
    isVirtualized: h.virtualization !== '',
    virtualizationType: h.virtualization,
    virtualization: h.virtualization,
    cloudProvider: h.cloudProvider,
    cloudInstanceId: h.cloudInstanceId,
    cloudInstanceType: h.cloudInstanceType,
    cloudRegion: h.cloudRegion,
    cloudZone: h.cloudZone,

    agentVersion: s.agent.version,
    agentStartTime: Math.floor(s.agent.startTime / 1000),
    agentUptime: Math.max(0, Math.floor((s.collectedAt - s.agent.startTime) / 1000)),
    collectionTime: Math.floor(s.collectedAt / 1000),
    collectionDuration: s.collectionNs,
  });
  return out;
}

export interface SystemInfoOptions {
  /** Ask the cloud's metadata service (the answer is cached by inputs.system). */
  cloudMetadata: boolean;
  agent: AgentFacts;
  /** Where the host's files are read (tests). */
  usage?: HostUsageOptions;
  detailsRoot?: string;
  snapshot?: () => Promise<HostSnapshot>;
}

/**
 * Makes `systemInfo` for one heartbeat output and keeps the sample it was made from, so the
 * next heartbeat reports CPU percentages and rates over the interval between the two.
 */
export class SystemInfoReader {
  private previous?: HostUsage;

  constructor(private readonly options: SystemInfoOptions) {}

  /** `keep`: remember this sample as the start of the next span (a preview does not). */
  async read(keep: boolean): Promise<Record<string, unknown>> {
    const started = process.hrtime.bigint();
    const o = this.options;
    const [snapshot, details, usage] = await Promise.all([
      o.snapshot ? o.snapshot() : getHostSnapshot({ cloudMetadata: o.cloudMetadata }),
      getHostDetails(o.detailsRoot),
      getHostUsage(o.usage),
    ]);
    const info = systemInfoPayload({ snapshot, details, usage, previous: this.previous, agent: o.agent, collectedAt: Date.now(), collectionNs: Number(process.hrtime.bigint() - started) });
    if (keep) this.previous = usage;
    return info;
  }
}
