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
 * Counters per block device from /proc/diskstats (Documentation/admin-guide/iostats.rst):
 * after major, minor and name come reads, merged reads, sectors read, read ms, writes, merged
 * writes, sectors written, write ms, I/Os in progress, I/O ms, weighted I/O ms.
 */
export function parseDiskStats(diskstats: string): { name: string; major: number; minor: number; fields: DiskIoFields }[] {
  const out: { name: string; major: number; minor: number; fields: DiskIoFields }[] = [];
  for (const line of diskstats.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const n = (i: number) => BigInt(f[i]);
    out.push({
      name: f[2],
      major: Number(f[0]),
      minor: Number(f[1]),
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

/**
 * Telegraf's iostat-like figures between two samples of one device: `io_await` (ms an I/O took,
 * queue included), `io_svctm` (ms the device was busy per I/O) and `io_util` (percent of the
 * time the device was busy). The per-I/O figures need at least one completed I/O.
 */
export function diskIoRates(before: DiskIoFields, after: DiskIoFields, elapsedMs: number): Record<string, number> {
  const ios = Number(after.reads + after.writes - before.reads - before.writes);
  const ioMs = Number(after.read_time + after.write_time - before.read_time - before.write_time);
  const busyMs = Number(after.io_time - before.io_time);
  const rates: Record<string, number> = {};
  if (ios > 0) {
    rates.io_await = ioMs / ios;
    rates.io_svctm = busyMs / ios;
  }
  if (elapsedMs > 0) rates.io_util = (100 * busyMs) / elapsedMs;
  return rates;
}
