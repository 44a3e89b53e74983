/** One CPU's counters from a /proc/stat `cpu` line, in clock ticks. */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
  guest: number;
  guestNice: number;
}

/** `cpu` (all CPUs) and `cpuN` lines of /proc/stat, keyed by Telegraf's tag value. */
export function parseCpuTimes(stat: string): Map<string, CpuTimes> {
  const out = new Map<string, CpuTimes>();
  for (const line of stat.split('\n')) {
    if (!line.startsWith('cpu')) continue;
    const [name, ...values] = line.split(/\s+/);
    const v = values.map(Number);
    out.set(name === 'cpu' ? 'cpu-total' : name, {
      user: v[0] ?? 0,
      nice: v[1] ?? 0,
      system: v[2] ?? 0,
      idle: v[3] ?? 0,
      iowait: v[4] ?? 0,
      irq: v[5] ?? 0,
      softirq: v[6] ?? 0,
      steal: v[7] ?? 0,
      guest: v[8] ?? 0,
      guestNice: v[9] ?? 0,
    });
  }
  return out;
}

/** Telegraf's total: guest time is already inside user (and guest_nice inside nice). */
function total(t: CpuTimes): number {
  return t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
}

/**
 * Usage percentages between two samples, Telegraf's formulas: guest is taken out of user and
 * guest_nice out of nice, `usage_active` is everything but idle. Undefined when no tick
 * passed. A counter that went backwards (iowait does on some kernels) counts as zero.
 */
export function usageBetween(before: CpuTimes, after: CpuTimes): Record<string, number> | undefined {
  const elapsed = total(after) - total(before);
  if (elapsed <= 0) return undefined;
  const d = (key: keyof CpuTimes) => Math.max(0, after[key] - before[key]);
  const pct = (ticks: number) => Math.min(100, Math.max(0, (100 * ticks) / elapsed));
  return {
    usage_user: pct(d('user') - d('guest')),
    usage_system: pct(d('system')),
    usage_idle: pct(d('idle')),
    usage_nice: pct(d('nice') - d('guestNice')),
    usage_iowait: pct(d('iowait')),
    usage_irq: pct(d('irq')),
    usage_softirq: pct(d('softirq')),
    usage_steal: pct(d('steal')),
    usage_guest: pct(d('guest')),
    usage_guest_nice: pct(d('guestNice')),
    usage_active: pct(elapsed - d('idle')),
  };
}

/** /proc/stat counts in USER_HZ, which Linux fixes at 100 for user space whatever the kernel's HZ. */
const TICKS_PER_SECOND = 100;

/**
 * Telegraf's `time_*` fields: seconds in each state since boot, as the kernel counts them
 * (time_user still holds guest time). `time_active` is every state but idle.
 */
export function cpuTimeFields(t: CpuTimes, withActive: boolean): Record<string, number> {
  const s = (ticks: number) => ticks / TICKS_PER_SECOND;
  const fields: Record<string, number> = {
    time_user: s(t.user),
    time_system: s(t.system),
    time_idle: s(t.idle),
    time_nice: s(t.nice),
    time_iowait: s(t.iowait),
    time_irq: s(t.irq),
    time_softirq: s(t.softirq),
    time_steal: s(t.steal),
    time_guest: s(t.guest),
    time_guest_nice: s(t.guestNice),
  };
  if (withActive) fields.time_active = s(total(t) - t.idle);
  return fields;
}
