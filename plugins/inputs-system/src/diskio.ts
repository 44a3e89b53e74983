import type { Accumulator, Matcher } from '@vigil/core';
import type { ProcFiles } from './proc-files.js';

/** Sectors in /proc/diskstats are always 512 bytes, whatever the device's block size. */
const SECTOR = 512n;

/**
 * `diskio` counters per block device from /proc/diskstats (Documentation/admin-guide/iostats):
 * after major, minor and name come reads, merged reads, sectors read, read ms, writes, merged
 * writes, sectors written, write ms, I/Os in progress, I/O ms, weighted I/O ms.
 */
export function gatherDiskIo(acc: Accumulator, files: ProcFiles, devices: Matcher | undefined, timestamp: number): void {
  for (const line of files.read('/proc/diskstats').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const name = f[2];
    if (devices && !devices(name)) continue;
    const n = (i: number) => BigInt(f[i]);
    acc.addCounter(
      'diskio',
      {
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
      { name },
      timestamp,
    );
  }
}
