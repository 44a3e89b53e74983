// @vigil/host: facts about the machine vigil runs on, shared by inputs.system, the heartbeat and
// the outputs that describe their host. Reads files and system calls only; spawns no process.

// The host snapshot and the primary IP.
export { getHostSnapshot, getPrimaryIp, type HostSnapshot, type HostSnapshotOptions } from './host-snapshot.js';
export { getHostDetails, type HostDetails } from './host-details.js';
export { getHostUsage, snmpTcpValue, type FilesystemEntry, type HostUsage, type HostUsageOptions, type InterfaceUsage } from './host-usage.js';
export { hostInfoFields } from './host-info.js';
export { detectContainer, type ContainerInfo, type ContainerRuntime } from './container.js';
export { detectVirtualization } from './virtualization.js';
export { getCloudIdentity, DEFAULT_METADATA_ENDPOINTS, DEFAULT_METADATA_TIMEOUT_MS, type CloudIdentity, type CloudProvider, type MetadataEndpoints } from './cloud-metadata.js';
export { defaultRouteInterface, primaryAddress, reachableAddresses } from './network-addresses.js';
export { osFamily, parseOsRelease } from './os-release.js';
export { parseCpuDetails, parseCpuInfo, parseCpuTopology, type CpuDetails, type CpuInfo, type CpuPlace } from './cpu-info.js';

// Readers of /proc and /sys, as the host inputs use them.
export { ProcFiles } from './proc-files.js';
export { readText } from './read-file.js';
export { cpuTimeFields, parseCpuTimes, usageBetween, type CpuTimes } from './cpu-times.js';
export { memFields, swapFields, type MemFields } from './meminfo.js';
export { filesystemUsage, statfsWithin, STATFS_TIMEOUT_MS, type FilesystemUsage, type StatfsResult } from './filesystem-usage.js';
export { DEFAULT_IGNORE_FS, isRemoteFs, localFilesystems, parseMountInfo, PSEUDO_FS, readMounts, type Mount } from './mounts.js';
export { diskIoRates, parseDiskStats, type DiskIoFields } from './diskstats.js';
export { blockDeviceProperties } from './udev-data.js';
export { interfaceSpeed, interfaceState, parseNetDev } from './net-dev.js';
export { protocolCounters } from './net-snmp.js';
export { countTcpStates, optionalTable, socketLines, tcpStateCounts } from './tcp-states.js';
export { countProcess, countProcesses, emptyProcessCounts } from './process-counts.js';
export { kernelFields, ksmFields, PRESSURE_RESOURCES, pressureLines, statValue, type PressureLine } from './kernel-stat.js';
export { parseLoadAvg } from './loadavg.js';
export { loggedInUsers, UTMP_PATH } from './utmp.js';
