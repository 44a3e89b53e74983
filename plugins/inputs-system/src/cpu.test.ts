import { cpus } from 'node:os';
import { gatherOnce, createTestContext, createRecordingAccumulator } from '@vigil/core/testing';
import system from './index.js';
import { parseCpuTimes, usageBetween, type CpuTimes } from './cpu.js';

const USAGE_FIELDS = ['usage_user', 'usage_system', 'usage_idle', 'usage_active', 'usage_nice', 'usage_iowait', 'usage_irq', 'usage_softirq', 'usage_steal', 'usage_guest', 'usage_guest_nice'];

describe('cpu', () => {
  test('the first gather already reports usage for cpu-total and every CPU, as percentages', async () => {
    const { metrics, errors } = await gatherOnce(system, { collect: ['cpu'] });
    expect(errors).toEqual([]);
    expect(metrics.map((m) => m.tags.cpu).sort()).toEqual(['cpu-total', ...cpus().map((_, i) => `cpu${i}`)].sort());
    for (const m of metrics) {
      expect(m.name).toBe('cpu');
      expect(m.type).toBe('gauge');
      expect(Object.keys(m.fields).sort()).toEqual([...USAGE_FIELDS].sort());
      for (const value of Object.values(m.fields)) {
        expect(typeof value).toBe('number');
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(100);
      }
      const f = m.fields as Record<string, number>;
      // Telegraf's total: everything but guest time, which user and nice already include.
      const sum = f.usage_user + f.usage_system + f.usage_idle + f.usage_nice + f.usage_iowait + f.usage_irq + f.usage_softirq + f.usage_steal + f.usage_guest + f.usage_guest_nice;
      expect(sum).toBeCloseTo(100, 6);
      expect(f.usage_active).toBeCloseTo(100 - f.usage_idle, 6);
    }
  });

  test('percpu = false reports only cpu-total', async () => {
    const { metrics } = await gatherOnce(system, { collect: ['cpu'], percpu: false });
    expect(metrics.map((m) => m.tags.cpu)).toEqual(['cpu-total']);
  });

  test('totalcpu = false reports only the single CPUs', async () => {
    const { metrics } = await gatherOnce(system, { collect: ['cpu'], totalcpu: false });
    expect(metrics.map((m) => m.tags.cpu).sort()).toEqual(cpus().map((_, i) => `cpu${i}`).sort());
  });

  test('a later gather reports usage over the time since the previous one', async () => {
    const plugin = system.create(createTestContext(system, { collect: ['cpu'], percpu: false }));
    await plugin.gather!(createRecordingAccumulator());
    // Burn CPU so that some ticks pass.
    const until = Date.now() + 150;
    while (Date.now() < until);
    const acc = createRecordingAccumulator();
    await plugin.gather!(acc);
    expect(acc.metrics).toHaveLength(1);
    expect(acc.metrics[0].fields.usage_active).toBeGreaterThan(0);
  });
});

describe('usage between two samples', () => {
  const zero: CpuTimes = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0 };

  test('guest time is taken out of user, guest_nice out of nice', () => {
    const after = { ...zero, user: 50, guest: 20, nice: 10, guestNice: 10, idle: 40 };
    const u = usageBetween(zero, after)!;
    expect(u.usage_user).toBeCloseTo(30);
    expect(u.usage_guest).toBeCloseTo(20);
    expect(u.usage_nice).toBeCloseTo(0);
    expect(u.usage_guest_nice).toBeCloseTo(10);
    expect(u.usage_idle).toBeCloseTo(40);
    expect(u.usage_active).toBeCloseTo(60);
  });

  test('no report when no tick passed', () => {
    expect(usageBetween(zero, zero)).toBeUndefined();
  });

  test('a counter that went backwards counts as zero', () => {
    const before = { ...zero, iowait: 10 };
    const after = { ...zero, iowait: 5, idle: 100, user: 10 };
    const u = usageBetween(before, after)!;
    expect(u.usage_iowait).toBe(0);
    for (const v of Object.values(u)) expect(v).toBeGreaterThanOrEqual(0);
  });

  test('/proc/stat lines are read by name: cpu is cpu-total, cpuN stays', () => {
    const times = parseCpuTimes('cpu  10 1 5 100 2 0 1 0 0 0\ncpu0 10 1 5 100 2 0 1 0 0 0\nintr 5\n');
    expect([...times.keys()]).toEqual(['cpu-total', 'cpu0']);
    expect(times.get('cpu0')).toEqual({ user: 10, nice: 1, system: 5, idle: 100, iowait: 2, irq: 0, softirq: 1, steal: 0, guest: 0, guestNice: 0 });
  });
});
