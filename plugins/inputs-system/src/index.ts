import { setTimeout as sleep } from 'node:timers/promises';
import { compileGlobs, defineInput, type Accumulator, readSample } from '@vigil/core';
import { CpuUsage } from './cpu.js';
import { DiskUsage } from './disk.js';
import { gatherDiskIo } from './diskio.js';
import { hostInfoFields } from './host-info.js';
import { getHostSnapshot } from './host-snapshot.js';
import { gatherKernel } from './kernel.js';
import { gatherMem, gatherSwap } from './memory.js';
import { gatherNet } from './net.js';
import { gatherNetstat } from './netstat.js';
import { schema, type Group, type SystemOptions } from './options.js';
import { gatherProcesses } from './processes.js';
import { ProcFiles } from './proc-files.js';
import { RepeatFilter } from './repeat-filter.js';
import { gatherSystem } from './system-load.js';

export { getHostSnapshot, getPrimaryIp, type HostSnapshot, type HostSnapshotOptions } from './host-snapshot.js';
export { getHostDetails, type HostDetails } from './host-details.js';
export { getHostUsage, type FilesystemEntry, type HostUsage, type HostUsageOptions, type InterfaceUsage } from './host-usage.js';
export { usageBetween, type CpuTimes } from './cpu.js';
export type { StatfsResult } from './disk.js';
export type { CloudProvider, MetadataEndpoints } from './cloud-metadata.js';
export type { ContainerRuntime } from './container.js';
export type { SystemOptions } from './options.js';

/**
 * The cpu group reports usage since the previous sample. The first sample is taken at create,
 * and the first gather waits until it is this old, so that even the first gather (and
 * `vigil test`) reports cpu usage over a meaningful span of clock ticks.
 */
const FIRST_CPU_SPAN_MS = 200;

export default defineInput<SystemOptions>({
  name: 'system',
  description: "Host metrics under Telegraf's names: cpu, mem, swap, disk, diskio, net, netstat, system, processes, kernel",
  schema,
  sample: readSample(import.meta.url),
  check: (o) =>
    o.collect.includes('cpu') && !o.percpu && !o.totalcpu
      ? { option: 'percpu', message: 'percpu and totalcpu are both false: the cpu group would report nothing (leave "cpu" out of collect instead)' }
      : undefined,
  create(ctx) {
    const o = ctx.options;
    const wanted = new Set<Group>(o.collect);
    const cpu = new CpuUsage(o.percpu, o.totalcpu, new ProcFiles().readOptional('/proc/stat') ?? '');
    const cpuBaselineAt = Date.now();
    let firstGather = true;
    const disk = new DiskUsage({ mountPoints: o.mount_points, ignoreFs: o.ignore_fs });
    const devices = o.devices.length > 0 ? compileGlobs(o.devices) : undefined;
    const interfaces = o.interfaces.length > 0 ? compileGlobs(o.interfaces) : undefined;
    const repeats = new RepeatFilter();
    const snapshotOptions = {
      cloudMetadata: o.cloud_metadata,
      metadataEndpoints: { aws: o.aws_metadata_url, gcp: o.gcp_metadata_url, azure: o.azure_metadata_url },
      metadataTimeoutMs: o.metadata_timeout,
    };

    const report = (acc: Accumulator, group: string, err: unknown) => {
      const line = repeats.filter(`${group}: ${err instanceof Error ? err.message : String(err)}`);
      if (line) acc.addError(new Error(line));
    };
    const run = (acc: Accumulator, group: Group, collect: () => void) => {
      if (!wanted.has(group)) return;
      try {
        collect();
      } catch (err) {
        report(acc, group, err);
      }
    };

    return {
      async gather(acc) {
        if (firstGather && wanted.has('cpu')) {
          const wait = cpuBaselineAt + FIRST_CPU_SPAN_MS - Date.now();
          if (wait > 0) await sleep(wait, undefined, { signal: acc.signal }).catch(() => undefined);
        }
        firstGather = false;
        const now = Date.now();
        const perGather = new ProcFiles();
        // statfs, the socket tables and the host snapshot go through the thread pool: start them
        // first, read the rest meanwhile.
        const onDiskProblem = (err: unknown) => report(acc, 'disk', err);
        const inBackground = [
          wanted.has('disk') ? disk.gather(acc, perGather, now, onDiskProblem).catch(onDiskProblem) : undefined,
          wanted.has('netstat') ? gatherNetstat(acc, perGather, now).catch((err) => report(acc, 'netstat', err)) : undefined,
          o.host_info
            ? getHostSnapshot(snapshotOptions).then(
                (snapshot) => acc.addFields('host_info', hostInfoFields(snapshot), {}, now),
                (err) => report(acc, 'host_info', err),
              )
            : undefined,
        ];
        const synchronous: [Group, () => void][] = [
          ['cpu', () => cpu.gather(acc, perGather, now)],
          ['mem', () => gatherMem(acc, perGather, now)],
          ['swap', () => gatherSwap(acc, perGather, now)],
          ['diskio', () => gatherDiskIo(acc, perGather, devices, now)],
          ['net', () => gatherNet(acc, perGather, interfaces, now)],
          ['system', () => gatherSystem(acc, perGather, now)],
          ['processes', () => gatherProcesses(acc, perGather, now)],
          ['kernel', () => gatherKernel(acc, perGather, now)],
        ];
        for (const [group, collect] of synchronous) {
          run(acc, group, collect);
          // Let finished thread-pool reads call back and start their next page meanwhile.
          await new Promise((resolve) => setImmediate(resolve));
        }
        await Promise.all(inBackground);
      },
    };
  },
});
