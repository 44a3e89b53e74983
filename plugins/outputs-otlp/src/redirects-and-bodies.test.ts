import { newMetric } from '@vigil/core';
import { startFixedAnswerServer, writeContext, type FixedAnswerServer } from '@vigil/core/testing';
import { clearOtelEnv, closeAll, otlpOutput } from './test-helpers.js';

const cpu = newMetric('cpu', { usage_idle: 97.5 }, { cpu: 'cpu-total' }, 1763881200000, 'gauge');
const servers: FixedAnswerServer[] = [];

async function server(...args: Parameters<typeof startFixedAnswerServer>): Promise<FixedAnswerServer> {
  const s = await startFixedAnswerServer(...args);
  servers.push(s);
  return s;
}

beforeAll(clearOtelEnv);
afterEach(async () => {
  await closeAll();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('outputs.otlp over HTTP: redirects and answer bodies', () => {
  it('does not follow a redirect to another origin with its headers', async () => {
    const elsewhere = await server({ status: 200 });
    const first = await server({ status: 308, headers: { location: `${elsewhere.origin}/v1/metrics` } });
    const { plugin } = otlpOutput({ endpoint: first.origin, headers: { 'X-Key': 'otlp-secret-1' } });
    const result = await plugin.write([cpu], writeContext());
    expect(result).toMatchObject({ outcome: 'rejected' });
    expect(first.requests[0]).toMatchObject({ 'x-key': 'otlp-secret-1' });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('reads only the start of a huge answer: a 200 with 256 MiB is written without the rest being downloaded', async () => {
    const total = 256 * 1024 * 1024;
    const receiver = await server({ status: 200, bodyBytes: total });
    const { plugin } = otlpOutput({ endpoint: receiver.origin, timeout: '20s' });
    expect(await plugin.write([cpu], writeContext())).toEqual({ outcome: 'written' });
    expect(receiver.bodyBytesSent[0]).toBeLessThan(total / 4);
  });
});
