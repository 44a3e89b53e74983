import { newMetric, newLogRecord } from '../index.js';
import { toLineProtocol } from './line-protocol.js';

describe('line protocol', () => {
  it('escapes names, sorts tags, marks integers and quotes strings', () => {
    const m = newMetric('cpu load', { usage: 1.5, count: 3n, ok: true, note: 'say "hi"' }, { z: 'a b', a: 'x=y' }, 1_700_000_000_000);
    expect(toLineProtocol(m)).toBe('cpu\\ load,a=x\\=y,z=a\\ b usage=1.5,count=3i,ok=true,note="say \\"hi\\"" 1700000000000000000');
  });

  it('leaves out non-finite floats and empty tag values, and a metric with no field at all', () => {
    expect(toLineProtocol(newMetric('m', { a: NaN, b: 2 }, { t: '' }, 0))).toBe('m b=2 0000000');
    expect(toLineProtocol(newMetric('m', { a: Infinity }, {}, 0))).toBe('');
  });

  it('writes a log record with level, message, source and attributes as fields', () => {
    const r = newLogRecord({ level: 'error', message: 'disk full', source: '/var/log/x.log', attributes: { code: 28 }, timestamp: 1000 }, 'logs');
    expect(toLineProtocol(r)).toBe('logs level="error",message="disk full",source="/var/log/x.log",code=28 1000000000');
  });
});
