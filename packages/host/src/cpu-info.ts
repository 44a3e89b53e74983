import { cpus } from 'node:os';

export interface CpuInfo {
  model: string;
  vendor: string;
  logicalCores: number;
  physicalCores: number;
}

/**
 * Model, vendor and core counts from /proc/cpuinfo. Physical cores are the distinct
 * (physical id, core id) pairs; where the kernel lists no topology (many ARM boards) every
 * logical CPU counts as one core.
 */
export function parseCpuInfo(text: string, logicalCores = cpus().length): CpuInfo {
  let model = '';
  let vendor = '';
  let physicalId = '0';
  const cores = new Set<string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'model name' || key === 'Model' || key === 'cpu model') model ||= value;
    else if (key === 'vendor_id' || key === 'CPU implementer' || key === 'vendor') vendor ||= value;
    else if (key === 'physical id') physicalId = value;
    else if (key === 'core id') cores.add(`${physicalId}/${value}`);
  }
  return {
    model: model || (cpus()[0]?.model ?? ''),
    vendor,
    logicalCores,
    physicalCores: cores.size || logicalCores,
  };
}

export interface CpuDetails {
  /** `cpu family` (x86), '' elsewhere. */
  family: string;
  /** MHz of the first CPU as /proc/cpuinfo shows it; undefined when it shows none. */
  mhz?: number;
  /** KB, `cache size` of the first CPU; undefined when not listed (ARM). */
  cacheSizeKb?: number;
}

/** Family, clock and cache size of the first CPU listed in /proc/cpuinfo. */
export function parseCpuDetails(text: string): CpuDetails {
  const first = (key: string) => new RegExp(`^${key}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1].trim();
  const mhz = Number.parseFloat(first('cpu MHz') ?? '');
  const cache = Number.parseInt(first('cache size') ?? '', 10);
  return { family: first('cpu family') ?? '', mhz: Number.isFinite(mhz) ? mhz : undefined, cacheSizeKb: Number.isFinite(cache) ? cache : undefined };
}

/** Where a logical CPU sits: its core and its socket (package), as /proc/cpuinfo lists them. */
export interface CpuPlace {
  coreId: string;
  physicalId: string;
}

/**
 * The core and socket of each logical CPU (keyed `cpu0`, `cpu1` …, as /proc/stat names them).
 * CPUs for which the kernel lists no topology (many ARM boards) are left out.
 */
export function parseCpuTopology(text: string): Map<string, CpuPlace> {
  const places = new Map<string, CpuPlace>();
  for (const block of text.split(/\n\s*\n/)) {
    const value = (key: string) => new RegExp(`^${key}\\s*:\\s*(.*)$`, 'm').exec(block)?.[1].trim();
    const processor = value('processor');
    const coreId = value('core id');
    const physicalId = value('physical id');
    if (processor !== undefined && coreId !== undefined && physicalId !== undefined) places.set(`cpu${processor}`, { coreId, physicalId });
  }
  return places;
}
