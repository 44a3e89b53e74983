import { newLogRecord, newMetric } from '@vigil/core';
import { createProcessor } from '@vigil/core/testing';
import rename from './index.js';

describe('processors.rename', () => {
  it('renames the measurement, a tag and a field, leaving the rest', () => {
    const process = createProcessor(rename, {
      replace: [
        { measurement: 'network_interface_throughput', dest: 'throughput' },
        { tag: 'hostname', dest: 'host' },
        { field: 'lower', dest: 'min' },
      ],
    });
    expect(process(newMetric('network_interface_throughput', { lower: 1.5, upper: 9 }, { hostname: 'web-01', dc: 'eu' }))).toMatchObject({
      name: 'throughput',
      tags: { host: 'web-01', dc: 'eu' },
      fields: { min: 1.5, upper: 9 },
    });
  });

  it('overwrites a tag already named dest, as Telegraf does', () => {
    const process = createProcessor(rename, { replace: [{ tag: 'hostname', dest: 'host' }] });
    expect(process(newMetric('cpu', { v: 1 }, { hostname: 'new', host: 'old' }))).toMatchObject({ tags: { host: 'new' } });
  });

  it("renames a log record's attribute, and its message into an attribute", () => {
    const process = createProcessor(rename, { replace: [{ field: 'ms', dest: 'duration_ms' }, { field: 'message', dest: 'text' }] });
    const out = process(newLogRecord({ level: 'info', message: 'slow', attributes: { ms: 812 } }));
    expect(out).toMatchObject({ message: '', attributes: { duration_ms: 812, text: 'slow' } });
  });

  it('moves an attribute into level only when it is a level', () => {
    const process = createProcessor(rename, { replace: [{ field: 'severity', dest: 'level' }] });
    expect(process(newLogRecord({ level: 'info', message: '', attributes: { severity: 'ERROR' } }))).toMatchObject({ level: 'error', attributes: {} });
    expect(process(newLogRecord({ level: 'info', message: '', attributes: { severity: 'loud' } }))).toMatchObject({ level: 'info', attributes: { severity: 'loud' } });
  });

  it('rejects a replacement that names no target or two', () => {
    expect(() => createProcessor(rename, { replace: [{ dest: 'x' }] })).toThrow('option "replace.0" must set exactly one of "measurement", "tag" or "field", got none');
    expect(() => createProcessor(rename, { replace: [{ tag: 'a', field: 'b', dest: 'x' }] })).toThrow('got tag and field');
  });
});
