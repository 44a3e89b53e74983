import { readFileSync } from 'node:fs';
import { gatherOnce } from '@vigil/core/testing';
import system from './index.js';
import { memFields } from './memory.js';

function meminfoKb(key: string): bigint {
  return BigInt(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'))![1]);
}

describe('mem', () => {
  test('total is MemTotal in bytes, used is total minus available, percentages within 0-100', async () => {
    const { metrics, errors } = await gatherOnce(system, { collect: ['mem'] });
    expect(errors).toEqual([]);
    expect(metrics).toHaveLength(1);
    const f = metrics[0].fields;
    expect(metrics[0].name).toBe('mem');
    expect(f.total).toBe(meminfoKb('MemTotal') * 1024n);
    expect(f.used).toBe((f.total as bigint) - (f.available as bigint));
    for (const key of ['used_percent', 'available_percent']) {
      expect(typeof f[key]).toBe('number');
      expect(f[key]).toBeGreaterThanOrEqual(0);
      expect(f[key]).toBeLessThanOrEqual(100);
    }
    expect((f.used_percent as number) + (f.available_percent as number)).toBeCloseTo(100, 6);
    for (const key of ['free', 'cached', 'buffered', 'active', 'inactive', 'shared', 'slab', 'dirty', 'mapped', 'commit_limit', 'huge_pages_total']) {
      expect(typeof f[key]).toBe('bigint');
    }
  });

  test('without MemAvailable (kernels before 3.14) available is free + buffers + cached', () => {
    const f = memFields('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\nSReclaimable: 20 kB\nHugePages_Total: 4\n');
    expect(f.available).toBe(400n * 1024n);
    expect(f.used).toBe(600n * 1024n);
    expect(f.used_percent).toBeCloseTo(60);
    expect(f.cached).toBe(270n * 1024n);
    expect(f.huge_pages_total).toBe(4n);
  });
});

describe('swap', () => {
  test('sizes as a gauge and bytes swapped in and out as a counter', async () => {
    const { metrics } = await gatherOnce(system, { collect: ['swap'] });
    const gauge = metrics.find((m) => m.type === 'gauge')!;
    const counter = metrics.find((m) => m.type === 'counter')!;
    expect(metrics.every((m) => m.name === 'swap')).toBe(true);
    expect(gauge.fields.total).toBe(meminfoKb('SwapTotal') * 1024n);
    expect(gauge.fields.used).toBe((gauge.fields.total as bigint) - (gauge.fields.free as bigint));
    expect(gauge.fields.used_percent).toBeGreaterThanOrEqual(0);
    expect(gauge.fields.used_percent).toBeLessThanOrEqual(100);
    expect(Object.keys(counter.fields).sort()).toEqual(['in', 'out']);
    expect(typeof counter.fields.in).toBe('bigint');
  });
});
