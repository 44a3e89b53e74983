import { cpus, hostname, machine, release, totalmem } from 'node:os';
import { detectContainer, type ContainerRuntime } from './container.js';
import { parseCpuInfo } from './cpu-info.js';
import { statfsWithin } from './filesystem-usage.js';
import { getCloudIdentity, NO_CLOUD, type CloudProvider, type MetadataEndpoints } from './cloud-metadata.js';
import { localFilesystems, readMounts } from './mounts.js';
import { primaryAddress, reachableAddresses } from './network-addresses.js';
import { parseOsRelease } from './os-release.js';
import { readText } from './read-file.js';
import { detectVirtualization } from './virtualization.js';

export interface HostSnapshotOptions {
  /** Ask the cloud metadata services (AWS, GCP, Azure) who this instance is. Off by default. */
  cloudMetadata?: boolean;
  /** Base URLs of the metadata services (default http://169.254.169.254 for each). */
  metadataEndpoints?: MetadataEndpoints;
  /** Deadline for the whole cloud look-up, in milliseconds (default 1000). */
  metadataTimeoutMs?: number;
}

export interface HostSnapshot {
  hostname: string;
  os: string;
  platform: string;
  platformVersion: string;
  kernelVersion: string;
  architecture: string;
  /** Unix seconds. */
  bootTime: number;
  /** Seconds. */
  uptime: number;
  timezone: string;
  cpuModel: string;
  cpuVendor: string;
  /** Logical CPUs. */
  cpuCores: number;
  cpuPhysicalCores: number;
  /** Bytes. */
  memoryTotal: number;
  /** Bytes, local filesystems. */
  diskTotal: number;
  ipAddresses: string[];
  primaryIp: string;
  isContainer: boolean;
  containerRuntime: ContainerRuntime;
  containerId: string;
  virtualization: string;
  cloudProvider: CloudProvider;
  cloudInstanceId: string;
  cloudInstanceType: string;
  cloudRegion: string;
  cloudZone: string;
}

/** What cannot change while the process runs, read once. */
interface StaticFacts {
  platform: string;
  platformVersion: string;
  cpu: ReturnType<typeof parseCpuInfo>;
  bootTime: number;
  container: Awaited<ReturnType<typeof detectContainer>>;
  virtualization: string;
}

let staticFacts: Promise<StaticFacts> | undefined;

async function readStaticFacts(): Promise<StaticFacts> {
  const [osRelease, cpuinfo, stat, container, virtualization] = await Promise.all([
    readText('/etc/os-release').then((t) => t || readText('/usr/lib/os-release')),
    readText('/proc/cpuinfo'),
    readText('/proc/stat'),
    detectContainer(),
    detectVirtualization(),
  ]);
  const release = parseOsRelease(osRelease);
  return {
    platform: release.id,
    platformVersion: release.versionId,
    cpu: parseCpuInfo(cpuinfo, cpus().length),
    bootTime: Number(/^btime (\d+)/m.exec(stat)?.[1] ?? 0),
    container,
    virtualization,
  };
}

/** Sum of the sizes of local filesystems, each counted once however often it is mounted. */
async function localDiskTotal(): Promise<number> {
  const sizes = await Promise.all(localFilesystems(await readMounts()).map(async (m) => {
    const s = await statfsWithin(m.mountPoint);
    return s ? s.blocks * s.bsize : 0;
  }));
  return sizes.reduce((a, b) => a + b, 0);
}

function timezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
}

/** The host's primary IP address: that of the default-route interface (as the snapshot gives it). */
export async function getPrimaryIp(): Promise<string> {
  return primaryAddress(await readText('/proc/net/route'));
}

/**
 * A description of this host for the heartbeat: identity, hardware, container and
 * virtualization, and (only with `cloudMetadata`) the cloud instance. Reads files and
 * system calls only, spawns no process.
 */
export async function getHostSnapshot(options: HostSnapshotOptions = {}): Promise<HostSnapshot> {
  staticFacts ??= readStaticFacts();
  const [facts, uptimeText, routes, diskTotal, cloud] = await Promise.all([
    staticFacts,
    readText('/proc/uptime'),
    readText('/proc/net/route'),
    localDiskTotal(),
    options.cloudMetadata ? getCloudIdentity(options.metadataEndpoints, options.metadataTimeoutMs) : NO_CLOUD,
  ]);
  return {
    hostname: hostname(),
    os: process.platform,
    platform: facts.platform,
    platformVersion: facts.platformVersion,
    kernelVersion: release(),
    architecture: machine(),
    bootTime: facts.bootTime,
    uptime: Math.floor(Number.parseFloat(uptimeText) || 0),
    timezone: timezone(),
    cpuModel: facts.cpu.model,
    cpuVendor: facts.cpu.vendor,
    cpuCores: facts.cpu.logicalCores,
    cpuPhysicalCores: facts.cpu.physicalCores,
    memoryTotal: totalmem(),
    diskTotal,
    ipAddresses: reachableAddresses(),
    primaryIp: primaryAddress(routes),
    isContainer: facts.container.isContainer,
    containerRuntime: facts.container.runtime,
    containerId: facts.container.id,
    virtualization: facts.virtualization,
    cloudProvider: cloud.provider,
    cloudInstanceId: cloud.instanceId,
    cloudInstanceType: cloud.instanceType,
    cloudRegion: cloud.region,
    cloudZone: cloud.zone,
  };
}
