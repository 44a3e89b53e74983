import { statfs } from 'node:fs/promises';
import type { Accumulator } from '@vigil/core';
import { parseMountInfo, PSEUDO_FS, type Mount } from './mounts.js';
import type { ProcFiles } from './proc-files.js';

export interface DiskOptions {
  /** Exact mount points to report; empty reports every mount. */
  mountPoints: string[];
  ignoreFs: string[];
}

/**
 * Mounts to report: wanted mount points whose filesystem type is neither ignored nor a kernel
 * pseudo filesystem. A mount point
 * mounted over again is reported once, as the mount on top: the one statfs answers for.
 */
export function selectMounts(mounts: Mount[], options: DiskOptions): Mount[] {
  const wanted = new Set(options.mountPoints);
  const ignored = new Set(options.ignoreFs);
  const visible = new Map<string, Mount>();
  for (const m of mounts) visible.set(m.mountPoint, m);
  return [...visible.values()].filter((m) => (wanted.size === 0 || wanted.has(m.mountPoint)) && !ignored.has(m.fsType) && !PSEUDO_FS.has(m.fsType));
}

function percent(part: number, whole: number): number {
  return whole > 0 ? (100 * part) / whole : 0;
}

/** The statfs(2) fields a filesystem's usage is computed from. */
export type StatfsResult = Pick<import('node:fs').StatsFs, 'blocks' | 'bsize' | 'bfree' | 'bavail' | 'files' | 'ffree'>;

export interface FilesystemUsage {
  /** Bytes. */
  total: number;
  /** Bytes non-root users can still write (f_bavail), as df's "Avail". */
  free: number;
  used: number;
  /** Of the space non-root users can use (used + free), like df. */
  usedPercent: number;
  inodesTotal: number;
  inodesFree: number;
  inodesUsed: number;
  inodesUsedPercent: number;
}

/** A filesystem's usage from its statfs, as the `disk` fields compute it. */
export function filesystemUsage(stats: StatfsResult): FilesystemUsage {
  const free = stats.bavail * stats.bsize;
  const used = (stats.blocks - stats.bfree) * stats.bsize;
  const inodesUsed = stats.files - stats.ffree;
  return {
    total: stats.blocks * stats.bsize,
    free,
    used,
    usedPercent: percent(used, used + free),
    inodesTotal: stats.files,
    inodesFree: stats.ffree,
    inodesUsed,
    inodesUsedPercent: percent(inodesUsed, stats.files),
  };
}

/**
 * `disk`: statfs of every selected mount. A statfs that never returns (a dead NFS server)
 * would hold a thread-pool thread; such a mount is skipped until its call comes back, so
 * each stuck mount costs one thread, not one per gather.
 */
export class DiskUsage {
  private readonly pending = new Set<string>();

  constructor(private readonly options: DiskOptions) {}

  /** `onStuck` hears of each mount skipped because its statfs is still pending. */
  async gather(acc: Accumulator, files: ProcFiles, timestamp: number, onStuck: (err: Error) => void): Promise<void> {
    const mounts = selectMounts(parseMountInfo(files.read('/proc/self/mountinfo')), this.options);
    const stuck = mounts.filter((m) => this.pending.has(m.mountPoint));
    for (const m of stuck) onStuck(new Error(`statfs ${m.mountPoint} has not returned since an earlier gather; skipped`));
    const ready = mounts.filter((m) => !stuck.includes(m));
    // Waiting stops when the gather is abandoned, so one hung mount cannot hold the gather.
    await untilAborted(Promise.all(ready.map((m) => this.gatherMount(acc, m, timestamp))), acc.signal).catch(() => undefined);
  }

  private async gatherMount(acc: Accumulator, mount: Mount, timestamp: number): Promise<void> {
    this.pending.add(mount.mountPoint);
    const call = statfs(mount.mountPoint).finally(() => this.pending.delete(mount.mountPoint));
    const stats = await call.catch(() => undefined);
    // Total 0 marks a pseudo filesystem (proc, sysfs, cgroup), which Telegraf leaves out too.
    if (!stats || stats.blocks === 0 || acc.signal.aborted) return;
    const u = filesystemUsage(stats);
    acc.addGauge(
      'disk',
      {
        total: BigInt(u.total),
        free: BigInt(u.free),
        used: BigInt(u.used),
        used_percent: u.usedPercent,
        inodes_total: BigInt(u.inodesTotal),
        inodes_free: BigInt(u.inodesFree),
        inodes_used: BigInt(u.inodesUsed),
        inodes_used_percent: u.inodesUsedPercent,
      },
      {
        path: mount.mountPoint,
        device: mount.source.replace(/^\/dev\//, ''),
        fstype: mount.fsType,
        mode: mount.readOnly ? 'ro' : 'rw',
      },
      timestamp,
    );
  }
}

/** The promise's outcome, or a rejection as soon as the signal aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
