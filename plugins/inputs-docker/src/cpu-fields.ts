import { int, type Row } from './rows.js';
import type { CpuStats, StatsResult } from './engine-types.js';

/** The two counters `usage_percent` is computed from, kept from one gather to the next. */
export interface CpuSample {
  /** The container's CPU time, ns. */
  total: number;
  /** The host's CPU time, ns (all CPUs). */
  system: number;
}

export function cpuSample(cpu: CpuStats | undefined): CpuSample | undefined {
  const total = cpu?.cpu_usage?.total_usage;
  const system = cpu?.system_cpu_usage;
  return typeof total === 'number' && typeof system === 'number' && system > 0 ? { total, system } : undefined;
}

function onlineCpus(cpu: CpuStats): number {
  return cpu.online_cpus || cpu.cpu_usage?.percpu_usage?.length || 0;
}

/**
 * `docker stats`' figure: the container's share of the host's CPU time since `previous`,
 * times the number of CPUs (so 200 is two CPUs busy). Undefined when there is no earlier
 * sample, or when the counters went backwards.
 */
export function cpuPercent(cpu: CpuStats | undefined, previous: CpuSample | undefined): number | undefined {
  const now = cpuSample(cpu);
  if (!cpu || !now || !previous) return undefined;
  const cpuDelta = now.total - previous.total;
  const systemDelta = now.system - previous.system;
  if (cpuDelta < 0 || systemDelta <= 0) return undefined;
  return (cpuDelta / systemDelta) * onlineCpus(cpu) * 100;
}

/** `docker_container_cpu` rows: cpu=cpu-total and, per CPU, cpu=cpu0 … */
export function cpuRows(stats: StatsResult, previous: CpuSample | undefined, perDevice: boolean, total: boolean): Row[] {
  const cpu = stats.cpu_stats;
  if (!cpu?.cpu_usage) return [];
  const rows: Row[] = [];
  if (total) {
    const usage = cpu.cpu_usage;
    const throttling = cpu.throttling_data ?? {};
    const fields: Row['fields'] = {
      usage_total: int(usage.total_usage ?? 0),
      usage_in_usermode: int(usage.usage_in_usermode ?? 0),
      usage_in_kernelmode: int(usage.usage_in_kernelmode ?? 0),
      usage_system: int(cpu.system_cpu_usage ?? 0),
      throttling_periods: int(throttling.periods ?? 0),
      throttling_throttled_periods: int(throttling.throttled_periods ?? 0),
      throttling_throttled_time: int(throttling.throttled_time ?? 0),
    };
    const percent = cpuPercent(cpu, previous);
    if (percent !== undefined) fields.usage_percent = percent;
    rows.push({ measurement: 'docker_container_cpu', tags: { cpu: 'cpu-total' }, fields });
  }
  // cgroup v2 engines give no per-CPU figures; v1 may list offline CPUs after the online ones.
  const perCpu = cpu.cpu_usage.percpu_usage ?? [];
  if (perDevice) {
    const online = cpu.online_cpus || perCpu.length;
    perCpu.slice(0, online).forEach((ns, i) => rows.push({ measurement: 'docker_container_cpu', tags: { cpu: `cpu${i}` }, fields: { usage_total: int(ns) } }));
  }
  return rows;
}
