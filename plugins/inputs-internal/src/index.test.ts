import { createRecordingAccumulator, createTestContext } from '@vigil/core/testing';
import type { Metric, StatsSnapshot } from '@vigil/core';
import internal from './index.js';

const snapshot: StatsSnapshot = {
  agent: { metrics_gathered: 30, metrics_written: 20, metrics_rejected: 1, metrics_dropped: 2, metrics_filtered: 3, gather_errors: 4, gather_timeouts: 5, log_errors: 6, log_warnings: 7 },
  inputs: {
    system: [{ alias: '', metrics_gathered: 25, errors: 0, gather_time_ns: 1_500_000, gather_timeouts: 0, gathers_skipped: 0, startup_errors: 0 }],
    http: [{ alias: 'api', metrics_gathered: 5, errors: 4, gather_time_ns: 900, gather_timeouts: 5, gathers_skipped: 1, startup_errors: 0 }],
  },
  processors: {
    filter: [{ alias: 'debug', metrics_received: 30, metrics_emitted: 26, metrics_dropped: 4, errors: 1, process_time_ns: 7_000 }],
  },
  outputs: {
    http: [
      {
        alias: 'broken',
        metrics_added: 30,
        metrics_written: 20,
        metrics_rejected: 1,
        metrics_dropped: 2,
        metrics_filtered: 3,
        buffer_size: 4,
        buffer_bytes: 0,
        buffer_limit: 16,
        metrics_kept: 0,
        errors: 9,
        retries: 8,
        write_time_ns: 12_345,
        startup_errors: 1,
        buffer_fullness: 0.25,
      },
    ],
  },
  logs: { trace: 0, debug: 0, info: 3, warn: 7, error: 6, fatal: 0 },
  started_at: 1_700_000_000_000,
};

async function gather(options: Record<string, unknown> = {}): Promise<Metric[]> {
  const ctx = createTestContext<{ collect_memstats: boolean }>(internal, options, { stats: { snapshot: () => snapshot }, agent: { version: '9.9.9' } });
  const plugin = internal.create(ctx);
  await plugin.start?.(createRecordingAccumulator());
  const acc = createRecordingAccumulator();
  await plugin.gather!(acc);
  await plugin.stop?.();
  return acc.metrics;
}

describe('inputs.internal', () => {
  it("sends Telegraf's internal_agent, internal_gather per input, internal_processor per processor and internal_write per output, counters as integers", async () => {
    const metrics = await gather();
    const byName = (name: string) => metrics.filter((m) => m.name === name).map(({ tags, fields }) => ({ tags, fields }));
    expect(byName('internal_agent')).toEqual([
      {
        tags: { version: '9.9.9', node_version: process.versions.node },
        fields: { metrics_gathered: 30n, metrics_written: 20n, metrics_rejected: 1n, metrics_dropped: 2n, metrics_filtered: 3n, gather_errors: 4n, gather_timeouts: 5n, log_errors: 6n, log_warnings: 7n },
      },
    ]);
    expect(byName('internal_gather')).toEqual([
      { tags: { input: 'system', version: '9.9.9' }, fields: { metrics_gathered: 25n, errors: 0n, gather_time_ns: 1_500_000n, gather_timeouts: 0n, gathers_skipped: 0n, startup_errors: 0n } },
      { tags: { input: 'http', alias: 'api', version: '9.9.9' }, fields: { metrics_gathered: 5n, errors: 4n, gather_time_ns: 900n, gather_timeouts: 5n, gathers_skipped: 1n, startup_errors: 0n } },
    ]);
    expect(byName('internal_processor')).toEqual([
      { tags: { processor: 'filter', alias: 'debug', version: '9.9.9' }, fields: { metrics_received: 30n, metrics_emitted: 26n, metrics_dropped: 4n, errors: 1n, process_time_ns: 7_000n } },
    ]);
    expect(byName('internal_write')).toEqual([
      {
        tags: { output: 'http', alias: 'broken', version: '9.9.9' },
        fields: {
          metrics_added: 30n,
          metrics_written: 20n,
          metrics_rejected: 1n,
          metrics_dropped: 2n,
          metrics_filtered: 3n,
          buffer_size: 4n,
          buffer_bytes: 0n,
          buffer_limit: 16n,
          metrics_kept: 0n,
          errors: 9n,
          retries: 8n,
          write_time_ns: 12_345n,
          startup_errors: 1n,
          buffer_fullness: 0.25,
        },
      },
    ]);
    expect(new Set(metrics.map((m) => m.timestamp)).size).toBe(1);
  });

  it('sends internal_memstats of this process: memory in bytes, event-loop delay in ns, utilization 0 to 1', async () => {
    const [mem] = (await gather()).filter((m) => m.name === 'internal_memstats');
    expect(Object.keys(mem.fields).sort()).toEqual([
      'array_buffers_bytes',
      'event_loop_delay_max_ns',
      'event_loop_delay_mean_ns',
      'event_loop_delay_p50_ns',
      'event_loop_delay_p99_ns',
      'event_loop_utilization',
      'external_bytes',
      'heap_alloc_bytes',
      'heap_limit_bytes',
      'heap_sys_bytes',
      'rss_bytes',
    ]);
    const rss = mem.fields.rss_bytes as bigint;
    // The process is at least as big as its V8 heap in use, and at most what the OS says it holds now.
    expect(rss).toBeGreaterThanOrEqual(mem.fields.heap_alloc_bytes as bigint);
    expect(rss).toBeLessThanOrEqual(BigInt(process.memoryUsage.rss()) * 2n);
    for (const f of ['event_loop_delay_p50_ns', 'event_loop_delay_max_ns']) expect(typeof mem.fields[f]).toBe('bigint');
    expect(mem.fields.event_loop_utilization).toBeGreaterThanOrEqual(0);
    expect(mem.fields.event_loop_utilization).toBeLessThanOrEqual(1);
  });

  it('leaves internal_memstats out with collect_memstats = false', async () => {
    expect((await gather({ collect_memstats: false })).map((m) => m.name)).not.toContain('internal_memstats');
  });
});
