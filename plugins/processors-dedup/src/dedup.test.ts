import { newLogRecord, newMetric } from '@vigil/core';
import { createProcessor, createTestContext, memoryState } from '@vigil/core/testing';
import dedup from './index.js';

type Options = Parameters<typeof dedup.create>[0]['options'];

describe('processors.dedup', () => {
  it('drops an unchanged repeat of a series and passes a change or another series', () => {
    const process = createProcessor(dedup, { dedup_interval: '10m' });
    const now = Date.now();
    expect(process(newMetric('cpu', { usage: 1.5 }, { host: 'a' }, now))).not.toBeNull();
    expect(process(newMetric('cpu', { usage: 1.5 }, { host: 'a' }, now + 10))).toBeNull();
    expect(process(newMetric('cpu', { usage: 1.5 }, { host: 'b' }, now + 10))).not.toBeNull();
    expect(process(newMetric('cpu', { usage: 2.5 }, { host: 'a' }, now + 20))).not.toBeNull();
    expect(process(newMetric('cpu', { usage: 2.5 }, { host: 'a' }, now + 30))).toBeNull();
  });

  it('passes an unchanged item again once the cached one is older than dedup_interval', () => {
    const process = createProcessor(dedup, { dedup_interval: '1m' });
    const old = Date.now() - 61_000;
    expect(process(newMetric('cpu', { usage: 1 }, {}, old))).not.toBeNull();
    expect(process(newMetric('cpu', { usage: 1 }, {}, Date.now()))).not.toBeNull();
  });

  it("matches Telegraf: a field added at the same time passes, at a later time it is held back", () => {
    const process = createProcessor(dedup, {});
    const now = Date.now();
    process(newMetric('sys', { load1: 1 }, {}, now));
    expect(process(newMetric('sys', { uptime: 5n }, {}, now))).not.toBeNull();
    expect(process(newMetric('sys', { load1: 1, uptime: 5n, users: 2n }, {}, now + 1000))).toBeNull();
  });

  it('drops a log line repeated within the interval, and counts it', async () => {
    const ctx = createTestContext<Options>(dedup, {});
    const plugin = dedup.create(ctx);
    const line = () => newLogRecord({ level: 'error', message: 'disk full', source: '/var/log/a.log' });
    expect(plugin.process(line())).not.toBeNull();
    expect(plugin.process(line())).toBeNull();
    expect(plugin.process(newLogRecord({ level: 'error', message: 'disk ok', source: '/var/log/a.log' }))).not.toBeNull();
    await plugin.close?.();
    expect(ctx.ring.entries().map((e) => e.message)).toContainEqual(expect.stringMatching(/^dropped 1 item in the last \d+s: 1 repeating unchanged values$/));
  });

  it('remembers what it held back across a restart', async () => {
    const state = memoryState();
    const first = dedup.create(createTestContext<Options>(dedup, {}, { state }));
    const now = Date.now();
    first.process(newMetric('m', { n: 7n, s: 'x' }, {}, now));
    await first.close?.();
    const second = dedup.create(createTestContext<Options>(dedup, {}, { state }));
    expect(second.process(newMetric('m', { n: 7n, s: 'x' }, {}, now + 5))).toBeNull();
    expect(second.process(newMetric('m', { n: 8n, s: 'x' }, {}, now + 6))).not.toBeNull();
  });
});
