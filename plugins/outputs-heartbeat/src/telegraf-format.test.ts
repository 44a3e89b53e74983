import { Ajv } from 'ajv';
import { VERSION } from '@vigil/core';
import { connected, createHeartbeat, metrics, startReceiver, stopAll } from './test-harness.js';
import type { Receiver } from './test-receiver.js';
import { telegrafHeartbeatV1 } from './test-telegraf-schema.js';

afterEach(stopAll);

const validate = new Ajv({ allErrors: true }).compile(telegrafHeartbeatV1);

/** Every message the receiver got conforms to Telegraf's schema v1. */
function expectSchemaV1(receiver: Receiver): void {
  for (const { body } of receiver.beats) {
    const valid = validate(body);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  }
}

describe('outputs.heartbeat, format "telegraf"', () => {
  it('sends the schema v1 message with everything a Telegraf block includes', async () => {
    const receiver = await startReceiver();
    const run = createHeartbeat(
      { url: receiver.url, instance_id: 'agent-123', include: ['hostname', 'statistics', 'configs', 'logs', 'status'], logs: { level: 'info' }, status: { warn: 'log_errors > 0' } },
      { hostname: 'web-01', configSources: ['/etc/vigil/vigil.toml'] },
    );
    run.log('error', 'connection lost', { timestamp: Date.UTC(2025, 9, 22, 14, 2, 30, 123), source: 'inputs.http::myservice' });
    run.log('info', 'reconnected', { timestamp: Date.UTC(2025, 9, 22, 14, 2, 31), source: 'inputs.http::myservice' });
    run.heartbeat.write(metrics(4));
    await connected(run);

    expect(receiver.last.body).toEqual({
      id: 'agent-123',
      version: `vigil ${VERSION}`,
      schema: 1,
      hostname: 'web-01',
      configurations: ['/etc/vigil/vigil.toml'],
      statistics: { errors: 1, warnings: 0, metrics: 4 },
      logs: [
        { time: '2025-10-22T14:02:30.123Z', level: 'ERROR', source: 'inputs.http::myservice', message: 'connection lost' },
        { time: '2025-10-22T14:02:31.000Z', level: 'INFO', source: 'inputs.http::myservice', message: 'reconnected' },
      ],
      status: 'WARN',
    });
    expectSchemaV1(receiver);
  });

  it("sends only id, version and schema (and the hostname) by Telegraf's default include", async () => {
    const receiver = await startReceiver();
    await connected(createHeartbeat({ url: receiver.url, instance_id: 'x' }, { hostname: 'h' }));
    expect(receiver.last.body).toEqual({ id: 'x', version: `vigil ${VERSION}`, schema: 1, hostname: 'h' });
    expectSchemaV1(receiver);
  });

  it("sends error entries only, with no limit, for include = [\"logs\"] without a logs table, as Telegraf does", async () => {
    const receiver = await startReceiver();
    const run = createHeartbeat({ url: receiver.url, instance_id: 'x', include: ['logs'] });
    for (let i = 0; i < 7; i++) run.log('error', `failure ${i}`);
    run.log('warn', 'only a warning');
    await connected(run);
    expect(receiver.last.body.logs.map((l: { message: string }) => l.message)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `failure ${i}`));
    expectSchemaV1(receiver);
  });

  it('sends the attributes logged with an entry', async () => {
    const receiver = await startReceiver();
    const run = createHeartbeat({ url: receiver.url, instance_id: 'x', include: ['logs'] });
    run.log('error', 'write failed', { timestamp: Date.UTC(2025, 9, 22, 14, 2, 30), source: 'outputs.file', attributes: { path: '/var/out.log', attempt: 3 } });
    await connected(run);
    expect(receiver.last.body.logs).toEqual([
      { time: '2025-10-22T14:02:30.000Z', level: 'ERROR', source: 'outputs.file', message: 'write failed', attributes: { path: '/var/out.log', attempt: 3 } },
    ]);
    expectSchemaV1(receiver);
  });

  it('without include, sends what the spec options choose, in the telegraf layout', async () => {
    const receiver = await startReceiver();
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'x', format: 'telegraf', send_logs: true, omit_hostname: true }, { configSources: ['/etc/v.toml'] });
    run.log('warn', 'disk almost full');
    await connected(run);
    expect(receiver.last.body).toEqual({
      id: 'x',
      version: `vigil ${VERSION}`,
      schema: 1,
      configurations: ['/etc/v.toml'],
      statistics: { errors: 0, warnings: 1, metrics: 0 },
      logs: [{ time: expect.any(String), level: 'WARN', source: 'inputs.test', message: 'disk almost full' }],
      status: 'OK',
    });
    expectSchemaV1(receiver);
  });

  it('maps every agent log level to one of Telegraf\'s', async () => {
    const receiver = await startReceiver();
    const run = createHeartbeat({ url: receiver.url, instance_id: 'x', include: ['logs'], logs: { level: 'trace' } });
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) run.log(level, level, { source: 'agent' });
    await connected(run);
    expect(receiver.last.body.logs.map((e: { level: string }) => e.level)).toEqual(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'ERROR']);
    expectSchemaV1(receiver);
  });

  it('adds `last` after a failed heartbeat, and the schema still holds', async () => {
    const receiver = await startReceiver();
    receiver.answer = { status: 500 };
    const run = createHeartbeat({ url: receiver.url, instance_id: 'x', include: ['statistics', 'logs', 'status'], status: { initial: 'undefined' } });
    await connected(run);
    receiver.answer = { status: 200 };
    await run.heartbeat.beat();
    const [failed, afterFailure] = receiver.beats.map((b) => b.body);
    expect(failed).not.toHaveProperty('last');
    expect(afterFailure.last).toEqual(expect.any(Number));
    expect(afterFailure.status).toBe('UNDEFINED');
    expect(afterFailure.statistics.errors).toBe(1);
    expectSchemaV1(receiver);
  });

  it('never sends the spec-only fields (ip, properties) in the telegraf layout', async () => {
    const receiver = await startReceiver();
    await connected(createHeartbeat({ urls: [receiver.url], agent_id: 'x', format: 'telegraf' }));
    expect(receiver.last.body).not.toHaveProperty('ip');
    expect(receiver.last.body).not.toHaveProperty('properties');
    expect(receiver.last.body).not.toHaveProperty('telegraf_version');
    expectSchemaV1(receiver);
  });

  it('the schema written from the documentation rejects what is not in it', () => {
    expect(validate({ id: 'x', version: 'v', schema: 1, ip: '10.0.0.1' })).toBe(false);
    expect(validate({ id: 'x', version: 'v', logs: [{ time: 'yesterday', level: 'ERROR', source: 'a', message: 'm' }] })).toBe(false);
    expect(validate({ id: 'x', version: 'v', status: 'GREEN' })).toBe(false);
  });
});
