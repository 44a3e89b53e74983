import { newMetric, newLogRecord } from '../index.js';
import { toLineProtocol } from './line-protocol.js';

describe('line protocol', () => {
  it('escapes names, sorts tags, marks integers and quotes strings', () => {
    const m = newMetric('cpu load', { usage: 1.5, count: 3n, ok: true, note: 'say "hi"' }, { z: 'a b', a: 'x=y' }, 1_700_000_000_000);
    expect(toLineProtocol(m)).toBe('cpu\\ load,a=x\\=y,z=a\\ b usage=1.5,count=3i,ok=true,note="say \\"hi\\"" 1700000000000000000');
  });

  it('leaves out non-finite floats and empty tag values, and a metric with no field at all', () => {
    expect(toLineProtocol(newMetric('m', { a: NaN, b: 2 }, { t: '' }, 0))).toBe('m b=2 0');
    expect(toLineProtocol(newMetric('m', { a: Infinity }, {}, 0))).toBe('');
  });

  it('writes a log record with level, message, source and attributes as fields', () => {
    const r = newLogRecord({ level: 'error', message: 'disk full', source: '/var/log/x.log', attributes: { code: 28 }, timestamp: 1000 }, 'logs');
    expect(toLineProtocol(r)).toBe('logs level="error",message="disk full",source="/var/log/x.log",code=28 1000000000');
  });

  it('prints fractional-millisecond timestamps as exact integer nanoseconds', () => {
    expect(toLineProtocol(newMetric('m', { v: 1 }, {}, 1.5))).toBe('m v=1 1500000');
    expect(toLineProtocol(newMetric('m', { v: 1 }, {}, 0.000001))).toBe('m v=1 1');
    expect(toLineProtocol(newMetric('m', { v: 1 }, {}, 1_700_000_000_123.25))).toBe('m v=1 1700000000123250000');
    expect(toLineProtocol(newMetric('m', { v: 1 }, {}, 1_764_000_000_000.001))).toBe('m v=1 1764000000000000977');
    expect(toLineProtocol(newMetric('m', { v: 1 }, {}, -1.5))).toBe('m v=1 -1500000');
  });

  it('prints whole-millisecond timestamps across seconds, below a second and before 1970', () => {
    const at = (ms: number) => toLineProtocol(newMetric('m', { v: 1 }, {}, ms));
    expect([at(1_700_000_000_999), at(1_700_000_001_000), at(1_700_000_001_007), at(1_700_000_000_500)]).toEqual([
      'm v=1 1700000000999000000',
      'm v=1 1700000001000000000',
      'm v=1 1700000001007000000',
      'm v=1 1700000000500000000',
    ]);
    expect([at(0), at(7), at(999), at(1000), at(-1), at(-1000)]).toEqual(['m v=1 0', 'm v=1 7000000', 'm v=1 999000000', 'm v=1 1000000000', 'm v=1 -1000000', 'm v=1 -1000000000']);
  });

  it('sorts tags of any count and order', () => {
    const m = newMetric('m', { v: 1 }, { d: '4', b: '2', e: '5', a: '1', c: '3' }, 1000);
    expect(toLineProtocol(m)).toBe('m,a=1,b=2,c=3,d=4,e=5 v=1 1000000000');
  });

  it('writes each log record of a run its own way when name, tags, level or source change from one to the next', () => {
    const line = (init: Parameters<typeof newLogRecord>[0]) => toLineProtocol(newLogRecord(init, 'logs'));
    expect([
      line({ level: 'info', message: 'one', source: '/a.log', tags: { path: '/a.log' }, timestamp: 1000 }),
      line({ level: 'warn', message: 'two', source: '/a.log', tags: { path: '/a.log' }, timestamp: 2001 }),
      line({ level: 'warn', message: 'three', source: '/b.log', tags: { path: '/a.log' }, timestamp: 1000 }),
      line({ level: 'warn', message: 'four', source: '/b.log', tags: { path: '/b.log' }, timestamp: 1000 }),
      line({ level: 'warn', message: 'five', source: '/b.log', tags: { path: '/b.log', host: 'h' }, timestamp: 1000 }),
      line({ level: 'warn', message: 'six', source: '/b.log', tags: { path: '/b.log' }, name: 'app', timestamp: 1000 }),
      line({ level: 'warn', message: 'seven "q"\nx', source: '', tags: {}, timestamp: 1000 }),
    ]).toEqual([
      'logs,path=/a.log level="info",message="one",source="/a.log" 1000000000',
      'logs,path=/a.log level="warn",message="two",source="/a.log" 2001000000',
      'logs,path=/a.log level="warn",message="three",source="/b.log" 1000000000',
      'logs,path=/b.log level="warn",message="four",source="/b.log" 1000000000',
      'logs,host=h,path=/b.log level="warn",message="five",source="/b.log" 1000000000',
      'app,path=/b.log level="warn",message="six",source="/b.log" 1000000000',
      'logs level="warn",message="seven \\"q\\"\\nx" 1000000000',
    ]);
  });

  it('writes a log record with tags sorted and an attribute named like a field left out', () => {
    const r = newLogRecord({ level: 'info', message: 'a "b"', tags: { z: '1', a: 'x y' }, attributes: { level: 'no', n: 2, source: 'kept' }, timestamp: 5 }, 'logs');
    expect(toLineProtocol(r)).toBe('logs,a=x\\ y,z=1 level="info",message="a \\"b\\"",n=2,source="kept" 5000000');
  });
});
