import { newLogRecord, newMetric } from '../model/item.js';
import { deleteField, fieldNames, getField, setField } from './item-fields.js';

describe('item fields', () => {
  it('shows a log record as message, level, source and its attributes', () => {
    const r = newLogRecord({ level: 'warn', message: 'slow', source: '/var/log/a.log', attributes: { ms: 812 } });
    expect(fieldNames(r)).toEqual(['message', 'level', 'source', 'ms']);
    expect([getField(r, 'message'), getField(r, 'level'), getField(r, 'ms'), getField(r, 'nope')]).toEqual(['slow', 'warn', 812, undefined]);
  });

  it('takes only a known level, and keeps large integers in attributes as text', () => {
    const r = newLogRecord({ level: 'info', message: '' });
    expect(setField(r, 'level', 'ERROR')).toBe(true);
    expect(setField(r, 'level', 'loud')).toBe(false);
    expect(r.level).toBe('error');
    setField(r, 'n', 5n);
    setField(r, 'big', 2n ** 60n);
    expect(r.attributes).toEqual({ n: 5, big: '1152921504606846976' });
  });

  it('deletes a metric field, empties a record message and leaves its level', () => {
    const m = newMetric('cpu', { a: 1, b: 2 });
    deleteField(m, 'a');
    expect(m.fields).toEqual({ b: 2 });
    const r = newLogRecord({ level: 'info', message: 'x', attributes: { k: 'v' } });
    deleteField(r, 'message');
    deleteField(r, 'level');
    deleteField(r, 'k');
    expect(r).toMatchObject({ message: '', level: 'info', attributes: {} });
  });
});
