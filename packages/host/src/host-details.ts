import { join } from 'node:path';
import { parseCpuDetails } from './cpu-info.js';
import { osFamily } from './os-release.js';
import { readText } from './read-file.js';

/** Facts about the host beyond the snapshot, read once: none of them changes while vigil runs. */
export interface HostDetails {
  /** Distribution family (debian, rhel, suse …); '' without os-release. */
  platformFamily: string;
  /** The machine's UUID (DMI product_uuid, else /etc/machine-id as a UUID); '' when neither is readable. */
  hostId: string;
  cpuFamily: string;
  /** The first CPU's maximum clock (cpufreq), else its current one from /proc/cpuinfo. */
  cpuMhz?: number;
  cpuCacheSizeKb?: number;
  /** Podman writes the container's name and image to /run/.containerenv; other runtimes leave no such file. */
  containerName: string;
  containerImage: string;
}

/** /etc/machine-id is 32 hex digits; shown as a UUID, as gopsutil (and so the reference agent) does. */
function asUuid(id: string): string {
  return /^[0-9a-f]{32}$/.test(id) ? `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}` : id;
}

function containerEnvValue(text: string, key: string): string {
  return new RegExp(`^${key}="?([^"\\n]*)"?$`, 'm').exec(text)?.[1] ?? '';
}

async function readHostDetails(root: string): Promise<HostDetails> {
  const read = (path: string) => readText(join(root, path)).then((t) => t.trim());
  const [osRelease, productUuid, machineId, cpuinfo, maxFreqKhz, containerenv] = await Promise.all([
    read('etc/os-release').then((t) => t || read('usr/lib/os-release')),
    read('sys/class/dmi/id/product_uuid'),
    read('etc/machine-id'),
    read('proc/cpuinfo'),
    read('sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq'),
    read('run/.containerenv'),
  ]);
  const cpu = parseCpuDetails(cpuinfo);
  const maxMhz = Number.parseInt(maxFreqKhz, 10) / 1000;
  return {
    platformFamily: osFamily(osRelease),
    hostId: productUuid.toLowerCase() || asUuid(machineId.toLowerCase()),
    cpuFamily: cpu.family,
    cpuMhz: maxMhz > 0 ? maxMhz : cpu.mhz,
    cpuCacheSizeKb: cpu.cacheSizeKb,
    containerName: containerEnvValue(containerenv, 'name'),
    containerImage: containerEnvValue(containerenv, 'image'),
  };
}

const cache = new Map<string, Promise<HostDetails>>();

/** The host's details, read on first use and kept. `root` lets tests point at a prepared directory. */
export function getHostDetails(root = '/'): Promise<HostDetails> {
  let details = cache.get(root);
  if (!details) {
    details = readHostDetails(root);
    cache.set(root, details);
  }
  return details;
}
