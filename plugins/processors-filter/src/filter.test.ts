import { newLogRecord, newMetric } from '@vigil/core';
import { createProcessor, createTestContext } from '@vigil/core/testing';
import filter from './index.js';

const log = (level: 'debug' | 'info' | 'error', message = 'm', attributes = {}) => newLogRecord({ level, message, attributes }, 'logs');

describe('processors.filter', () => {
  it('drops debug log records and keeps the rest, metrics included', () => {
    const process = createProcessor(filter, { drop: 'kind == "log" && level == "debug"' });
    expect(process(log('debug'))).toBeNull();
    expect(process(log('info'))).toMatchObject({ level: 'info' });
    expect(process(newMetric('cpu', { usage: 1 }))).toMatchObject({ name: 'cpu' });
  });

  it('keeps only what meets pass, comparing int and float fields and tags', () => {
    const process = createProcessor(filter, { pass: 'name == "cpu" && fields.usage > 90 && tags.host.startsWith("web")' });
    expect(process(newMetric('cpu', { usage: 95.5 }, { host: 'web-01' }))).not.toBeNull();
    expect(process(newMetric('cpu', { usage: 12.5 }, { host: 'web-01' }))).toBeNull();
    expect(process(newMetric('cpu', { usage: 95n }, { host: 'db-01' }))).toBeNull();
    expect(process(newMetric('cpu', { usage: 95n }, { host: 'web-02' }))).not.toBeNull();
  });

  it("sees a log record's message, attributes and fields", () => {
    const process = createProcessor(filter, { pass: 'message.contains("GET") && attributes.status >= 500 && fields.status == attributes.status' });
    expect(process(log('error', 'GET /x', { status: 503 }))).not.toBeNull();
    expect(process(log('error', 'GET /x', { status: 200 }))).toBeNull();
    expect(process(log('error', 'POST /x', { status: 503 }))).toBeNull();
  });

  it("has cel-go's math extension, as Telegraf's conditions do", () => {
    const process = createProcessor(filter, { pass: 'math.greatest(fields.a, fields.b) > 10' });
    expect(process(newMetric('m', { a: 3n, b: 12n }))).not.toBeNull();
    expect(process(newMetric('m', { a: 3n, b: 4n }))).toBeNull();
  });

  it('counts a condition that fails on an item as false, and warns once', () => {
    const def = filter;
    const ctx = createTestContext<{ pass: string; drop: string }>(def, { drop: 'fields.code == 1' });
    const plugin = def.create(ctx);
    const item = () => newMetric('m', { other: 1 });
    expect(plugin.process(item())).not.toBeNull();
    expect(plugin.process(item())).not.toBeNull();
    const warnings = ctx.ring.entries().filter((e) => e.level === 'warn').map((e) => e.message);
    expect(warnings).toEqual(['option "drop" could not be evaluated: No such key: code; it counts as false']);
  });

  it('reports the items it dropped when it closes', async () => {
    const ctx = createTestContext<{ pass: string; drop: string }>(filter, { pass: 'kind == "metric"' });
    const plugin = filter.create(ctx);
    plugin.process(log('info'));
    plugin.process(log('info'));
    await plugin.close?.();
    expect(ctx.ring.entries().map((e) => e.message)).toContainEqual(expect.stringMatching(/^dropped 2 items in the last \d+s: 2 not meeting the pass condition$/));
  });

  it('rejects a condition that does not parse or is not true or false', () => {
    expect(() => createProcessor(filter, { drop: 'level ==' })).toThrow(/^option "drop": /);
    expect(() => createProcessor(filter, { pass: 'name' })).toThrow('option "pass": it must be true or false, but gives string');
    expect(() => createProcessor(filter, {})).toThrow('set "pass", "drop" or both');
  });
});
