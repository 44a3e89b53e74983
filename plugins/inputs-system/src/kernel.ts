import type { Accumulator, Fields } from '@vigil/core';
import type { ProcFiles } from './proc-files.js';

/** A `key <number>` line of /proc/stat (the first number of `intr` and `softirq` is their total). */
export function statValue(stat: string, key: string): bigint | undefined {
  const m = new RegExp(`^${key} (\\d+)`, 'm').exec(stat);
  return m ? BigInt(m[1]) : undefined;
}

/**
 * `kernel` from /proc/stat (boot time, context switches, interrupts, forks), the entropy
 * pool and the system-wide file handle table (/proc/sys/fs/file-nr: allocated, free, max).
 */
export function kernelFields(files: ProcFiles): Fields {
  const stat = files.read('/proc/stat');
  const fields: Fields = {
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

export function gatherKernel(acc: Accumulator, files: ProcFiles, timestamp: number): void {
  acc.addCounter('kernel', kernelFields(files), {}, timestamp);
}
