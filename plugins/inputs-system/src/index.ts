import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineInput, readSample, type Accumulator, type InputDefinition, type InputPlugin } from '@vigil/core';
import { getHostSnapshot, hostInfoFields } from '@vigil/host';
import { createHostGatherer, LIVE_HOST, type HostGatherer } from './host-gatherer.js';
import { RepeatFilter } from './repeat-filter.js';
import { defaultGroupOptions, groupSchema, systemSchema, type Group, type GroupOptions, type KernelExtra, type SystemOptions } from './options.js';

export { createHostGatherer, type HostGatherer, type HostSources } from './host-gatherer.js';
export type { GroupOptions, SystemOptions } from './options.js';

/**
 * cpu reports usage since the previous sample. The first sample is taken at create, and the
 * first gather waits until it is this old, so that even the first gather (and `vigil test`)
 * reports cpu usage over a meaningful span of clock ticks.
 */
const FIRST_CPU_SPAN_MS = 200;

/** A polled input around a host gatherer made at create, with the first cpu span waited for. */
function hostInput(groups: readonly Group[], options: GroupOptions, extra?: (acc: Accumulator, now: number) => Promise<void> | undefined): InputPlugin {
  const gatherer: HostGatherer = createHostGatherer(groups, options, LIVE_HOST);
  const createdAt = Date.now();
  let firstGather = groups.includes('cpu');
  return {
    async gather(acc) {
      if (firstGather) {
        const wait = createdAt + FIRST_CPU_SPAN_MS - Date.now();
        if (wait > 0) await sleep(wait, undefined, { signal: acc.signal }).catch(() => undefined);
        firstGather = false;
      }
      const now = Date.now();
      await Promise.all([extra?.(acc, now), gatherer.gather(acc, now)]);
    },
  };
}

const cpuCheck = (o: { percpu: boolean; totalcpu: boolean }, advice: string) =>
  !o.percpu && !o.totalcpu ? { option: 'percpu', message: `percpu and totalcpu are both false: cpu would report nothing (${advice})` } : undefined;

const system = defineInput<SystemOptions>({
  name: 'system',
  description: "Host metrics under Telegraf's names: cpu, mem, swap, disk, diskio, net, netstat, system, processes, kernel",
  schema: systemSchema,
  sample: readSample(import.meta.url),
  check: (o) => (o.collect.includes('cpu') ? cpuCheck(o, 'leave "cpu" out of collect instead') : undefined),
  create(ctx) {
    const o = ctx.options;
    const snapshotOptions = {
      cloudMetadata: o.cloud_metadata,
      metadataEndpoints: { aws: o.aws_metadata_url, gcp: o.gcp_metadata_url, azure: o.azure_metadata_url },
      metadataTimeoutMs: o.metadata_timeout,
    };
    const repeats = new RepeatFilter();
    const hostInfo = (acc: Accumulator, now: number) =>
      getHostSnapshot(snapshotOptions).then(
        (snapshot) => acc.addFields('host_info', hostInfoFields(snapshot), {}, now),
        (err) => {
          const line = repeats.filter(`host_info: ${err instanceof Error ? err.message : String(err)}`);
          if (line) acc.addError(new Error(line));
        },
      );
    return hostInput(o.collect, o, o.host_info ? hostInfo : undefined);
  },
});
export default system;

/** The sample of one of Telegraf's per-group inputs, from samples/<name>.toml. */
function groupSample(name: string): string {
  return readFileSync(new URL(`../samples/${name}.toml`, import.meta.url), 'utf8');
}

/** Telegraf's [[inputs.<group>]]: the same collector as inputs.system's group of that name. */
function groupInput<O extends object>(group: Group, description: string, toGroupOptions: (o: O) => Partial<GroupOptions> = (o) => o, check?: InputDefinition<O>['check']): InputDefinition<O> {
  return defineInput<O>({
    name: group,
    description,
    schema: groupSchema(group),
    sample: groupSample(group),
    check,
    create: (ctx) => hostInput([group], { ...defaultGroupOptions(), ...toGroupOptions(ctx.options) }),
  });
}

export const cpu = groupInput<Pick<GroupOptions, 'percpu' | 'totalcpu' | 'collect_cpu_time' | 'report_active' | 'core_tags'>>(
  'cpu',
  "Telegraf's inputs.cpu: CPU usage per CPU and in total",
  undefined,
  (o) => cpuCheck(o, 'remove the [[inputs.cpu]] block instead'),
);
export const mem = groupInput('mem', "Telegraf's inputs.mem: memory use from /proc/meminfo");
export const swap = groupInput('swap', "Telegraf's inputs.swap: swap space and pages swapped in and out");
export const disk = groupInput('disk', "Telegraf's inputs.disk: space and inodes per mounted filesystem");
export const diskio = groupInput('diskio', "Telegraf's inputs.diskio: I/O counters per block device");
export const net = groupInput('net', "Telegraf's inputs.net: traffic per network interface and protocol counters");
export const netstat = groupInput('netstat', "Telegraf's inputs.netstat: sockets by TCP state, and UDP sockets");
export const processes = groupInput('processes', "Telegraf's inputs.processes: processes by state, and threads");
export const kernel = groupInput<{ collect: KernelExtra[] }>('kernel', "Telegraf's inputs.kernel: kernel counters, samepage merging and pressure stall information", (o) => ({
  kernel_collect: o.collect,
}));
