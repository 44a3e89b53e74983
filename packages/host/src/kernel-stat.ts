import type { ProcFiles } from './proc-files.js';

/** A `key <number>` line of /proc/stat (the first number of `intr` and `softirq` is their total). */
export function statValue(stat: string, key: string): bigint | undefined {
  const m = new RegExp(`^${key} (\\d+)`, 'm').exec(stat);
  return m ? BigInt(m[1]) : undefined;
}

/**
 * Telegraf's `kernel` fields from /proc/stat (boot time, context switches, interrupts, forks),
 * the entropy pool and the system-wide file handle table (/proc/sys/fs/file-nr: allocated,
 * free, max).
 */
export function kernelFields(files: ProcFiles): Record<string, bigint> {
  const stat = files.read('/proc/stat');
  const fields: Record<string, bigint> = {
    boot_time: statValue(stat, 'btime') ?? 0n,
    context_switches: statValue(stat, 'ctxt') ?? 0n,
    interrupts: statValue(stat, 'intr') ?? 0n,
    processes_forked: statValue(stat, 'processes') ?? 0n,
  };
  // Only old kernels still have the "page in out" line.
  const pages = /^page (\d+) (\d+)/m.exec(stat);
  if (pages) {
    fields.disk_pages_in = BigInt(pages[1]);
    fields.disk_pages_out = BigInt(pages[2]);
  }
  const entropy = files.readOptional('/proc/sys/kernel/random/entropy_avail');
  if (entropy) fields.entropy_avail = BigInt(entropy.trim());
  const fileNr = files.readOptional('/proc/sys/fs/file-nr')?.trim().split(/\s+/).map((s) => BigInt(s));
  if (fileNr?.length === 3) {
    fields.file_descriptors_open = fileNr[0] - fileNr[1];
    fields.file_descriptors_max = fileNr[2];
  }
  return fields;
}

/** The files of /sys/kernel/mm/ksm Telegraf reports, each as `ksm_<file>`. */
const KSM_FILES = [
  'full_scans',
  'max_page_sharing',
  'merge_across_nodes',
  'pages_shared',
  'pages_sharing',
  'pages_to_scan',
  'pages_unshared',
  'pages_volatile',
  'run',
  'sleep_millisecs',
  'stable_node_chains',
  'stable_node_chains_prune_millisecs',
  'stable_node_dups',
  'use_zero_pages',
];

/**
 * Kernel samepage merging counters and settings. Throws, naming the file, when one is missing
 * or unreadable: a kernel without KSM (or a container without /sys) has none to report.
 */
export function ksmFields(files: ProcFiles): Record<string, bigint> {
  const fields: Record<string, bigint> = {};
  for (const name of KSM_FILES) {
    const text = files.read(`/sys/kernel/mm/ksm/${name}`).trim();
    if (!/^\d+$/.test(text)) throw new Error(`/sys/kernel/mm/ksm/${name}: not a number: ${text.slice(0, 40)}`);
    fields[`ksm_${name}`] = BigInt(text);
  }
  return fields;
}

/** One line of /proc/pressure/<resource>: `some avg10=0.12 avg60=0.05 avg300=0.01 total=123456`. */
export interface PressureLine {
  resource: string;
  type: string;
  avg10: number;
  avg60: number;
  avg300: number;
  /** Microseconds stalled since boot. */
  total: bigint;
}

export const PRESSURE_RESOURCES = ['cpu', 'memory', 'io'];

/**
 * Pressure stall information (Linux 4.20+) of cpu, memory and io. `full` of cpu is left out
 * as Telegraf leaves it out: the kernel always shows it as zero at system level.
 * Throws, naming the file, when a resource's file cannot be read.
 */
export function pressureLines(files: ProcFiles): PressureLine[] {
  const out: PressureLine[] = [];
  for (const resource of PRESSURE_RESOURCES) {
    for (const line of files.read(`/proc/pressure/${resource}`).split('\n')) {
      const m = /^(some|full) avg10=([\d.]+) avg60=([\d.]+) avg300=([\d.]+) total=(\d+)/.exec(line.trim());
      if (!m || (resource === 'cpu' && m[1] === 'full')) continue;
      out.push({ resource, type: m[1], avg10: Number(m[2]), avg60: Number(m[3]), avg300: Number(m[4]), total: BigInt(m[5]) });
    }
  }
  return out;
}
