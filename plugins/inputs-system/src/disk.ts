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
    const total = stats.blocks * stats.bsize;
    const free = stats.bavail * stats.bsize;
    const used = (stats.blocks - stats.bfree) * stats.bsize;
    const inodesUsed = stats.files - stats.ffree;
    acc.addGauge(
      'disk',
      {
        total: BigInt(total),
        free: BigInt(free),
        used: BigInt(used),
        // Of the space non-root users can use, like df.
        used_percent: percent(used, used + free),
        inodes_total: BigInt(stats.files),
        inodes_free: BigInt(stats.ffree),
        inodes_used: BigInt(inodesUsed),
        inodes_used_percent: percent(inodesUsed, stats.files),
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
