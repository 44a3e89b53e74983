import { newLogRecord, newMetric, type Metric } from '@vigil/core';
import { createProcessor } from '@vigil/core/testing';
import regex from './index.js';

describe('processors.regex', () => {
  it('replaces a tag value that matches and leaves one that does not', () => {
    const process = createProcessor(regex, { tags: [{ key: 'resp_code', pattern: '^(\\d)\\d\\d$', replacement: '${1}xx' }] });
    expect(process(newMetric('nginx', { n: 1 }, { resp_code: '404' }))).toMatchObject({ tags: { resp_code: '4xx' } });
    expect(process(newMetric('nginx', { n: 1 }, { resp_code: 'n/a' }))).toMatchObject({ tags: { resp_code: 'n/a' } });
  });

  it('writes a field result to result_key with a named group, keeping the original', () => {
    const process = createProcessor(regex, { fields: [{ key: 'request', pattern: '^/api(?P<method>/[\\w/]+)\\S*', replacement: '${method}', result_key: 'method' }] });
    expect(process(newMetric('nginx', { request: '/api/search/?q=x' }))).toMatchObject({ fields: { request: '/api/search/?q=x', method: '/search/' } });
    expect(process(newMetric('nginx', { request: '/health' }))).toMatchObject({ fields: { request: '/health' } });
  });

  it('appends to an existing tag with append', () => {
    const process = createProcessor(regex, { tags: [{ key: 'path', pattern: '^/(\\w+).*', replacement: ',${1}', result_key: 'sections', append: true }] });
    expect(process(newMetric('m', { n: 1 }, { path: '/users/7', sections: 'api' }))).toMatchObject({ tags: { sections: 'api,users' } });
  });

  it("rewrites every match in a log record's message, ignoring case with (?i)", () => {
    const process = createProcessor(regex, { fields: [{ key: 'message', pattern: '(?i)user=\\w+', replacement: 'user=?' }] });
    expect(process(newLogRecord({ level: 'info', message: 'USER=ann then user=bob' }))).toMatchObject({ message: 'user=? then user=?' });
  });

  it('renames tags and fields, keeping a name already taken unless told to overwrite', () => {
    const keep = createProcessor(regex, { tag_rename: [{ pattern: '^search_(\\w+)d$', replacement: '${1}' }] });
    expect(keep(newMetric('m', { n: 1 }, { search_engined: 'a', search_fieldd: 'b', field: 'old' }))).toMatchObject({ tags: { engine: 'a', search_fieldd: 'b', field: 'old' } });
    const overwrite = createProcessor(regex, { field_rename: [{ pattern: '^tmp_(.*)', replacement: '$1', result_key: 'overwrite' }] });
    expect((overwrite(newMetric('m', { tmp_v: 2, v: 1 })) as Metric).fields).toEqual({ v: 2 });
  });

  it('renames the measurement', () => {
    const process = createProcessor(regex, { metric_rename: [{ pattern: '^(\\w+)_v\\d+$', replacement: '${1}' }] });
    expect(process(newMetric('requests_v2', { n: 1 }))).toMatchObject({ name: 'requests' });
  });

  it('rejects a pattern that does not compile, naming the rule', () => {
    expect(() => createProcessor(regex, { tags: [{ key: 'a', pattern: '(x', replacement: '' }] })).toThrow(/^option "tags.0.pattern" does not compile: Invalid regular expression/);
  });
});
