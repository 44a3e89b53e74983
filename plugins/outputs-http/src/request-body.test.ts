import { gunzipSync } from 'node:zlib';
import { newLogRecord, newMetric } from '@vigil/core';
import { requestBody, serializeBatch } from './request-body.js';

const mem = newMetric('mem', { used: 10n, ok: true }, { host: 'h' }, 1000);
const warn = newLogRecord({ level: 'warn', message: 'low disk', source: '/var/log/x', timestamp: 2000, attributes: { code: 7 } }, 'logs');

describe('the request body', () => {
  it('is line protocol, one line per item, integers with an i suffix', () => {
    expect(serializeBatch([mem, warn], 'influx')).toBe('mem,host=h used=10i,ok=true 1000000000\nlogs level="warn",message="low disk",source="/var/log/x",code=7 2000000000\n');
  });

  it('leaves out an item with nothing to write, and is empty when nothing is left', () => {
    expect(serializeBatch([newMetric('x', { a: Infinity }, {}, 0), mem], 'influx')).toBe('mem,host=h used=10i,ok=true 1000000000\n');
    expect(serializeBatch([newMetric('x', { a: NaN }, {}, 0)], 'influx')).toBe('');
    expect(serializeBatch([], 'json')).toBe('');
  });

  it('is one {"metrics": [...]} document in JSON', () => {
    expect(JSON.parse(serializeBatch([mem, warn], 'json'))).toEqual({
      metrics: [
        { type: 'metric', name: 'mem', tags: { host: 'h' }, fields: { used: 10, ok: true }, timestamp: '1970-01-01T00:00:01.000Z' },
        { type: 'log', timestamp: '1970-01-01T00:00:02.000Z', level: 'warn', message: 'low disk', source: '/var/log/x', attributes: { code: 7 } },
      ],
    });
  });

  it('is gzipped with content_encoding = "gzip"', async () => {
    const body = await requestBody('cpu usage=1 0\n', { data_format: 'influx', content_encoding: 'gzip' });
    expect(body.contentEncoding).toBe('gzip');
    expect(gunzipSync(body.data).toString()).toBe('cpu usage=1 0\n');
    expect(await requestBody('{}', { data_format: 'json', content_encoding: 'identity' })).toEqual({ data: Buffer.from('{}'), contentType: 'application/json' });
  });

  it("is what the README's worked example shows", () => {
    const batch = [
      newMetric('cpu', { usage_idle: 97.5, usage_user: 1.25 }, { cpu: 'cpu-total', host: 'web-01' }, Date.UTC(2025, 10, 23, 7, 0, 0)),
      newLogRecord({ level: 'error', message: 'disk full', source: '/var/log/app.log', tags: { host: 'web-01' }, timestamp: Date.UTC(2025, 10, 23, 7, 0, 1) }, 'logs'),
    ];
    expect(serializeBatch(batch, 'influx')).toBe(
      'cpu,cpu=cpu-total,host=web-01 usage_idle=97.5,usage_user=1.25 1763881200000000000\n' +
        'logs,host=web-01 level="error",message="disk full",source="/var/log/app.log" 1763881201000000000\n',
    );
    expect(serializeBatch(batch, 'json')).toBe(
      '{"metrics":[' +
        '{"type":"metric","name":"cpu","tags":{"cpu":"cpu-total","host":"web-01"},"fields":{"usage_idle":97.5,"usage_user":1.25},"timestamp":"2025-11-23T07:00:00.000Z"},' +
        '{"type":"log","timestamp":"2025-11-23T07:00:01.000Z","level":"error","message":"disk full","source":"/var/log/app.log","attributes":{},"tags":{"host":"web-01"}}' +
        ']}',
    );
  });
});
