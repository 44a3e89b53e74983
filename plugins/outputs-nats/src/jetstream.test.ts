import { jetstreamManager } from '@nats-io/jetstream';
import { newMetric, type Item, type Metric, type OutputPlugin, type WriteResult } from '@vigil/core';
import { createOutput, writeContext } from '@vigil/core/testing';
import nats from './index.js';
import { NatsServer, stopAllNatsServers } from './test-nats-server.js';

let server: NatsServer;
const outputs: OutputPlugin[] = [];

beforeAll(async () => {
  server = await NatsServer.start();
});
afterEach(async () => {
  await Promise.all(outputs.splice(0).map((o) => o.close?.()));
});
afterAll(stopAllNatsServers);

let streams = 0;
/** A stream name of its own for each test, on the one server. */
function streamName(): string {
  return `T${++streams}`;
}

function natsOutput(options: Record<string, unknown>) {
  const { plugin, ctx } = createOutput(nats, { servers: [server.url], ...options });
  outputs.push(plugin);
  return { output: plugin, ring: ctx.ring };
}

/** `count` metrics numbered from `from`, and their item ids. */
function numbered(from: number, count: number): { batch: Metric[]; itemIds: string[] } {
  const batch = Array.from({ length: count }, (_, i) => newMetric('seq', { n: BigInt(from + i) }, {}, 1763881200000 + from + i));
  return { batch, itemIds: batch.map((_, i) => `item-${from + i}`) };
}

function write(output: OutputPlugin, batch: Item[], itemIds: string[], signal?: AbortSignal): Promise<WriteResult | void> {
  return Promise.resolve(output.write(batch, writeContext({ itemIds, ...(signal ? { signal } : {}) })));
}

/** The numbers the stream's messages carry, in stream order. */
async function storedNumbers(target: NatsServer, stream: string): Promise<number[]> {
  return (await target.streamMessages(stream)).map((m) => Number(/ n=(\d+)i /.exec(m.data)![1]));
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('outputs.nats with JetStream', () => {
  it('creates the stream, is written once the stream acknowledged every message, each with its item id', async () => {
    const name = streamName();
    const { output, ring } = natsOutput({ subject: `metrics.${name}.{{ .Name }}`, jetstream: { name } });
    await output.connect!();
    expect(ring.entries().map((e) => e.message)).toContain(`created stream "${name}" for subjects metrics.${name}.*`);
    const { batch, itemIds } = numbered(0, 3);
    expect(await write(output, batch, itemIds)).toEqual({ outcome: 'written' });
    const stored = await server.streamMessages(name);
    expect(stored.map((m) => [m.subject, m.msgId])).toEqual([
      [`metrics.${name}.seq`, 'item-0'],
      [`metrics.${name}.seq`, 'item-1'],
      [`metrics.${name}.seq`, 'item-2'],
    ]);
    expect(stored[0].data).toBe('seq n=0i 1763881200000000000\n');
  });

  it('creates the stream with the configured settings', async () => {
    const name = streamName();
    const { output } = natsOutput({
      subject: `settings.${name}`,
      jetstream: { name, subjects: ['other.>'], storage: 'memory', retention: 'interest', max_age: '30d', max_bytes: '1MiB', discard: 'new', duplicate_window: 5_000_000_000 },
    });
    await output.connect!();
    const nc = await server.client();
    const { config } = await (await jetstreamManager(nc)).streams.info(name);
    await nc.close();
    expect(config).toMatchObject({
      subjects: ['other.>', `settings.${name}`],
      storage: 'memory',
      retention: 'interest',
      max_age: 30 * 86_400 * 1e9,
      max_bytes: 1_048_576,
      discard: 'new',
      duplicate_window: 5e9,
    });
  });

  it('an existing stream is used as it is, with the subject added when it lacks it', async () => {
    const name = streamName();
    const nc = await server.client();
    const jsm = await jetstreamManager(nc);
    try {
      await jsm.streams.add({ name, subjects: [`kept.${name}`, `existing.${name}.a`], max_msgs: 1000 });
      const { output, ring } = natsOutput({ subject: `existing.${name}.{{ .Name }}`, jetstream: { name, max_age: '1h' } });
      await output.connect!();
      const { config } = await jsm.streams.info(name);
      // Its settings are left alone; a subject the new pattern covers gives way to it.
      expect(config).toMatchObject({ subjects: [`kept.${name}`, `existing.${name}.*`], max_msgs: 1000, max_age: 0 });
      expect(ring.entries().map((e) => e.message)).toContain(`added subject "existing.${name}.*" to stream "${name}"`);
    } finally {
      await nc.close();
    }
  });

  it('the same item ids written twice end up once in the stream; the second write counts as written', async () => {
    const name = streamName();
    const { output, ring } = natsOutput({ subject: `dedup.${name}`, jetstream: { name } });
    await output.connect!();
    const first = numbered(0, 5);
    expect(await write(output, first.batch, first.itemIds)).toEqual({ outcome: 'written' });
    // The same batch again, as after a restart, plus two new items.
    const again = numbered(0, 7);
    expect(await write(output, again.batch, again.itemIds)).toEqual({ outcome: 'written' });
    expect(await storedNumbers(server, name)).toEqual(range(0, 7));
    expect(ring.entries().map((e) => e.message)).toContain(`5 of 7 messages were already in stream "${name}" (sent before a retry or a restart); the stream kept one copy of each`);
  });

  it('with async_publish, a large batch is acknowledged in full and stored in order', async () => {
    const name = streamName();
    const { output } = natsOutput({ subject: `async.${name}`, jetstream: { name, async_publish: true } });
    await output.connect!();
    const { batch, itemIds } = numbered(0, 3000);
    expect(await write(output, batch, itemIds)).toEqual({ outcome: 'written' });
    expect(await storedNumbers(server, name)).toEqual(range(0, 3000));
  });

  it('use_batch_format stores one message per batch under the batch id, once however often it is sent', async () => {
    const name = streamName();
    const { output } = natsOutput({ subject: `batches.${name}`, use_batch_format: true, data_format: 'json', jetstream: { name } });
    await output.connect!();
    const { batch, itemIds } = numbered(0, 3);
    for (let i = 0; i < 2; i++) expect(await output.write(batch, writeContext({ batchId: 'batch-42', itemIds }))).toEqual({ outcome: 'written' });
    const stored = await server.streamMessages(name);
    expect(stored.map((m) => m.msgId)).toEqual(['batch-42']);
    expect(JSON.parse(stored[0].data).metrics.map((m: { fields: { n: number } }) => m.fields.n)).toEqual([0, 1, 2]);
  });

  it('disable_stream_creation with no stream: warned about at connect, and writes are rejected with the reason', async () => {
    const name = streamName();
    const { output, ring } = natsOutput({ subject: `nostream.${name}`, jetstream: { name, disable_stream_creation: true } });
    await output.connect!();
    expect(ring.entries().map((e) => e.message)).toContain(`stream "${name}" does not exist and disable_stream_creation = true: writes are rejected until it is created`);
    const { batch, itemIds } = numbered(0, 2);
    expect(await write(output, batch, itemIds)).toEqual({
      outcome: 'rejected',
      reason: `no stream captures subject "nostream.${name}" (disable_stream_creation = true: create stream "${name}" with this subject, or let vigil create it)`,
    });
  });

  it('a subject another stream captures is rejected, not written to that stream', async () => {
    const name = streamName();
    const nc = await server.client();
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name, subjects: [`mine.${name}`] });
    await jsm.streams.add({ name: `${name}_OTHER`, subjects: [`taken.${name}`] });
    const { output } = natsOutput({ subject: `taken.${name}`, jetstream: { name, disable_stream_creation: true } });
    await output.connect!();
    const { batch, itemIds } = numbered(0, 1);
    expect(await write(output, batch, itemIds)).toEqual({
      outcome: 'rejected',
      reason: `stream "${name}" refused a message on "taken.${name}": JetStream: expected stream does not match (err_code 10060)`,
    });
    expect((await jsm.streams.info(`${name}_OTHER`)).state.messages).toBe(0);
    await nc.close();
  });

  it('a stream that cannot take the subject (another stream has it): connect fails with the reason', async () => {
    const name = streamName();
    const nc = await server.client();
    await (await jetstreamManager(nc)).streams.add({ name: `${name}_OTHER`, subjects: [`overlap.${name}`] });
    await nc.close();
    const { output } = natsOutput({ subject: `overlap.${name}`, jetstream: { name } });
    await expect(output.connect!()).rejects.toThrow(`${server.url}: JetStream: subjects overlap with an existing stream (err_code 10065)`);
  });

  it('a stream deleted while the agent runs is created again, and the write after it succeeds', async () => {
    const name = streamName();
    const { output } = natsOutput({ subject: `deleted.${name}`, jetstream: { name } });
    await output.connect!();
    const nc = await server.client();
    await (await jetstreamManager(nc)).streams.delete(name);
    await nc.close();
    const first = numbered(0, 2);
    expect(await write(output, first.batch, first.itemIds)).toEqual({ outcome: 'retry', reason: `no stream captured subject "deleted.${name}"; stream "${name}" is set up again before the next try` });
    expect(await write(output, first.batch, first.itemIds)).toEqual({ outcome: 'written' });
    expect(await storedNumbers(server, name)).toEqual([0, 1]);
  });
});

describe('outputs.nats with JetStream and a broker that does not answer', () => {
  it.each([false, true])('async_publish = %s: no acknowledgement within async_ack_timeout is retried, with the reason', async (asyncPublish) => {
    const broker = await NatsServer.start();
    const { plugin: output } = createOutput(nats, { servers: [broker.url], subject: 'frozen.seq', jetstream: { name: 'FROZEN', async_publish: asyncPublish, async_ack_timeout: '200ms' } });
    outputs.push(output);
    try {
      await output.connect!();
      await broker.pause();
      const { batch, itemIds } = numbered(0, 3);
      expect(await write(output, batch, itemIds)).toEqual({
        outcome: 'retry',
        reason: 'stream "FROZEN": 3 of 3 messages not acknowledged: no acknowledgement within 200ms (async_ack_timeout)',
      });
    } finally {
      broker.resume();
      await broker.remove();
    }
  });
});

describe('outputs.nats with JetStream across a broker restart', () => {
  it('writes return retry at once while the broker is down, succeed once it is back, and nothing is lost or stored twice', async () => {
    const broker = await NatsServer.start();
    const name = 'RESTART';
    const { plugin: output, ctx } = createOutput(nats, { servers: [broker.url], subject: 'restart.seq', jetstream: { name, async_publish: true } });
    outputs.push(output);
    try {
      await output.connect!();
      for (let b = 0; b < 3; b++) {
        const { batch, itemIds } = numbered(b * 100, 100);
        expect(await write(output, batch, itemIds)).toEqual({ outcome: 'written' });
      }
      await broker.stop();
      const down = numbered(300, 100);
      const started = Date.now();
      const result = (await write(output, down.batch, down.itemIds)) as { outcome: string; reason: string };
      expect(result.outcome).toBe('retry');
      expect(result.reason).toMatch(new RegExp(`^${broker.url}: (not connected|connection to 127.0.0.1:${broker.port} lost)`));
      expect(Date.now() - started).toBeLessThan(1000);
      await broker.launch();
      // The client reconnects by itself; the agent would retry after its backoff.
      let outcome = result.outcome;
      while (outcome !== 'written') {
        outcome = ((await write(output, down.batch, down.itemIds)) as WriteResult).outcome;
        if (outcome !== 'written') await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const after = numbered(400, 100);
      expect(await write(output, after.batch, after.itemIds)).toEqual({ outcome: 'written' });
      expect(await storedNumbers(broker, name)).toEqual(range(0, 500));
      const log = ctx.ring.entries().map((e) => e.message);
      expect(log).toContain(`lost the connection to 127.0.0.1:${broker.port}; reconnecting in the background`);
      expect(log).toContain(`reconnected to 127.0.0.1:${broker.port}`);
    } finally {
      await broker.remove();
    }
  });

  it('a broker stopped in the middle of a batch: the batch is retried and each message is stored once', async () => {
    const broker = await NatsServer.start();
    const name = 'STOPPED';
    const { plugin: output } = createOutput(nats, { servers: [broker.url], subject: 'stopped.seq', jetstream: { name, async_publish: true } });
    outputs.push(output);
    try {
      await output.connect!();
      const { batch, itemIds } = numbered(0, 5000);
      const pending = write(output, batch, itemIds);
      // As soon as the stream has part of the batch, the broker goes away.
      while ((await broker.streamCount(name)) === 0) await new Promise((resolve) => setImmediate(resolve));
      await broker.stop();
      const first = (await pending) as WriteResult;
      await broker.launch();
      let outcome = first.outcome;
      while (outcome !== 'written') {
        outcome = ((await write(output, batch, itemIds)) as WriteResult).outcome;
        if (outcome !== 'written') await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await storedNumbers(broker, name)).toEqual(range(0, 5000));
    } finally {
      await broker.remove();
    }
  });
});
