import type { Accumulator, Matcher } from '@vigil/core';
import type { ProcFiles } from './proc-files.js';

/** Sectors in /proc/diskstats are always 512 bytes, whatever the device's block size. */
const SECTOR = 512n;

export type DiskIoFields = {
  reads: bigint;
  merged_reads: bigint;
  read_bytes: bigint;
  /** Milliseconds. */
  read_time: bigint;
  writes: bigint;
  merged_writes: bigint;
  write_bytes: bigint;
  write_time: bigint;
  iops_in_progress: bigint;
  io_time: bigint;
  weighted_io_time: bigint;
};

/**
 * `diskio` counters per block device from /proc/diskstats (Documentation/admin-guide/iostats):
 * after major, minor and name come reads, merged reads, sectors read, read ms, writes, merged
 * writes, sectors written, write ms, I/Os in progress, I/O ms, weighted I/O ms.
 */
export function parseDiskStats(diskstats: string): { name: string; fields: DiskIoFields }[] {
  const out: { name: string; fields: DiskIoFields }[] = [];
  for (const line of diskstats.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const n = (i: number) => BigInt(f[i]);
    out.push({
      name: f[2],
      fields: {
        reads: n(3),
        merged_reads: n(4),
        read_bytes: n(5) * SECTOR,
        read_time: n(6),
        writes: n(7),
        merged_writes: n(8),
        write_bytes: n(9) * SECTOR,
        write_time: n(10),
        iops_in_progress: n(11),
        io_time: n(12),
        weighted_io_time: n(13),
      },
    });
  }
  return out;
}

export function gatherDiskIo(acc: Accumulator, files: ProcFiles, devices: Matcher | undefined, timestamp: number): void {
  for (const { name, fields } of parseDiskStats(files.read('/proc/diskstats'))) {
    if (devices && !devices(name)) continue;
    acc.addCounter('diskio', fields, { name }, timestamp);
  }
}
