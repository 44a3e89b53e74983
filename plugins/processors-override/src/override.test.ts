import { newLogRecord, newMetric } from '@vigil/core';
import { createProcessor } from '@vigil/core/testing';
import override from './index.js';

describe('processors.override', () => {
  it('renames the measurement and replaces an existing tag while adding a new one', () => {
    const process = createProcessor(override, { name_override: 'cpu_host', tags: { env: 'prod', dc: 'eu' } });
    const out = process(newMetric('cpu', { usage: 1 }, { env: 'dev', cpu: 'cpu0' }));
    expect(out).toMatchObject({ name: 'cpu_host', tags: { env: 'prod', dc: 'eu', cpu: 'cpu0' } });
  });

  it('wraps the name in a prefix and suffix when no override is given', () => {
    const process = createProcessor(override, { name_prefix: 'host_', name_suffix: '_v2' });
    expect(process(newMetric('mem', { used: 1 }))).toMatchObject({ name: 'host_mem_v2' });
  });

  it('tags log records as it tags metrics', () => {
    const process = createProcessor(override, { tags: { team: 'ops' } });
    expect(process(newLogRecord({ level: 'info', message: 'hi' }, 'logs'))).toMatchObject({ kind: 'log', tags: { team: 'ops' } });
  });

  it('rejects a tag value that is not a string', () => {
    expect(() => createProcessor(override, { tags: { n: 1 } })).toThrow('option "tags.n" must be a string');
  });
});
