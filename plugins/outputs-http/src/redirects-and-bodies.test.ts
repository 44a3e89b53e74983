import { newMetric, type OutputPlugin } from '@vigil/core';
import { createOutput, startFixedAnswerServer, writeContext, type FixedAnswerServer } from '@vigil/core/testing';
import http from './index.js';

const cpu = newMetric('cpu', { usage_idle: 97.5 }, { host: 'web-01' }, 1763881200000);
const servers: FixedAnswerServer[] = [];
const outputs: OutputPlugin[] = [];

async function server(...args: Parameters<typeof startFixedAnswerServer>): Promise<FixedAnswerServer> {
  const s = await startFixedAnswerServer(...args);
  servers.push(s);
  return s;
}

function httpOutput(options: Record<string, unknown>): OutputPlugin {
  const { plugin } = createOutput(http, options);
  outputs.push(plugin);
  return plugin;
}

afterEach(async () => {
  await Promise.all(outputs.splice(0).map((o) => o.close?.()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('outputs.http: redirects and answer bodies', () => {
  it('does not follow a redirect to another origin: the headers and password stay with the configured URL', async () => {
    const elsewhere = await server({ status: 204 });
    const first = await server({ status: 307, headers: { location: `${elsewhere.origin}/write` } });
    const output = httpOutput({ url: `${first.origin}/write`, headers: { 'X-Key': 'hdr-secret-1' }, username: 'u', password: 'pw-secret-2' });
    const result = await output.write([cpu], writeContext());
    expect(result).toMatchObject({ outcome: 'rejected' });
    expect(first.requests[0]).toMatchObject({ 'x-key': 'hdr-secret-1' });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('reads only the start of a huge answer: a 200 with 256 MiB is written without the rest being downloaded', async () => {
    const total = 256 * 1024 * 1024;
    const receiver = await server({ status: 200, bodyBytes: total });
    expect(await httpOutput({ url: `${receiver.origin}/write`, timeout: '20s' }).write([cpu], writeContext())).toEqual({ outcome: 'written' });
    expect(receiver.bodyBytesSent[0]).toBeLessThan(total / 4);
  });

  it('a huge error answer is retried with only its start quoted', async () => {
    const total = 256 * 1024 * 1024;
    const receiver = await server({ status: 503, bodyBytes: total });
    const result = await httpOutput({ url: `${receiver.origin}/write`, timeout: '20s' }).write([cpu], writeContext());
    expect(result).toMatchObject({ outcome: 'retry' });
    expect((result as { reason: string }).reason.length).toBeLessThan(70 * 1024);
    expect(receiver.bodyBytesSent[0]).toBeLessThan(total / 4);
  });
});
