import { memoryRow } from './memory-fields.js';

describe('docker_container_mem', () => {
  it('counts usage as docker stats does on cgroup v1: less the inactive page cache', () => {
    const row = memoryRow({
      usage: 10_000_000,
      max_usage: 12_000_000,
      limit: 40_000_000,
      failcnt: 2,
      stats: { total_inactive_file: 2_000_000, inactive_file: 1_500_000, cache: 3_000_000, rss: 6_000_000, total_rss: 6_000_000, pgfault: 100 },
    })!;
    expect(row.fields).toMatchObject({ usage: 8_000_000n, limit: 40_000_000n, max_usage: 12_000_000n, fail_count: 2n, cache: 3_000_000n, rss: 6_000_000n, pgfault: 100n });
    expect(row.fields.usage_percent).toBe(20);
  });

  it('counts usage less inactive_file on cgroup v2, which has no max_usage, and keeps its own figures', () => {
    const row = memoryRow({ usage: 5_000_000, limit: 20_000_000, stats: { inactive_file: 1_000_000, anon: 3_000_000, file: 1_500_000, slab: 200_000 } })!;
    expect(row.fields).toMatchObject({ usage: 4_000_000n, usage_percent: 20, anon: 3_000_000n, file: 1_500_000n, slab: 200_000n });
    expect(row.fields).not.toHaveProperty('max_usage');
    expect(row.fields).not.toHaveProperty('fail_count');
  });

  it('reports no percentage without a limit, and nothing without a usage', () => {
    expect(memoryRow({ usage: 100, limit: 0 })!.fields).not.toHaveProperty('usage_percent');
    expect(memoryRow({})).toBeUndefined();
  });
});
