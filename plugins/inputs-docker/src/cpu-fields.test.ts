import { cpuPercent, cpuRows } from './cpu-fields.js';

describe('docker_container_cpu usage_percent', () => {
  it("is the container's share of the host's CPU time times the CPUs, as docker stats computes it", () => {
    const cpu = { cpu_usage: { total_usage: 3_000_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 4 };
    // 1 s of CPU in 10 s of host CPU time over 4 CPUs: one of the four CPUs busy 40% of the time.
    expect(cpuPercent(cpu, { total: 2_000_000_000, system: 10_000_000_000 })).toBeCloseTo(40, 10);
  });

  it('counts the per-CPU list when the engine gives no online_cpus', () => {
    const cpu = { cpu_usage: { total_usage: 2_000, percpu_usage: [1_000, 1_000] }, system_cpu_usage: 2_000 };
    expect(cpuPercent(cpu, { total: 1_000, system: 1_000 })).toBeCloseTo(200, 10);
  });

  it('is left out without an earlier sample, or when the counters went back (a restart)', () => {
    const cpu = { cpu_usage: { total_usage: 100 }, system_cpu_usage: 1_000, online_cpus: 1 };
    expect(cpuPercent(cpu, undefined)).toBeUndefined();
    expect(cpuPercent(cpu, { total: 500, system: 900 })).toBeUndefined();
    const rows = cpuRows({ cpu_stats: cpu }, undefined, false, true);
    expect(rows[0].fields).not.toHaveProperty('usage_percent');
  });

  it('reports per-CPU rows only for the online CPUs', () => {
    const rows = cpuRows({ cpu_stats: { cpu_usage: { total_usage: 30, percpu_usage: [10, 20, 0, 0] }, system_cpu_usage: 5, online_cpus: 2 } }, undefined, true, false);
    expect(rows.map((r) => [r.tags.cpu, r.fields.usage_total])).toEqual([['cpu0', 10n], ['cpu1', 20n]]);
  });
});
