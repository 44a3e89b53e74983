import { newLogRecord, newMetric, type Metric } from '@vigil/core';
import { createProcessor } from '@vigil/core/testing';
import strings from './index.js';

describe('processors.strings', () => {
  it('lowercases a tag, uppercases a field into dest and replaces in the measurement', () => {
    const process = createProcessor(strings, {
      lowercase: [{ tag: 'method' }],
      uppercase: [{ field: 'host', dest: 'host_upper' }],
      replace: [{ measurement: '*', old: ':', new: '_' }],
    });
    expect(process(newMetric('web:requests', { host: 'api.example', n: 1 }, { method: 'GET' }))).toMatchObject({
      name: 'web_requests',
      tags: { method: 'get' },
      fields: { host: 'api.example', host_upper: 'API.EXAMPLE', n: 1 },
    });
  });

  it("trims a log record's message and shortens it, in Telegraf's order (trim before left)", () => {
    const process = createProcessor(strings, { left: [{ field: 'message', width: 5 }], trim: [{ field: 'message' }] });
    expect(process(newLogRecord({ level: 'info', message: '   hello world  ' }))).toMatchObject({ message: 'hello' });
  });

  it('trims a cutset, a prefix and a suffix, and titlecases', () => {
    const process = createProcessor(strings, {
      trim_left: [{ field: 'id', cutset: '0' }],
      trim_prefix: [{ tag: 'uri', prefix: '/api/' }],
      trim_suffix: [{ field: 'file', suffix: '.log' }],
      titlecase: [{ field: 'state' }],
    });
    const out = process(newMetric('m', { id: '000420', file: 'app.log', state: 'not ready' }, { uri: '/api/users' })) as Metric;
    expect(out.fields).toEqual({ id: '420', file: 'app', state: 'Not Ready' });
    expect(out.tags).toEqual({ uri: 'users' });
  });

  it('decodes base64 that is UTF-8 text and leaves other values as they were', () => {
    const process = createProcessor(strings, { base64decode: [{ field: '*' }] });
    const out = process(newMetric('m', { a: 'aGVsbG8gd29ybGQ=', b: '/w==', c: 'not base64!', d: 5 })) as Metric;
    expect(out.fields).toEqual({ a: 'hello world', b: '/w==', c: 'not base64!', d: 5 });
  });

  it('replaces text that was not UTF-8 when read', () => {
    const process = createProcessor(strings, { valid_utf8: [{ field: 'message', replacement: '?' }] });
    const message = Buffer.from([0x61, 0xff, 0x62]).toString('utf8');
    expect(process(newLogRecord({ level: 'info', message }))).toMatchObject({ message: 'a?b' });
  });

  it('renames tag keys and attribute names', () => {
    const process = createProcessor(strings, { lowercase: [{ tag_key: '*', field_key: '*' }] });
    expect(process(newLogRecord({ level: 'info', message: 'm', tags: { Env: 'x' }, attributes: { UserId: 7 } }))).toMatchObject({
      message: 'm',
      tags: { env: 'x' },
      attributes: { userid: 7 },
    });
  });

  it('counts left in characters, not bytes', () => {
    const process = createProcessor(strings, { left: [{ field: 'f', width: 2 }] });
    expect((process(newMetric('m', { f: 'héllo' })) as Metric).fields.f).toBe('hé');
  });

  it('rejects a table that names nothing, and dest without tag or field', () => {
    expect(() => createProcessor(strings, { lowercase: [{}] })).toThrow('option "lowercase.0" names nothing to change');
    expect(() => createProcessor(strings, { lowercase: [{ measurement: '*', dest: 'x' }] })).toThrow('option "lowercase.0.dest" needs "tag" or "field"');
    expect(() => createProcessor(strings, { base64decode: [{ tag: 'x' }] })).toThrow('option "base64decode.0.tag" is not allowed');
  });
});
