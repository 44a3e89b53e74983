import { newLogRecord, newMetric } from '../index.js';
import { rfc3339, toJsonLine, toJsonObject } from './json.js';

describe('rfc3339', () => {
  it('prints UTC times with milliseconds, across second, day and year boundaries', () => {
    expect(rfc3339(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(rfc3339(999)).toBe('1970-01-01T00:00:00.999Z');
    expect(rfc3339(1000)).toBe('1970-01-01T00:00:01.000Z');
    expect(rfc3339(Date.UTC(2026, 11, 31, 23, 59, 59, 7))).toBe('2026-12-31T23:59:59.007Z');
    expect(rfc3339(Date.UTC(2027, 0, 1, 0, 0, 0, 0))).toBe('2027-01-01T00:00:00.000Z');
    // Back to an earlier second: the cached second is not reused.
    expect(rfc3339(Date.UTC(2026, 11, 31, 23, 59, 59, 500))).toBe('2026-12-31T23:59:59.500Z');
  });

  it('drops fractional milliseconds as Date does, before 1970 too', () => {
    expect(rfc3339(1.9)).toBe('1970-01-01T00:00:00.001Z');
    expect(rfc3339(-1)).toBe('1969-12-31T23:59:59.999Z');
    expect(rfc3339(-1.5)).toBe('1969-12-31T23:59:59.999Z');
  });

  it('throws for a time that is no date', () => {
    expect(() => rfc3339(NaN)).toThrow(RangeError);
  });
});

describe('toJsonLine', () => {
  it('writes a log record as one JSON object, tags only when there are any', () => {
    const bare = newLogRecord({ level: 'warn', message: 'say "hi"\n', source: '/var/log/a.log', timestamp: 1500 }, 'logs');
    expect(toJsonLine(bare)).toBe('{"type":"log","timestamp":"1970-01-01T00:00:01.500Z","level":"warn","message":"say \\"hi\\"\\n","source":"/var/log/a.log","attributes":{}}');
    const tagged = newLogRecord({ level: 'info', message: 'm', timestamp: 0, tags: { path: '/x', 'a"b': 'c' }, attributes: { code: 7, ok: true } });
    expect(toJsonLine(tagged)).toBe('{"type":"log","timestamp":"1970-01-01T00:00:00.000Z","level":"info","message":"m","source":"","attributes":{"code":7,"ok":true},"tags":{"path":"/x","a\\"b":"c"}}');
  });

  it('gives the same text as the general JSON form, metrics included', () => {
    const items = [
      newMetric('mem', { used: 10n, ok: true, huge: 2n ** 70n }, { host: 'h' }, 42),
      newLogRecord({ level: 'error', message: 'x\u2028y', timestamp: 3, tags: { t: 'v' }, attributes: { s: '\u0000' } }),
      // Escapes in the message: control characters, a quote, a backslash, a lone surrogate, an emoji.
      newLogRecord({ level: 'info', message: 'tab\there "q" back\\slash \ud800 lone \u{1F600} nul\u0000 del\u007f', timestamp: 4 }),
    ];
    for (const item of items) expect(toJsonLine(item)).toBe(JSON.stringify(toJsonObject(item)));
  });

  it('writes each record of a run its own way when source, tags, attributes or level change from one to the next', () => {
    const line = (init: Parameters<typeof newLogRecord>[0]) => toJsonLine(newLogRecord(init, 'logs'));
    const at = Date.UTC(2026, 10, 23, 7, 0, 1, 5);
    expect([
      line({ level: 'info', message: 'one', source: '/a.log', tags: { path: '/a.log' }, timestamp: at }),
      line({ level: 'warn', message: 'two', source: '/a.log', tags: { path: '/a.log' }, timestamp: at + 1000 }),
      line({ level: 'warn', message: 'three', source: '/b.log', tags: { path: '/a.log' }, timestamp: at }),
      line({ level: 'warn', message: 'four', source: '/b.log', tags: { path: '/b.log' }, timestamp: at }),
      line({ level: 'warn', message: 'five', source: '/b.log', tags: { path: '/b.log', host: 'h' }, timestamp: at }),
      line({ level: 'warn', message: 'six', source: '/b.log', tags: { path: '/b.log' }, attributes: { code: 7 }, timestamp: at }),
      line({ level: 'warn', message: 'seven', source: '/b.log', tags: {}, timestamp: at }),
      line({ level: 'error', message: 'é\t"', source: '/b.log', timestamp: at }),
    ]).toEqual([
      '{"type":"log","timestamp":"2026-11-23T07:00:01.005Z","level":"info","message":"one","source":"/a.log","attributes":{},"tags":{"path":"/a.log"}}',
      '{"type":"log","timestamp":"2026-11-23T07:00:02.005Z","level":"warn","message":"two","source":"/a.log","attributes":{},"tags":{"path":"/a.log"}}',
      '{"type":"log","timestamp":"2026-11-23T07:00:01.005Z","level":"warn","message":"three","source":"/b.log","attributes":{},"tags":{"path":"/a.log"}}',
      '{"type":"log","timestamp":"2026-11-23T07:00:01.005Z","level":"warn","message":"four","source":"/b.log","attributes":{},"tags":{"path":"/b.log"}}',
      '{"type":"log","timestamp":"2026-11-23T07:00:01.005Z","level":"warn","message":"five","source":"/b.log","attributes":{},"tags":{"path":"/b.log","host":"h"}}',
      '{"type":"log","timestamp":"2026-11-23T07:00:01.005Z","level":"warn","message":"six","source":"/b.log","attributes":{"code":7},"tags":{"path":"/b.log"}}',
      '{"type":"log","timestamp":"2026-11-23T07:00:01.005Z","level":"warn","message":"seven","source":"/b.log","attributes":{}}',
      '{"type":"log","timestamp":"2026-11-23T07:00:01.005Z","level":"error","message":"é\\t\\"","source":"/b.log","attributes":{}}',
    ]);
  });

  it('throws on a bigint attribute, as JSON.stringify does', () => {
    const record = newLogRecord({ level: 'info', message: 'x', timestamp: 0, attributes: { n: 5n as unknown as number } });
    expect(() => toJsonLine(record)).toThrow(/BigInt/);
  });
});
