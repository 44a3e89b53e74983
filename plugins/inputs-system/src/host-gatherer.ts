import { statfs } from 'node:fs/promises';
import { compileGlobs, type Accumulator } from '@vigil/core';
import { ProcFiles, UTMP_PATH, type StatfsResult } from '@vigil/host';
import { CpuUsage } from './cpu.js';
import { DiskUsage } from './disk.js';
import { DiskIo } from './diskio.js';
import { gatherKernel } from './kernel.js';
import { gatherMem, gatherSwap } from './memory.js';
import { gatherNet } from './net.js';
import { gatherNetstat } from './netstat.js';
import type { Group, GroupOptions } from './options.js';
import { gatherProcesses } from './processes.js';
import { RepeatFilter } from './repeat-filter.js';
import { gatherSystem } from './system-load.js';

/** Where the host's files are read from. */
export interface HostSources {
  /** Prefixed to every /proc, /sys, /run and /dev path: tests point it at a prepared directory. */
  root: string;
  /** statfs(2) of a mount point (the real one outside tests). */
  statfs(mountPoint: string): Promise<StatfsResult>;
}

export const LIVE_HOST: HostSources = { root: '', statfs: (mountPoint) => statfs(mountPoint) };

export interface HostGatherer {
  /** Adds every wanted group's metrics, stamped `now`; a group that fails is reported, the others go on. */
  gather(acc: Accumulator, now: number): Promise<void>;
}

/**
 * The groups' collectors, shared by inputs.system and Telegraf's per-group inputs (inputs.cpu …).
 * Made once per plugin instance: cpu keeps its previous sample (taken here, so the first gather
 * already has a span to measure) and diskio its previous counters.
 */
export function createHostGatherer(groups: readonly Group[], o: GroupOptions, sources: HostSources = LIVE_HOST): HostGatherer {
  const wanted = new Set(groups);
  const cpu = wanted.has('cpu') ? new CpuUsage(o, new ProcFiles(sources.root).readOptional('/proc/stat') ?? '') : undefined;
  const disk = new DiskUsage(o, sources.statfs);
  const diskIo = new DiskIo(o, sources.root);
  const interfaces = o.interfaces.length > 0 ? compileGlobs(o.interfaces) : undefined;
  const repeats = new RepeatFilter();

  return {
    async gather(acc, now) {
      const files = new ProcFiles(sources.root);
      const report = (group: string, err: unknown) => {
        const line = repeats.filter(`${group}: ${err instanceof Error ? err.message : String(err)}`);
        if (line) acc.addError(new Error(line));
      };
      // statfs and the socket tables go through the thread pool: start them first, read the rest meanwhile.
      const onDiskProblem = (err: unknown) => report('disk', err);
      const inBackground = [
        wanted.has('disk') ? disk.gather(acc, files, now, onDiskProblem).catch(onDiskProblem) : undefined,
        wanted.has('netstat') ? gatherNetstat(acc, files, now).catch((err) => report('netstat', err)) : undefined,
      ];
      const synchronous: [Group, () => void][] = [
        ['cpu', () => cpu?.gather(acc, files, now)],
        ['mem', () => gatherMem(acc, files, now)],
        ['swap', () => gatherSwap(acc, files, now)],
        ['diskio', () => diskIo.gather(acc, files, now)],
        ['net', () => gatherNet(acc, files, interfaces, o.ignore_protocol_stats, now)],
        ['system', () => gatherSystem(acc, files, sources.root + UTMP_PATH, now)],
        ['processes', () => gatherProcesses(acc, files, now)],
        ['kernel', () => gatherKernel(acc, files, o.kernel_collect, now)],
      ];
      for (const [group, collect] of synchronous) {
        if (!wanted.has(group)) continue;
        try {
          collect();
        } catch (err) {
          report(group, err);
        }
        // Let finished thread-pool reads call back and start their next page meanwhile.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(inBackground);
    },
  };
}
