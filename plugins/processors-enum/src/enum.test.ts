import { newLogRecord, newMetric, type Metric } from '@vigil/core';
import { createProcessor } from '@vigil/core/testing';
import enumProcessor from './index.js';

const statusMapping = { fields: ['status'], dest: 'status_code', value_mappings: { green: 1, amber: 2, red: 3 } };

describe('processors.enum', () => {
  it('maps a field value into dest as an integer, keeping the original', () => {
    const process = createProcessor(enumProcessor, { mapping: [statusMapping] });
    expect((process(newMetric('svc', { status: 'amber' })) as Metric).fields).toEqual({ status: 'amber', status_code: 2n });
  });

  it('leaves a value the table does not list, unless there is a default', () => {
    expect((createProcessor(enumProcessor, { mapping: [statusMapping] })(newMetric('svc', { status: 'blue' })) as Metric).fields).toEqual({ status: 'blue' });
    const withDefault = createProcessor(enumProcessor, { mapping: [{ ...statusMapping, default: 0 }] });
    expect((withDefault(newMetric('svc', { status: 'blue' })) as Metric).fields).toEqual({ status: 'blue', status_code: 0n });
  });

  it('looks booleans and integers up by their text, and never maps a float', () => {
    const process = createProcessor(enumProcessor, { mapping: [{ fields: ['*'], default: 'other', value_mappings: { true: 'up', '200': 'ok' } }] });
    expect((process(newMetric('m', { a: true, b: 200n, c: 200 })) as Metric).fields).toEqual({ a: 'up', b: 'ok', c: 200 });
  });

  it('maps tags, writing numbers as text', () => {
    const process = createProcessor(enumProcessor, { mapping: [{ tag: 'env', value_mappings: { production: 'prod', staging: 2 } }] });
    expect(process(newMetric('m', { v: 1 }, { env: 'production' }))).toMatchObject({ tags: { env: 'prod' } });
    expect(process(newMetric('m', { v: 1 }, { env: 'staging' }))).toMatchObject({ tags: { env: '2' } });
  });

  it("maps a log record's level into an attribute", () => {
    const process = createProcessor(enumProcessor, { mapping: [{ fields: ['level'], dest: 'severity_number', value_mappings: { info: 9, warn: 13, error: 17 } }] });
    expect(process(newLogRecord({ level: 'warn', message: 'slow' }))).toMatchObject({ level: 'warn', attributes: { severity_number: 13 } });
  });

  it('rejects a mapping that names no field or tag', () => {
    expect(() => createProcessor(enumProcessor, { mapping: [{ value_mappings: { a: 1 } }] })).toThrow('option "mapping.0" names no field or tag');
  });
});
