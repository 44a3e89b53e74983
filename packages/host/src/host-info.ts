import type { HostSnapshot } from './host-snapshot.js';

/** The host snapshot as `host_info` fields: snake_case names, integers as integers. */
export function hostInfoFields(s: HostSnapshot): Record<string, string | bigint | boolean> {
  return {
    hostname: s.hostname,
    os: s.os,
    platform: s.platform,
    platform_version: s.platformVersion,
    kernel_version: s.kernelVersion,
    architecture: s.architecture,
    boot_time: BigInt(s.bootTime),
    uptime: BigInt(s.uptime),
    timezone: s.timezone,
    cpu_model: s.cpuModel,
    cpu_vendor: s.cpuVendor,
    cpu_cores: BigInt(s.cpuCores),
    cpu_physical_cores: BigInt(s.cpuPhysicalCores),
    memory_total: BigInt(s.memoryTotal),
    disk_total: BigInt(s.diskTotal),
    ip_addresses: s.ipAddresses.join(','),
    primary_ip: s.primaryIp,
    is_container: s.isContainer,
    container_runtime: s.containerRuntime,
    container_id: s.containerId,
    virtualization: s.virtualization,
    cloud_provider: s.cloudProvider,
    cloud_instance_id: s.cloudInstanceId,
    cloud_instance_type: s.cloudInstanceType,
    cloud_region: s.cloudRegion,
    cloud_zone: s.cloudZone,
  };
}
