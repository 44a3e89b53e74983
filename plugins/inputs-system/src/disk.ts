import type { Accumulator } from '@vigil/core';
import { filesystemUsage, parseMountInfo, PSEUDO_FS, type Mount, type ProcFiles, type StatfsResult } from '@vigil/host';

export interface DiskOptions {
  /** Exact mount points to report; empty reports every mount. */
  mount_points: string[];
  ignore_fs: string[];
  ignore_mount_opts: string[];
}

/**
 * Mounts to report: wanted mount points whose filesystem type is neither ignored nor a kernel
 * pseudo filesystem, and that carry none of the ignored mount options. A mount point mounted
 * over again is reported once, as the mount on top: the one statfs answers for.
 */
export function selectMounts(mounts: Mount[], options: DiskOptions): Mount[] {
  const wanted = new Set(options.mount_points);
  const ignored = new Set(options.ignore_fs);
  const visible = new Map<string, Mount>();
  for (const m of mounts) visible.set(m.mountPoint, m);
  return [...visible.values()].filter(
    (m) =>
      (wanted.size === 0 || wanted.has(m.mountPoint)) &&
      !ignored.has(m.fsType) &&
      !PSEUDO_FS.has(m.fsType) &&
      !m.options.some((option) => options.ignore_mount_opts.includes(option)),
  );
}

/**
 * `disk`: statfs of every selected mount. A statfs that never returns (a dead NFS server)
 * would hold a thread-pool thread; such a mount is skipped until its call comes back, so
 * each stuck mount costs one thread, not one per gather.
 */
export class DiskUsage {
  private readonly pending = new Set<string>();

  constructor(
    private readonly options: DiskOptions,
    private readonly statfs: (mountPoint: string) => Promise<StatfsResult>,
  ) {}

  /** `onStuck` hears of each mount skipped because its statfs is still pending. */
  async gather(acc: Accumulator, files: ProcFiles, timestamp: number, onStuck: (err: Error) => void): Promise<void> {
    const mounts = selectMounts(parseMountInfo(files.read('/proc/self/mountinfo')), this.options);
    const stuck = mounts.filter((m) => this.pending.has(m.mountPoint));
    for (const m of stuck) onStuck(new Error(`statfs ${m.mountPoint} has not returned since an earlier gather; skipped`));
    const ready = mounts.filter((m) => !stuck.includes(m));
    // Waiting stops when the gather is abandoned, so one hung mount cannot hold the gather.
    await untilAborted(Promise.all(ready.map((m) => this.gatherMount(acc, files, m, timestamp))), acc.signal).catch(() => undefined);
  }

  private async gatherMount(acc: Accumulator, files: ProcFiles, mount: Mount, timestamp: number): Promise<void> {
    this.pending.add(mount.mountPoint);
    const call = this.statfs(mount.mountPoint).finally(() => this.pending.delete(mount.mountPoint));
    const stats = await call.catch(() => undefined);
    // Total 0 marks a pseudo filesystem (proc, sysfs, cgroup), which Telegraf leaves out too.
    if (!stats || stats.blocks === 0 || acc.signal.aborted) return;
    const u = filesystemUsage(stats);
    const tags: Record<string, string> = {
      path: mount.mountPoint,
      device: mount.source.replace(/^\/dev\//, ''),
      fstype: mount.fsType,
      mode: mount.readOnly ? 'ro' : 'rw',
    };
    // A device-mapper volume (LVM, LUKS) has its name in sysfs; other devices have no label.
    const label = files.readOptional(`/sys/dev/block/${mount.deviceNumber}/dm/name`)?.trim();
    if (label) tags.label = label;
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
      tags,
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
