import { newLogRecord, newMetric, type Item, type OutputPlugin } from '@vigil/core';
import { checkOptions, createOutput, memoryState, writeContext } from '@vigil/core/testing';
import ingest from './index.js';
import { TestGateway } from './test-gateway.js';

let gateway: TestGateway;
const outputs: OutputPlugin[] = [];
let batches = 0;

beforeEach(async () => {
  gateway = await new TestGateway().start();
});
afterEach(async () => {
  await Promise.all(outputs.splice(0).map((o) => o.close?.()));
  await gateway.stop();
});

function edge(options: Record<string, unknown> = {}): OutputPlugin {
  const { plugin } = createOutput(ingest, { api_url: gateway.url, token: gateway.token, workspace_id: gateway.workspace, heartbeat_interval: '0s', ...options });
  outputs.push(plugin);
  return plugin;
}

/** Writes each list as its own batch; returns the events the gateway got, without their ids. */
async function send(plugin: OutputPlugin, ...batches_: Item[][]) {
  for (const batch of batches_) {
    const n = ++batches;
    await plugin.write(batch, writeContext({ itemIds: batch.map((_, i) => `b${n}-${i}`) }));
  }
  return gateway.events;
}

const at = (s: number) => Date.parse('2026-11-23T07:00:00Z') + s * 1000;
const check = (up: number, s: number, extra: Record<string, number | string> = {}) =>
  newMetric('http_response', { up: BigInt(up), result_code: BigInt(up ? 0 : 3), response_time_ms: 12.5, ...extra }, { name: 'shop', server: 'https://shop.example.com/health', result: up ? 'success' : 'connection_failed' }, at(s));

describe('outputs.ingest events: rules', () => {
  it('gives an item claimed by a rule the rule\'s type and severity; the first rule that holds wins', async () => {
    const plugin = edge({
      events: [
        { type: 'BackupFailure', when: 'kind == "log" && level == "error" && message.contains("backup")', severity: 'critical' },
        { type: 'PipelineFailure', when: 'kind == "log" && "pipeline" in attributes' },
        { type: 'Log', when: 'kind == "log" && message.contains("backup")', severity: 'info' },
      ],
    });
    const events = await send(plugin, [
      newLogRecord({ level: 'error', message: 'nightly backup of /srv failed: disk full', timestamp: at(0) }, 'logs'),
      newLogRecord({ level: 'warn', message: 'step 3 failed', attributes: { pipeline: 'deploy-web' }, timestamp: at(1) }, 'logs'),
      newLogRecord({ level: 'info', message: 'backup finished', timestamp: at(2) }, 'logs'),
    ]);
    expect(events.map((e) => [e.type, e.severity])).toEqual([
      ['BackupFailure', 'critical'],
      ['PipelineFailure', 'warning'],
      ['Log', 'info'],
    ]);
    expect(events[0].data).toMatchObject({ message: 'nightly backup of /srv failed: disk full', level: 'error' });
  });

  it('leaves out items no rule claims with send_unmatched = false, says how many, and tells the core they were filtered, not written', async () => {
    const { plugin, ctx } = createOutput(ingest, { api_url: gateway.url, token: gateway.token, workspace_id: gateway.workspace, heartbeat_interval: '0s', send_unmatched: false, events: [{ type: 'BackupFailure', when: 'kind == "log" && message.contains("backup")' }] });
    outputs.push(plugin);
    const batch = [newMetric('cpu', { usage_idle: 1 }), newLogRecord({ level: 'info', message: 'started' }), newLogRecord({ level: 'error', message: 'backup failed' })];
    expect(await plugin.write(batch, writeContext({ itemIds: ['a', 'b', 'c'] }))).toEqual({ outcome: 'written', filtered: 2 });
    expect(gateway.events.map((e) => e.type)).toEqual(['BackupFailure']);
    expect(ctx.ring.entries().map((e) => e.message)).toContain('2 items no rule claims were left out (send_unmatched is off)');
  });

  it('reports a rule that does not compile, an unknown event type and a missing workspace, naming the option', () => {
    const base = { api_url: 'https://anchor.example.com', token: 't0ken-value' };
    expect(() => checkOptions(ingest, { ...base, workspace_id: 'w', events: [{ type: 'BackupFailure', when: 'message.contains(' }] })).toThrow(/events\[0\] \(BackupFailure\): "when" does not compile: /);
    expect(() => checkOptions(ingest, { ...base, workspace_id: 'w', events: [{ type: 'Backup', when: 'true' }] })).toThrow(/must be equal to one of|must be one of/);
    expect(() => checkOptions(ingest, base)).toThrow('option "workspace_id" is required with contract "edge"');
    expect(() => checkOptions(ingest, { ...base, workspace_id: 'w', api_url: 'http://anchor.example.com' })).toThrow('must be https:// (plain http is allowed to a loopback host only)');
    expect(() => checkOptions(ingest, { api_url: 'https://a.example.com', workspace_id: 'w' })).toThrow('option "token" is required');
    expect(() => checkOptions(ingest, { ...base, contract: 'platform' })).toThrow('option "log_source_id" is required with contract "platform"');
    expect(() => checkOptions(ingest, { ...base, contract: 'cloud' })).toThrow(/contract/);
  });
});

describe('outputs.ingest events: built in', () => {
  it('turns an inputs.updates sample into a PatchCompliance', async () => {
    const events = await send(edge(), [
      newMetric('updates', { pending: 12n, security: 3n, reboot_required: true, packages: 'openssl,libssl3' }, { manager: 'apt' }, at(0)),
      newMetric('updates', { pending: 0n, security: 0n, reboot_required: false }, { manager: 'dnf' }, at(1)),
    ]);
    expect(events.map((e) => ({ type: e.type, severity: e.severity, source: e.source, data: e.data }))).toEqual([
      { type: 'PatchCompliance', severity: 'warning', source: { plugin: 'inputs.updates', host: 'test-host' }, data: { manager: 'apt', pendingUpdates: 12, securityUpdates: 3, rebootRequired: true, compliant: false, packages: ['openssl', 'libssl3'] } },
      { type: 'PatchCompliance', severity: 'info', source: { plugin: 'inputs.updates', host: 'test-host' }, data: { manager: 'dnf', pendingUpdates: 0, securityUpdates: 0, rebootRequired: false, compliant: true } },
    ]);
  });

  it('says ServiceDegraded when an HTTP check goes down, not again while it stays down, and recovers under the same correlation id', async () => {
    const plugin = edge({ send_unmatched: false });
    const events = await send(plugin, [check(1, 0), check(0, 60)], [check(0, 120), check(0, 180)], [check(1, 240)]);
    expect(events.map((e) => [e.type, e.severity, (e.data as { state: string }).state, e.occurredAt])).toEqual([
      ['ServiceDegraded', 'error', 'degraded', '2026-11-23T07:01:00.000Z'],
      ['ServiceDegraded', 'info', 'recovered', '2026-11-23T07:04:00.000Z'],
    ]);
    expect(events[1].correlationId).toBe(events[0].id);
    expect(events[0].data).toMatchObject({ service: 'shop', check: 'http', condition: 'down', url: 'https://shop.example.com/health', result: 'connection_failed' });
  });

  it('a batch made again after a restart, its first try unanswered, has the same ServiceDegraded, and a written one is not said again', async () => {
    const state = memoryState();
    const options = { api_url: gateway.url, token: gateway.token, workspace_id: gateway.workspace, heartbeat_interval: '0s', send_unmatched: false };
    const context = writeContext({ itemIds: ['a', 'b'] });
    const first = createOutput(ingest, options, { state }).plugin;
    outputs.push(first);
    gateway.queued.push({ status: 503 });
    expect((await first.write([check(1, 0), check(0, 60)], context))).toMatchObject({ outcome: 'retry' });
    await first.close?.();

    const second = createOutput(ingest, options, { state }).plugin;
    outputs.push(second);
    // The first check changed nothing and no rule claims it: not sent, so filtered.
    expect(await second.write([check(1, 0), check(0, 60)], { ...context, attempt: 1 })).toEqual({ outcome: 'written', filtered: 1 });
    expect(gateway.events.map((e) => (e.data as { condition: string }).condition)).toEqual(['down']);
    const third = createOutput(ingest, options, { state }).plugin;
    outputs.push(third);
    await third.write([check(0, 120)], writeContext({ itemIds: ['c'] }));
    expect(gateway.events).toHaveLength(1);
  });

  it("reads inputs.http_response's Telegraf-shaped checks by their result tag", async () => {
    const telegraf = (result: string, s: number) => newMetric('http_response', { result_code: BigInt(result === 'success' ? 0 : 4), response_time: 0.2 }, { server: 'http://localhost', method: 'GET', result }, at(s));
    const events = await send(edge({ send_unmatched: false }), [telegraf('success', 0), telegraf('timeout', 60), telegraf('success', 120)]);
    expect(events.map((e) => [(e.data as { service: string }).service, (e.data as { condition: string }).condition])).toEqual([
      ['http://localhost', 'down'],
      ['http://localhost', 'ok'],
    ]);
  });

  it('says ServiceDegraded when a certificate is within tls_warn_days', async () => {
    const events = await send(edge({ send_unmatched: false, tls_warn_days: 10 }), [check(1, 0, { tls_expiry_days: 30 }), check(1, 60, { tls_expiry_days: 9.5 })]);
    expect(events.map((e) => [e.severity, (e.data as { condition: string }).condition, (e.data as { tlsExpiryDays: number }).tlsExpiryDays])).toEqual([['warning', 'certificate_expiring', 9.5]]);
  });

  it('says ServiceDegraded when a container turns unhealthy, restarts or is OOM-killed, with a recovery for each', async () => {
    const tags = (status: string) => ({ container_name: 'db', container_image: 'postgres', container_status: status });
    const health = (h: string, s: number) => newMetric('docker_container_health', { health_status: h, failing_streak: BigInt(h === 'unhealthy' ? 3 : 0) }, tags('running'), at(s));
    const status = (restarts: number, oom: boolean, state: string, s: number) => newMetric('docker_container_status', { restart_count: BigInt(restarts), oomkilled: oom, exitcode: 0n }, tags(state), at(s));
    const events = await send(
      edge({ send_unmatched: false }),
      [health('healthy', 0), status(0, false, 'running', 0)],
      [health('unhealthy', 10), status(1, true, 'restarting', 10)],
      [health('unhealthy', 20), status(1, true, 'restarting', 20)],
      [health('healthy', 30), status(1, false, 'running', 30)],
    );
    const shown = events.map((e) => `${(e.data as { condition: string }).condition}@${e.occurredAt.slice(17, 19)}`);
    expect(shown).toEqual(['unhealthy@10', 'oom_killed@10', 'restarting@10', 'ok@30', 'ok@30', 'ok@30']);
    const byId = new Map(events.map((e) => [e.id, e]));
    for (const recovery of events.slice(3)) expect(byId.get(recovery.correlationId)?.data).toMatchObject({ state: 'degraded' });
  });
});
