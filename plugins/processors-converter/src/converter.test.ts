import { newLogRecord, newMetric, type Metric } from '@vigil/core';
import { createProcessor, createTestContext } from '@vigil/core/testing';
import converter from './index.js';

type Options = Parameters<typeof converter.create>[0]['options'];

describe('processors.converter', () => {
  it('turns tags into typed fields and the measurement name', () => {
    const process = createProcessor(converter, { tags: { string: ['port'], integer: ['code'], boolean: ['ok'], float: ['ratio'], measurement: ['topic'] } });
    const out = process(newMetric('mqtt', { v: 1 }, { port: '80', code: '0x1F', ok: 'True', ratio: '0.25', topic: 'sensor', host: 'a' })) as Metric;
    expect(out.name).toBe('sensor');
    expect(out.tags).toEqual({ host: 'a' });
    expect(out.fields).toEqual({ v: 1, port: '80', code: 31n, ok: true, ratio: 0.25 });
  });

  it('converts field types as Telegraf does: floats round half away from zero, strings parse', () => {
    const process = createProcessor(converter, { fields: { integer: ['i*'], unsigned: ['u*'], float: ['f*'], string: ['s*'], boolean: ['b*'] } });
    const out = process(
      newMetric('m', { i1: 2.5, i2: -2.5, i3: '42', i4: '7.6', i5: true, u1: -3n, u2: '18', f1: 3n, f2: '1e3', s1: 1.5, s2: false, b1: 0, b2: 'f' }),
    ) as Metric;
    expect(out.fields).toEqual({ i1: 3n, i2: -3n, i3: 42n, i4: 8n, i5: 1n, u1: 0n, u2: 18n, f1: 3, f2: 1000, s1: '1.5', s2: 'false', b1: false, b2: false });
  });

  it('removes a value that cannot be converted and warns once per key', () => {
    const ctx = createTestContext<Options>(converter, { fields: { integer: ['n'] } });
    const plugin = converter.create(ctx);
    expect((plugin.process(newMetric('m', { n: 'abc', v: 1 })) as Metric).fields).toEqual({ v: 1 });
    plugin.process(newMetric('m', { n: 'xyz', v: 1 }));
    expect(ctx.ring.entries().filter((e) => e.level === 'warn').map((e) => e.message)).toEqual(['field "n" could not be converted to integer and was removed']);
  });

  it('moves fields to tags and sets the timestamp from a field', () => {
    const process = createProcessor(converter, { fields: { tag: ['region'], timestamp: ['time'], timestamp_format: 'unix_ms' } });
    const out = process(newMetric('m', { region: 'eu', time: 1_700_000_000_123n, v: 1 }, {}, 5)) as Metric;
    expect(out).toMatchObject({ tags: { region: 'eu' }, fields: { v: 1 }, timestamp: 1_700_000_000_123 });
  });

  it('reads RFC 3339 and unix seconds from tags', () => {
    const rfc = createProcessor(converter, { tags: { timestamp: ['t'], timestamp_format: '2006-01-02T15:04:05Z07:00' } });
    expect(rfc(newMetric('m', { v: 1 }, { t: '2026-11-23T07:00:01+01:00' }, 5))).toMatchObject({ tags: {}, timestamp: Date.UTC(2026, 10, 23, 6, 0, 1) });
    const unix = createProcessor(converter, { tags: { timestamp: ['t'], timestamp_format: 'unix' } });
    expect(unix(newMetric('m', { v: 1 }, { t: '1677610769' }, 5))).toMatchObject({ timestamp: 1_677_610_769_000 });
  });

  it("converts a log record's attributes and tags", () => {
    const process = createProcessor(converter, { fields: { integer: ['status'], tag: ['method'] }, tags: { string: ['env'] } });
    const out = process(newLogRecord({ level: 'info', message: 'GET /', tags: { env: 'prod' }, attributes: { status: '503', method: 'GET' } }));
    expect(out).toMatchObject({ tags: { method: 'GET' }, attributes: { status: 503, env: 'prod' } });
  });

  it('asks for a format with timestamp, and for something to convert', () => {
    expect(() => createProcessor(converter, { fields: { timestamp: ['t'] } })).toThrow('option "fields.timestamp_format" is required with "fields.timestamp"');
    expect(() => createProcessor(converter, {})).toThrow('nothing to convert');
    expect(() => createProcessor(converter, { fields: { integr: ['x'] } })).toThrow('option "fields.integr" is not allowed');
  });
});
