import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newLogRecord, newMetric, type Item, type OutputPlugin, type WriteResult } from '@vigil/core';
import { createOutput, memoryState, writeContext, type TestContextOverrides } from '@vigil/core/testing';
import ingest from './index.js';
import { TestGateway } from './test-gateway.js';

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const cpu = newMetric('cpu', { usage_idle: 97.5 }, { host: 'web-01', cpu: 'cpu-total' }, Date.parse('2026-11-23T07:00:00Z'));
const appError = newLogRecord({ level: 'error', message: 'request failed', source: '/var/log/app.log', timestamp: Date.parse('2026-11-23T07:00:01Z') }, 'logs');

let gateway: TestGateway;
const outputs: { plugin: OutputPlugin; ring: { entries(): { message: string; level: string }[] } }[] = [];

beforeEach(async () => {
  gateway = await new TestGateway().start();
});
afterEach(async () => {
  await Promise.all(outputs.splice(0).map((o) => o.plugin.close?.()));
  await gateway.stop();
});

function edge(options: Record<string, unknown> = {}, overrides: TestContextOverrides = {}) {
  const { plugin, ctx } = createOutput(ingest, { api_url: gateway.url, token: gateway.token, workspace_id: gateway.workspace, heartbeat_interval: '0s', ...options }, overrides);
  const made = { plugin, ring: ctx.ring };
  outputs.push(made);
  return made;
}

function write(plugin: OutputPlugin, batch: Item[], context = writeContext({ itemIds: batch.map((_, i) => `item-${i}`) })): Promise<WriteResult> {
  return Promise.resolve(plugin.write(batch, context)) as Promise<WriteResult>;
}

function messages(ring: { entries(): { message: string }[] }): string[] {
  return ring.entries().map((e) => e.message);
}

describe('outputs.ingest, edge contract: what is sent', () => {
  it('POSTs an envelope of events with the bearer token, the workspace and an Idempotency-Key that is the batchId', async () => {
    const { plugin } = edge();
    expect(await write(plugin, [cpu, appError])).toEqual({ outcome: 'written' });
    expect(gateway.requests).toEqual([{ key: expect.stringMatching(UUID), status: 202, events: 2, headerProblems: [] }]);
    const [metric, log] = gateway.events;
    expect(metric).toEqual({
      id: expect.stringMatching(UUID),
      type: 'Metric',
      occurredAt: '2026-11-23T07:00:00.000Z',
      correlationId: metric.id,
      source: { plugin: 'inputs.system', host: 'web-01' },
      severity: 'info',
      data: { name: 'cpu', tags: { host: 'web-01', cpu: 'cpu-total' }, fields: { usage_idle: 97.5 }, metricType: 'untyped' },
    });
    expect(log).toMatchObject({ type: 'Log', severity: 'error', occurredAt: '2026-11-23T07:00:01.000Z', source: { plugin: 'inputs.logs', host: 'test-host' }, data: { message: 'request failed', level: 'error' } });
  });

  it('sends a retried batch under the same key and the same event ids, so the gateway counts its events once', async () => {
    const { plugin } = edge();
    const context = writeContext({ itemIds: ['a', 'b'] });
    gateway.queued.push({ status: 503 });
    expect((await write(plugin, [cpu, appError], context)).outcome).toBe('retry');
    expect((await write(plugin, [cpu, appError], { ...context, attempt: 2 })).outcome).toBe('written');
    expect((await write(plugin, [cpu, appError], { ...context, attempt: 3 })).outcome).toBe('written');
    expect(new Set(gateway.requests.map((r) => r.key)).size).toBe(1);
    expect([...gateway.eventCounts().values()]).toEqual([1, 1]);
  });

  it('uses the ingest URL the enrollment gives, fetched at connect', async () => {
    gateway.ingestPath = '/custom/ingest';
    gateway.enrollmentIngestUrl = '/custom/ingest';
    const { plugin } = edge();
    await plugin.connect?.();
    await waitUntil(() => gateway.gets.includes('/api/v1/edge-agent/policy') && plugin.policy?.() !== undefined);
    expect((await write(plugin, [cpu])).outcome).toBe('written');
    expect([...gateway.eventCounts().values()]).toEqual([1]);
  });

  it('sends the token and workspace to an ingest URL on another origin that the enrollment names', async () => {
    const other = await new TestGateway().start();
    try {
      gateway.enrollmentIngestUrl = `${other.url}/api/v1/events/ingest`;
      const { plugin } = edge();
      await plugin.connect?.();
      await waitUntil(() => plugin.policy?.() !== undefined);
      expect((await write(plugin, [cpu])).outcome).toBe('written');
      // The batch and the HostHeartbeat sent at connect, both with the token and workspace right.
      await waitUntil(() => other.events.length >= 2);
      expect(other.events.map((e) => e.type).sort()).toEqual(['HostHeartbeat', 'Metric']);
      expect(other.requests.map((r) => r.headerProblems)).toEqual([[], []]);
      expect(gateway.requests).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  it('gets its bearer token with OAuth2 client credentials instead of `token`', async () => {
    const asked: string[] = [];
    const tokenServer = createServer((req, res) => (asked.push(req.headers.authorization ?? ''), res.end(JSON.stringify({ access_token: gateway.token, expires_in: 3600 }))));
    await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
    try {
      const { plugin } = edge({ token: '', client_id: 'edge-agent', client_secret: 'edge-secret-3', token_url: `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token` });
      expect(await write(plugin, [cpu])).toEqual({ outcome: 'written' });
      expect(await write(plugin, [appError])).toEqual({ outcome: 'written' });
      expect(gateway.requests.map((r) => r.headerProblems)).toEqual([[], []]);
      expect(asked).toEqual([`Basic ${Buffer.from('edge-agent:edge-secret-3').toString('base64')}`]);
    } finally {
      await new Promise((resolve) => tokenServer.close(resolve));
    }
  });

  it('does not send the token to a plain-http ingest URL the enrollment names on another host', async () => {
    gateway.enrollmentIngestUrl = 'http://ingest.example.com/api/v1/events/ingest';
    const { plugin, ring } = edge();
    await plugin.connect?.();
    await waitUntil(() => plugin.policy?.() !== undefined);
    expect(plugin.policy?.()).toMatchObject({ enrollment: { ingestUrl: `${gateway.url}/api/v1/events/ingest` } });
    expect(messages(ring)).toContain('the enrollment names "http://ingest.example.com/api/v1/events/ingest" as the ingest URL, which is not https: the token is not sent there; using /api/v1/events/ingest');
    expect((await write(plugin, [cpu])).outcome).toBe('written');
  });
});

describe('outputs.ingest, edge contract: answers', () => {
  it('honours Retry-After on 429 and 503, retries other 5xx with backoff', async () => {
    const { plugin } = edge();
    gateway.queued.push({ status: 429, headers: { 'retry-after': '7' } }, { status: 503, headers: { 'retry-after': '2' } }, { status: 500 });
    expect(await write(plugin, [cpu])).toMatchObject({ outcome: 'retry', retryAfterMs: 7000 });
    expect(await write(plugin, [cpu])).toMatchObject({ outcome: 'retry', retryAfterMs: 2000 });
    const third = await write(plugin, [cpu]);
    expect(third).toMatchObject({ outcome: 'retry', reason: expect.stringContaining('HTTP 500') });
    expect(third).not.toHaveProperty('retryAfterMs');
  });

  it('rejects a batch the gateway answers 400 or 422 for', async () => {
    const { plugin } = edge();
    gateway.queued.push({ status: 400, body: '{"error":"schema"}' }, { status: 422 });
    expect(await write(plugin, [cpu])).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('HTTP 400') });
    expect((await write(plugin, [cpu])).outcome).toBe('rejected');
  });

  it('keeps the data on 401/403, waits auth_retry_interval doubling, says so once, and says when it resumes', async () => {
    const { plugin, ring } = edge({ auth_retry_interval: '2s' });
    gateway.queued.push({ status: 401 }, { status: 403 }, { status: 401 });
    const waits = [];
    for (let i = 0; i < 3; i++) waits.push(await write(plugin, [cpu, appError]));
    // Quiet: said once here, so the core logs each further try at debug.
    expect(waits).toEqual([2000, 4000, 8000].map((ms) => ({ outcome: 'retry', reason: expect.stringMatching(/^token rejected by 127\.0\.0\.1:\d+ \(40[13]\)$/), retryAfterMs: ms, quiet: true })));
    const said = messages(ring).filter((m) => m.startsWith('token rejected'));
    expect(said).toEqual([expect.stringMatching(/^token rejected by 127\.0\.0\.1:\d+ \(401\); keeping 2 events and everything buffered, retrying every 2s/)]);
    expect((await write(plugin, [cpu, appError])).outcome).toBe('written');
    expect(messages(ring)).toContainEqual(expect.stringMatching(/^token accepted again by 127\.0\.0\.1:\d+; resuming$/));
  });

  it('splits a batch the gateway finds too large (413) into halves with keys of their own, until each fits', async () => {
    const { plugin } = edge();
    gateway.maxEvents = 2;
    const batch = Array.from({ length: 7 }, (_, i) => newMetric('cpu', { usage_idle: i }, {}, cpu.timestamp + i));
    expect(await write(plugin, batch)).toEqual({ outcome: 'written' });
    expect(gateway.requests.filter((r) => r.status === 413).map((r) => r.events)).toEqual([7, 4, 3]);
    const accepted = gateway.requests.filter((r) => r.status === 202);
    expect(accepted.map((r) => r.events)).toEqual([2, 2, 2, 1]);
    expect(new Set(accepted.map((r) => r.key)).size).toBe(4);
    expect(gateway.events.map((e) => (e.data as { fields: { usage_idle: number } }).fields.usage_idle)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('after a split whose second half failed, a retry sends only that half: the gateway gets every event once (413, 2xx, 503, then 2xx)', async () => {
    const { plugin } = edge();
    const batch = [0, 1, 2, 3].map((n) => newMetric('cpu', { usage_idle: n }, {}, cpu.timestamp + n));
    const context = writeContext({ itemIds: ['i0', 'i1', 'i2', 'i3'] });
    gateway.queued.push({ status: 413 }, 'as usual', { status: 503 });
    expect((await write(plugin, batch, context)).outcome).toBe('retry');
    expect(await write(plugin, batch, { ...context, attempt: 2 })).toEqual({ outcome: 'written' });
    expect(gateway.requests.map((r) => [r.status, r.events])).toEqual([[413, 4], [202, 2], [503, 2], [202, 2]]);
    expect([...gateway.eventCounts().values()]).toEqual([1, 1, 1, 1]);
    expect(gateway.events.map((e) => (e.data as { fields: { usage_idle: number } }).fields.usage_idle)).toEqual([0, 1, 2, 3]);
  });

  it("keys a half by its events: a batch made again with other rules after a restart does not reuse an accepted half's key for other events", async () => {
    gateway.maxEvents = 2;
    const batch = [0, 1, 2, 3].map((n) => newMetric('cpu', { usage_idle: n }, { n: String(n) }, cpu.timestamp + n));
    const context = writeContext({ itemIds: ['i0', 'i1', 'i2', 'i3'] });
    gateway.queued.push('as usual', 'as usual', { status: 503 });
    expect((await write(edge().plugin, batch, context)).outcome).toBe('retry');
    expect(gateway.events.map((e) => e.type)).toEqual(['Metric', 'Metric']);

    // Restarted with a rule that now claims the first item: the first half holds another event.
    const restarted = edge({ events: [{ type: 'PipelineFailure', when: 'tags.n == "0"', severity: 'error' }] }).plugin;
    expect(await write(restarted, batch, context)).toEqual({ outcome: 'written' });
    expect(gateway.events.filter((e) => e.type === 'PipelineFailure').map((e) => e.data)).toEqual([expect.objectContaining({ tags: { n: '0' } })]);
    const metrics = gateway.events.filter((e) => e.type === 'Metric').map((e) => (e.data as { fields: { usage_idle: number } }).fields.usage_idle);
    expect(metrics.sort((a, b) => a - b)).toEqual([0, 1, 1, 2, 3]);
  });

  it('rejects a single event the gateway still finds too large', async () => {
    const { plugin } = edge();
    gateway.maxEvents = 0;
    expect(await write(plugin, [cpu])).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('413 for a single Metric event') });
  });

  it('retries a batch whose answer never came, and the gateway that had accepted it counts it once', async () => {
    const { plugin } = edge();
    gateway.hangAfterAccepting = true;
    const controller = new AbortController();
    const context = writeContext({ itemIds: ['x'], signal: controller.signal });
    const first = write(plugin, [cpu], context);
    await waitUntil(() => gateway.events.length === 1);
    controller.abort(new Error('no answer within timeout'));
    expect((await first).outcome).toBe('retry');
    expect((await write(plugin, [cpu], { ...context, attempt: 2, signal: new AbortController().signal })).outcome).toBe('written');
    expect([...gateway.eventCounts().values()]).toEqual([1]);
  });

  it('never shows the token, even when the gateway echoes it', async () => {
    const { plugin, ring } = edge();
    gateway.queued.push({ status: 500, body: `bad token ${gateway.token}` });
    const result = (await write(plugin, [cpu])) as { reason: string };
    expect(result.reason).toContain('***');
    expect(result.reason).not.toContain(gateway.token);
    expect(JSON.stringify(ring.entries())).not.toContain(gateway.token);
  });
});

describe('outputs.ingest, edge contract: enrollment and policy', () => {
  it('keeps the last policy in the plugin state: a restart with the gateway down still has it, and says once that it runs on it', async () => {
    const state = memoryState();
    const first = edge({}, { state });
    await first.plugin.connect?.();
    await waitUntil(() => first.plugin.policy?.() !== undefined);
    await first.plugin.close?.();

    gateway.gatewayStatus = 503;
    const second = edge({}, { state });
    await second.plugin.connect?.();
    await waitUntil(() => messages(second.ring).some((m) => m.includes('running on the local config')));
    expect(second.plugin.policy?.()).toMatchObject({ document: { heartbeatIntervalSeconds: 3600, alertMode: 'auto' }, applied: { heartbeat_interval: '1h' } });
    expect(messages(second.ring).filter((m) => m.includes('running on the local config'))).toEqual([
      expect.stringMatching(/^enrollment http:\/\/127\.0\.0\.1:\d+\/api\/v1\/edge-agent\/enrollment: HTTP 503.*; running on the local config and the policy kept from \d{4}-.*, retrying with backoff \(said once\)$/),
    ]);
  });

  it('checks the connection with the enrollment and policy GETs, and names a refused token', async () => {
    const good = edge();
    await expect(good.plugin.checkConnection!()).resolves.toMatch(/^enrollment mode "token" and policy fetched; events go to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/events\/ingest$/);
    expect(gateway.requests).toHaveLength(0);
    const bad = edge({ token: 'not-the-token' });
    await expect(bad.plugin.checkConnection!()).rejects.toThrow(/enrollment http:\/\/127\.0\.0\.1:\d+\/api\/v1\/edge-agent\/enrollment: token rejected \(401\)$/);
  });

  it('sends a HostHeartbeat every heartbeat_interval with the host snapshot and the agent status', async () => {
    gateway.policy = {};
    const { plugin } = edge({ heartbeat_interval: '100ms' });
    await plugin.connect?.();
    await waitUntil(() => gateway.events.filter((e) => e.type === 'HostHeartbeat').length >= 2);
    const beat = gateway.events.find((e) => e.type === 'HostHeartbeat')!;
    expect(beat).toMatchObject({ id: expect.stringMatching(UUID), occurredAt: expect.stringMatching(RFC3339), severity: 'info', source: { plugin: 'outputs.ingest', host: 'test-host' } });
    const data = beat.data as { host: Record<string, unknown>; agent: Record<string, unknown> };
    expect(Object.keys(data.host)).toEqual(expect.arrayContaining(['hostname', 'os', 'kernelVersion', 'primaryIp', 'isContainer', 'virtualization']));
    expect(data.agent).toMatchObject({ version: expect.any(String), uptimeSeconds: expect.any(Number), metricsWritten: expect.any(Number) });
  });
});

async function waitUntil(condition: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting for the condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}
