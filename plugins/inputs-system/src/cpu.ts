import type { Accumulator } from '@vigil/core';
import { cpuTimeFields, parseCpuTimes, parseCpuTopology, usageBetween, type CpuPlace, type CpuTimes, type ProcFiles } from '@vigil/host';

export interface CpuOptions {
  percpu: boolean;
  totalcpu: boolean;
  collect_cpu_time: boolean;
  report_active: boolean;
  core_tags: boolean;
}

/**
 * `cpu` as Telegraf sends it: usage percentages since the previous sample (a gauge) and, with
 * collect_cpu_time, seconds in each state since boot (a counter), both per CPU and for all.
 */
export class CpuUsage {
  private previous: Map<string, CpuTimes>;
  private places?: Map<string, CpuPlace>;

  /** `baseline` is the /proc/stat text usage is first measured from. */
  constructor(
    private readonly options: CpuOptions,
    baseline: string,
  ) {
    this.previous = parseCpuTimes(baseline);
  }

  gather(acc: Accumulator, files: ProcFiles, timestamp: number): void {
    const o = this.options;
    const current = parseCpuTimes(files.read('/proc/stat'));
    // Which core and socket a CPU is cannot change while it is online: read once.
    if (o.core_tags) this.places ??= parseCpuTopology(files.readOptional('/proc/cpuinfo') ?? '');
    for (const [cpu, times] of current) {
      if (!(cpu === 'cpu-total' ? o.totalcpu : o.percpu)) continue;
      const place = this.places?.get(cpu);
      const tags: Record<string, string> = place ? { cpu, core_id: place.coreId, physical_id: place.physicalId } : { cpu };
      if (o.collect_cpu_time) acc.addCounter('cpu', cpuTimeFields(times, o.report_active), tags, timestamp);
      const before = this.previous.get(cpu);
      const usage = before ? usageBetween(before, times) : undefined;
      if (!usage) continue;
      if (!o.report_active) delete usage.usage_active;
      acc.addGauge('cpu', usage, tags, timestamp);
    }
    this.previous = current;
  }
}
