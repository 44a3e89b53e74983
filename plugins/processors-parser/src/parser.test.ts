import { newLogRecord, newMetric, type Item, type LogRecord, type Metric } from '@vigil/core';
import { createProcessor, createTestContext } from '@vigil/core/testing';
import parser from './index.js';

type Options = Parameters<typeof parser.create>[0]['options'];

const asList = (out: ReturnType<ReturnType<typeof createProcessor>>): Item[] => (out == null ? [] : Array.isArray(out) ? out : [out]);

describe('processors.parser', () => {
  it('merges a JSON log message into the record: numbers as floats, strings only when listed', () => {
    const process = createProcessor(parser, { parse_fields: ['message'], merge: 'override', data_format: 'json', json_string_fields: ['user*'], tag_keys: ['region'] });
    const out = process(newLogRecord({ level: 'info', message: '{"user":"bob","ms":812,"ok":true,"region":"eu","note":"dropped","http":{"status":503}}' })) as LogRecord;
    expect(out.attributes).toEqual({ user: 'bob', ms: 812, ok: true, http_status: 503 });
    expect(out.tags).toEqual({ region: 'eu' });
  });

  it('without merge, adds the parsed metric next to the original, which Telegraf does too', () => {
    const process = createProcessor(parser, { parse_fields: ['raw'], data_format: 'logfmt' });
    const original = newMetric('app', { raw: 'latency=12 path=/api ok' }, { host: 'a' }, 1000);
    const out = asList(process(original)) as Metric[];
    expect(out).toHaveLength(2);
    expect(out[0]).toBe(original);
    expect(out[1]).toMatchObject({ name: 'app', tags: {}, fields: { latency: 12n, path: '/api', ok: true }, timestamp: 1000 });
  });

  it('reads line protocol, its measurement and time, and with drop_original keeps only that', () => {
    const process = createProcessor(parser, { parse_fields: ['line'], data_format: 'influx', drop_original: true });
    const out = asList(process(newMetric('raw', { line: 'cpu,host=web\\ 01 usage=97.5,count=3i,up=t,note="say \\"hi\\"" 1700000000123456789\nmem free=1u' }))) as Metric[];
    expect(out.map((m) => [m.name, m.tags, m.fields])).toEqual([
      ['cpu', { host: 'web 01' }, { usage: 97.5, count: 3n, up: true, note: 'say "hi"' }],
      ['mem', {}, { free: 1n }],
    ]);
    expect(out[0].timestamp).toBe(1_700_000_000_123);
  });

  it('keeps a backslash that escapes nothing, and reports a line it cannot read', () => {
    const process = createProcessor(parser, { parse_fields: ['line'], data_format: 'influx', drop_original: true });
    expect(asList(process(newMetric('raw', { line: 'disk,path=C:\\temp,dc=eu\\,west used=1' })))).toMatchObject([{ tags: { path: 'C:\\temp', dc: 'eu,west' } }]);
    expect(asList(process(newMetric('raw', { line: 'disk used=' })))).toEqual([]);
    expect(asList(process(newMetric('raw', { line: 'disk used=1 soon' })))).toEqual([]);
  });

  it('parses a message with named groups of a regex, taking the time when told to', () => {
    const process = createProcessor(parser, { parse_fields: ['message'], merge: 'override', data_format: 'regex', regex: '^(?P<method>[A-Z]+) (?P<path>\\S+) (?P<status>\\d{3})$', tag_keys: ['method'] });
    const out = process(newLogRecord({ level: 'info', message: 'GET /health 503' })) as LogRecord;
    expect(out).toMatchObject({ tags: { method: 'GET' }, attributes: { path: '/health', status: '503' } });
  });

  it('takes the time with override-with-timestamp', () => {
    const process = createProcessor(parser, { parse_fields: ['message'], merge: 'override-with-timestamp', data_format: 'json', json_time_key: 'ts', json_time_format: 'unix_ms' });
    expect(process(newLogRecord({ level: 'info', message: '{"ts":1700000000999,"v":1}', timestamp: 5 }))).toMatchObject({ timestamp: 1_700_000_000_999, attributes: { v: 1 } });
  });

  it('keeps an item whose text does not parse and warns once; with drop_original it is dropped, counted', async () => {
    const ctx = createTestContext<Options>(parser, { parse_fields: ['message'], data_format: 'json', drop_original: true });
    const plugin = parser.create(ctx);
    expect(plugin.process(newLogRecord({ level: 'info', message: 'not json' }))).toBeNull();
    expect(plugin.process(newLogRecord({ level: 'info', message: 'not json' }))).toBeNull();
    await plugin.close?.();
    const messages = ctx.ring.entries().map((e) => `${e.level} ${e.message}`);
    expect(messages.filter((m) => m.startsWith('warn'))).toEqual([expect.stringMatching(/^warn could not parse field "message": json: Unexpected token/)]);
    expect(messages).toContainEqual(expect.stringMatching(/^info dropped 2 items in the last \d+s: 2 with drop_original and nothing parsed$/));
    const keep = createProcessor(parser, { parse_fields: ['message'], data_format: 'json', merge: 'override' });
    expect(keep(newLogRecord({ level: 'info', message: 'not json' }))).toMatchObject({ message: 'not json' });
  });

  it('rejects a regex that does not compile and a missing time format', () => {
    expect(() => createProcessor(parser, { parse_fields: ['m'], data_format: 'regex', regex: '(?P<a>x' })).toThrow(/^option "regex" does not compile: Invalid regular expression/);
    expect(() => createProcessor(parser, { parse_fields: ['m'], data_format: 'json', json_time_key: 't' })).toThrow('option "json_time_format" is required with "json_time_key"');
    expect(() => createProcessor(parser, {})).toThrow('set "parse_fields" or "parse_tags"');
  });
});
