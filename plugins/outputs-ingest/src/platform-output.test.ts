import { newLogRecord, newMetric, type OutputPlugin } from '@vigil/core';
import { createOutput, writeContext } from '@vigil/core/testing';
import ingest from './index.js';
import { TestGateway } from './test-gateway.js';

const SOURCE = '5b1c9f7e-0d2a-4c55-8e1f-6a7b8c9d0e1f';
const at = Date.parse('2026-11-23T07:00:00Z');

let gateway: TestGateway;
const outputs: { plugin: OutputPlugin; ring: { entries(): { message: string }[] } }[] = [];

beforeEach(async () => {
  gateway = await new TestGateway().start();
});
afterEach(async () => {
  await Promise.all(outputs.splice(0).map((o) => o.plugin.close?.()));
  await gateway.stop();
});

function platform(options: Record<string, unknown> = {}) {
  const { plugin, ctx } = createOutput(ingest, { contract: 'platform', api_url: `${gateway.url}/api/`, token: gateway.token, log_source_id: SOURCE, heartbeat_interval: '0s', content_encoding: 'identity', ...options });
  outputs.push({ plugin, ring: ctx.ring });
  return { plugin, ring: ctx.ring };
}

const docs = (path: string) => gateway.documents.get(path) ?? [];

describe('outputs.ingest, platform contract', () => {
  it('routes each item by the plugin that made it, one document per route', async () => {
    const { plugin, ring } = platform();
    const batch = [
      newMetric('cpu', { usage_idle: 90 }, { cpu: 'cpu-total' }, at),
      newMetric('docker_container_mem', { usage: 1024n }, { container_name: 'db' }, at),
      newMetric('docker', { n_containers: 3n }, {}, at),
      newMetric('http_response', { up: 1n, response_time_ms: 12.5 }, { name: 'shop' }, at),
      newLogRecord({ level: 'error', message: 'boom', source: '/var/log/app.log', timestamp: at }, 'logs'),
      newMetric('ci_job', { duration: 3 }, {}, at),
      newMetric('ci_job', { duration: 4 }, {}, at),
    ];
    // The two ci_job items were never sent: filtered, not written.
    expect(await plugin.write(batch, writeContext())).toEqual({ outcome: 'written', filtered: 2 });
    expect(docs('/api/core/agent/metrics/').map((d) => (d.metrics as { name: string }[]).map((m) => m.name))).toEqual([['cpu']]);
    expect(docs('/api/core/agent/docker-metrics/').map((d) => (d.containers as { name: string }[]).map((m) => m.name))).toEqual([['docker_container_mem', 'docker']]);
    expect(docs('/api/core/agent/http-checks/')[0]).toMatchObject({ logSourceId: SOURCE, checks: [{ name: 'http_response', tags: { name: 'shop' }, fields: { up: 1, response_time_ms: 12.5 }, timestamp: '2026-11-23T07:00:00.000Z' }] });
    expect(docs('/api/logs/ingest/')[0]).toMatchObject({ logs: [{ level: 'error', message: 'boom', source: '/var/log/app.log', timestamp: '2026-11-23T07:00:00.000Z' }] });
    expect(ring.entries().map((e) => e.message).filter((m) => m.includes('no platform route'))).toEqual([
      '"ci_job" items are not sent: no platform route takes them (routes: inputs.system, inputs.docker, inputs.http and logs; said once per name)',
    ]);
  });

  it('a retry sends only the routes the API did not accept', async () => {
    const { plugin } = platform();
    const batch = [newMetric('cpu', { usage_idle: 90 }, {}, at), newLogRecord({ level: 'info', message: 'hello', timestamp: at }, 'logs')];
    const context = writeContext();
    gateway.routeStatus.set('/api/logs/ingest/', 503);
    expect(await plugin.write(batch, context)).toMatchObject({ outcome: 'retry', reason: expect.stringMatching(/^\/api\/logs\/ingest\/: 127\.0\.0\.1:\d+ answered HTTP 503/) });
    gateway.routeStatus.clear();
    expect(await plugin.write(batch, { ...context, attempt: 2 })).toEqual({ outcome: 'written' });
    expect(docs('/api/core/agent/metrics/')).toHaveLength(1);
    expect(docs('/api/logs/ingest/')).toHaveLength(1);
  });

  it('previews the heartbeat first, then one document per route, and sends nothing', async () => {
    const { plugin } = platform();
    const preview = (await plugin.preview!([newMetric('mem', { used_percent: 4.5 }, {}, at), newLogRecord({ level: 'info', message: 'hi', timestamp: at }, 'logs')])) as { route: string; body: Record<string, unknown> }[];
    expect(preview.map((p) => p.route)).toEqual([`/api/agent/log-sources/${SOURCE}/heartbeat/`, '/api/core/agent/metrics/', '/api/logs/ingest/']);
    expect(preview[0].body).toMatchObject({ status: 'online', uptimeSeconds: expect.any(Number) });
    expect(gateway.documents.size).toBe(0);
  });
});
