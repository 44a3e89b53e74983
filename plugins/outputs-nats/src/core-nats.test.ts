import type { NatsConnection, Msg } from '@nats-io/transport-node';
import { newLogRecord, newMetric, type Item, type OutputPlugin, type WriteResult } from '@vigil/core';
import { createOutput, freePort, writeContext } from '@vigil/core/testing';
import nats from './index.js';
import { NatsServer, stopAllNatsServers } from './test-nats-server.js';

const cpu = newMetric('cpu', { usage_idle: 97.5 }, { host: 'web-01', cpu: 'cpu-total' }, 1763881200000);
const mem = newMetric('mem', { used: 42n }, { host: 'db.example.com' }, 1763881200000);
const diskFull = newLogRecord({ level: 'error', message: 'disk full', source: '/var/log/app.log', timestamp: 1763881201000 }, 'logs');

let server: NatsServer;
let watcher: NatsConnection;
const outputs: OutputPlugin[] = [];

beforeAll(async () => {
  server = await NatsServer.start();
  watcher = await server.client();
});
afterEach(async () => {
  await Promise.all(outputs.splice(0).map((o) => o.close?.()));
});
afterAll(async () => {
  await watcher.close();
  await stopAllNatsServers();
});

async function natsOutput(options: Record<string, unknown>): Promise<OutputPlugin & { ring: ReturnType<typeof createOutput>['ctx']['ring'] }> {
  const { plugin, ctx } = createOutput(nats, options);
  outputs.push(plugin);
  await plugin.connect?.();
  return Object.assign(plugin, { ring: ctx.ring });
}

/** Collects what arrives on `subject` until `count` messages are in. */
function receive(subject: string, count: number): Promise<Msg[]> {
  const sub = watcher.subscribe(subject, { max: count });
  const got: Msg[] = [];
  return (async () => {
    for await (const m of sub) got.push(m);
    return got;
  })();
}

function write(output: OutputPlugin, batch: Item[], context = writeContext()): Promise<WriteResult | void> {
  return Promise.resolve(output.write(batch, context));
}

describe('outputs.nats on core NATS', () => {
  it('publishes each item on the subject its template gives, with its item id, and a subscriber receives it', async () => {
    const output = await natsOutput({ servers: [server.url], subject: 'telegraf.{{ .Tag "host" }}.{{ .Name }}' });
    await watcher.flush();
    const arriving = receive('telegraf.>', 3);
    await watcher.flush();
    const context = writeContext({ itemIds: ['id-a', 'id-b', 'id-c'] });
    expect(await write(output, [cpu, mem, diskFull], context)).toEqual({ outcome: 'written' });
    const messages = await arriving;
    expect(messages.map((m) => [m.subject, m.string(), m.headers?.get('Nats-Msg-Id')])).toEqual([
      ['telegraf.web-01.cpu', 'cpu,cpu=cpu-total,host=web-01 usage_idle=97.5 1763881200000000000\n', 'id-a'],
      // The dots of a tag value would split the token: each placeholder stays one token.
      ['telegraf.db_example_com.mem', 'mem,host=db.example.com used=42i 1763881200000000000\n', 'id-b'],
      // A missing tag is "_".
      ['telegraf._.logs', 'logs level="error",message="disk full",source="/var/log/app.log" 1763881201000000000\n', 'id-c'],
    ]);
  });

  it('sends each item as a JSON object with data_format = "json"', async () => {
    const output = await natsOutput({ servers: [server.url], subject: 'json.test', data_format: 'json' });
    const arriving = receive('json.test', 1);
    await watcher.flush();
    await write(output, [cpu]);
    const [message] = await arriving;
    expect(JSON.parse(message.string())).toEqual({ type: 'metric', name: 'cpu', tags: { cpu: 'cpu-total', host: 'web-01' }, fields: { usage_idle: 97.5 }, timestamp: '2025-11-23T07:00:00.000Z' });
  });

  it('sends one message per batch, with the batch id, with use_batch_format', async () => {
    const output = await natsOutput({ servers: [server.url], subject: 'batch.test', use_batch_format: true });
    const arriving = receive('batch.test', 1);
    await watcher.flush();
    await write(output, [cpu, mem], writeContext({ batchId: 'batch-7', itemIds: ['x', 'y'] }));
    const [message] = await arriving;
    expect(message.string()).toBe('cpu,cpu=cpu-total,host=web-01 usage_idle=97.5 1763881200000000000\nmem,host=db.example.com used=42i 1763881200000000000\n');
    expect(message.headers?.get('Nats-Msg-Id')).toBe('batch-7');
  });

  it('rejects a batch with a message larger than the server takes, sending none of it', async () => {
    const output = await natsOutput({ servers: [server.url], subject: 'big.test' });
    const huge = newLogRecord({ level: 'info', message: 'x'.repeat(1_100_000), timestamp: 0 }, 'logs');
    const result = (await write(output, [cpu, huge])) as { outcome: string; reason: string };
    expect(result.outcome).toBe('rejected');
    expect(result.reason).toMatch(/^a message of 1100\d\d\d bytes on "big.test" is larger than the server's max_payload \(1048576 bytes\)/);
  });

  it('a wrong server address: connect fails with one line naming the server, and a write retries', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const { plugin } = createOutput(nats, { servers: [url] });
    outputs.push(plugin);
    await expect(plugin.connect!()).rejects.toThrow(new Error(`${url}: connection refused`));
    expect(await write(plugin, [cpu])).toEqual({ outcome: 'retry', reason: `${url}: connection refused` });
  });

  it('a write the agent abandons (its signal aborts) returns at once, while the server does not answer', async () => {
    const paused = await NatsServer.start();
    const output = await natsOutput({ servers: [paused.url] });
    await paused.pause();
    try {
      const abandon = new AbortController();
      const pending = write(output, [cpu], writeContext({ signal: abandon.signal }));
      abandon.abort();
      expect(await pending).toEqual({ outcome: 'retry', reason: `${paused.url}: abandoned: the write was cancelled by the agent` });
    } finally {
      paused.resume();
      await paused.remove();
    }
  });
});

describe('outputs.nats and a server without JetStream', () => {
  it('core NATS works; a jetstream table fails to connect, saying JetStream is not available', async () => {
    const plain = await NatsServer.start({ noJetStream: true });
    const core = await natsOutput({ servers: [plain.url] });
    expect(await write(core, [cpu])).toEqual({ outcome: 'written' });
    const { plugin } = createOutput(nats, { servers: [plain.url], jetstream: { name: 'S' } });
    outputs.push(plugin);
    await expect(plugin.connect!()).rejects.toThrow(new Error(`${plain.url}: JetStream is not available: jetstream is not enabled`));
  });
});

describe('outputs.nats permissions', () => {
  let guarded: NatsServer;
  beforeAll(async () => {
    guarded = await NatsServer.start({
      config: 'authorization { users = [ { user: agent, password: s3cret-pw, permissions: { publish: { allow: ["allowed.>", "$JS.API.>", "_INBOX.>"] } } } ] }\n',
      client: { user: 'agent', pass: 's3cret-pw' },
    });
  });

  it.each([
    ['core NATS', {}],
    ['JetStream', { jetstream: { name: 'GUARDED', subjects: ['allowed.>'] } }],
  ])('%s: rejects a batch the server refuses for want of publish permission', async (_, extra) => {
    const output = await natsOutput({ servers: [guarded.url], subject: 'forbidden.cpu', username: 'agent', password: 's3cret-pw', ...extra });
    expect(await write(output, [cpu])).toEqual({
      outcome: 'rejected',
      reason: `${guarded.url}: the server refused to take messages on "forbidden.cpu": permissions violation (check the user's publish permissions)`,
    });
  });
});
