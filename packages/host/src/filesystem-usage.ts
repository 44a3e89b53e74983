import type { StatsFs } from 'node:fs';
import { statfs } from 'node:fs/promises';

/** The statfs(2) fields a filesystem's usage is computed from. */
export type StatfsResult = Pick<StatsFs, 'blocks' | 'bsize' | 'bfree' | 'bavail' | 'files' | 'ffree'>;

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

function percent(part: number, whole: number): number {
  return whole > 0 ? (100 * part) / whole : 0;
}

/** A filesystem's usage from its statfs, as Telegraf's `disk` fields compute it. */
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

/** How long one filesystem may take to answer statfs before it is left out. */
export const STATFS_TIMEOUT_MS = 500;

/** statfs of a mount point, or undefined when it fails or takes longer than `timeoutMs`. */
export function statfsWithin(mountPoint: string, timeoutMs = STATFS_TIMEOUT_MS): Promise<StatsFs | undefined> {
  const stats = statfs(mountPoint).catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, undefined).unref();
  });
  return Promise.race([stats, giveUp]).finally(() => clearTimeout(timer));
}
