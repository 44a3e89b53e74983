import { newLogRecord, newMetric, type Item, type OutputPlugin, type WriteResult } from '@vigil/core';
import { createOutput, freePort, makeTestCertificates, writeContext, type TestCertificates } from '@vigil/core/testing';
import mqtt from './index.js';
import { TestBroker, Subscriber } from './test-broker.js';
import { TestProxy } from './test-proxy.js';

const cpu = newMetric('cpu', { usage_idle: 97.5, usage_user: 1.25 }, { host: 'web-01', cpu: 'cpu-total' }, 1763881200000);
const mem = newMetric('mem', { used: 1024n, ok: true }, { host: 'web-01' }, 1763881200000);
const diskFull = newLogRecord({ level: 'error', message: 'disk full', source: '/var/log/app.log', timestamp: 1763881201000 }, 'logs');
const CPU_LINE = 'cpu,cpu=cpu-total,host=web-01 usage_idle=97.5,usage_user=1.25 1763881200000000000\n';
const MEM_LINE = 'mem,host=web-01 used=1024i,ok=true 1763881200000000000\n';
const LOG_LINE = 'logs level="error",message="disk full",source="/var/log/app.log" 1763881201000000000\n';

let broker: TestBroker;
let certificates: TestCertificates;
const outputs: OutputPlugin[] = [];
const subscribers: Subscriber[] = [];
const proxies: TestProxy[] = [];
let tests = 0;
/** A topic root of this test's own, so no test sees another's messages. */
let root: string;

beforeAll(async () => {
  certificates = makeTestCertificates();
  broker = await TestBroker.start({ websockets: true, tls: certificates });
});
afterAll(async () => {
  await broker.remove();
  certificates.remove();
});
beforeEach(() => (root = `t${++tests}`));
afterEach(async () => {
  await Promise.all(outputs.splice(0).map((o) => o.close?.()));
  await Promise.all(subscribers.splice(0).map((s) => s.close()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

function mqttOutput(options: Record<string, unknown>) {
  const { plugin, ctx } = createOutput(mqtt, { servers: [broker.url], client_id: `${root}-${outputs.length}`, ...options });
  outputs.push(plugin);
  return { plugin, ring: ctx.ring };
}

async function connected(options: Record<string, unknown>): Promise<OutputPlugin> {
  const { plugin } = mqttOutput(options);
  await plugin.connect!();
  return plugin;
}

async function subscribe(topics: string | string[], options: Parameters<typeof Subscriber.connect>[2] = {}): Promise<Subscriber> {
  const subscriber = await Subscriber.connect(broker.url, topics, options);
  subscribers.push(subscriber);
  return subscriber;
}

async function startProxy(): Promise<TestProxy> {
  const proxy = await TestProxy.start(broker.port);
  proxies.push(proxy);
  return proxy;
}

function write(output: OutputPlugin, batch: Item[], context = writeContext()): Promise<WriteResult | void> {
  return Promise.resolve(output.write(batch, context));
}

/** `count` metrics numbered by their field `n`, for counting what arrived. */
function numbered(count: number, from = 0): Item[] {
  return Array.from({ length: count }, (_, i) => newMetric('seq', { n: BigInt(from + i) }, {}, 1763881200000 + from + i));
}

/** Writes as the agent would retry a batch while the output reconnects: again after each "not connected". */
async function writeUntilConnected(output: OutputPlugin, batch: Item[]): Promise<WriteResult | void> {
  for (;;) {
    const result = await write(output, batch);
    if (result?.outcome !== 'retry' || !result.reason.includes('not connected')) return result;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const numberOf = (payload: string) => Number(/ n=(\d+)i /.exec(payload)![1]);

describe('outputs.mqtt: what a subscriber receives', () => {
  it('layout "non-batch": one message per item, on its templated topic ({{ .Hostname }} is the host tag; a missing tag leaves its level out)', async () => {
    const subscriber = await subscribe(`${root}/#`);
    const output = await connected({ topic: `${root}/{{ .Hostname }}/{{ .PluginName }}/{{ .Tag "cpu" }}` });
    expect(await write(output, [cpu, mem, diskFull])).toEqual({ outcome: 'written' });
    await subscriber.until((m) => m.length === 3);
    expect(subscriber.messages.map((m) => [m.topic, m.payload])).toEqual([
      [`${root}/web-01/cpu/cpu-total`, CPU_LINE],
      [`${root}/web-01/mem`, MEM_LINE],
      [`${root}/logs`, LOG_LINE],
    ]);
  });

  it('layout "batch": one message per topic per write; data_format = "json" sends a {"metrics": [...]} document', async () => {
    const subscriber = await subscribe(`${root}/#`);
    const output = await connected({ topic: `${root}/{{ .Tag "host" }}`, layout: 'batch' });
    const other = newMetric('cpu', { usage_idle: 50 }, { host: 'web-02' }, 1763881200000);
    expect(await write(output, [cpu, other, mem])).toEqual({ outcome: 'written' });
    const json = await connected({ topic: `${root}/json`, layout: 'batch', data_format: 'json' });
    expect(await write(json, [cpu, diskFull])).toEqual({ outcome: 'written' });
    await subscriber.until((m) => m.length === 3);
    expect(subscriber.on(`${root}/web-01`)).toEqual([CPU_LINE + MEM_LINE]);
    expect(subscriber.on(`${root}/web-02`)).toEqual(['cpu,host=web-02 usage_idle=50 1763881200000000000\n']);
    expect(JSON.parse(subscriber.on(`${root}/json`)[0])).toEqual({
      metrics: [
        { type: 'metric', name: 'cpu', tags: { cpu: 'cpu-total', host: 'web-01' }, fields: { usage_idle: 97.5, usage_user: 1.25 }, timestamp: '2025-11-23T07:00:00.000Z' },
        { type: 'log', timestamp: '2025-11-23T07:00:01.000Z', level: 'error', message: 'disk full', source: '/var/log/app.log', attributes: {} },
      ],
    });
  });

  it('layout "field": one message per field on <topic>/<field>, holding the bare value', async () => {
    const subscriber = await subscribe(`${root}/#`);
    const output = await connected({ topic: `${root}/{{ .PluginName }}`, layout: 'field' });
    expect(await write(output, [cpu, mem, diskFull])).toEqual({ outcome: 'written' });
    await subscriber.until((m) => m.length === 7);
    expect(subscriber.messages.map((m) => [m.topic, m.payload])).toEqual([
      [`${root}/cpu/usage_idle`, '97.5'],
      [`${root}/cpu/usage_user`, '1.25'],
      [`${root}/mem/used`, '1024'],
      [`${root}/mem/ok`, 'true'],
      [`${root}/logs/level`, 'error'],
      [`${root}/logs/message`, 'disk full'],
      [`${root}/logs/source`, '/var/log/app.log'],
    ]);
  });

  it("Telegraf's older topic_prefix gives <prefix>/<hostname>/<name>, and a single JSON item is one object", async () => {
    const subscriber = await subscribe(`${root}/#`);
    const output = await connected({ topic_prefix: root, data_format: 'json' });
    await write(output, [cpu]);
    await subscriber.until((m) => m.length === 1);
    expect(subscriber.messages[0].topic).toBe(`${root}/web-01/cpu`);
    expect(JSON.parse(subscriber.messages[0].payload)).toMatchObject({ type: 'metric', name: 'cpu', fields: { usage_idle: 97.5 } });
  });

  it.each([
    [1, '3.1.1'],
    [2, '3.1.1'],
    [1, '5'],
    [2, '5'],
  ])('QoS %i over MQTT %s: written once the broker acknowledged all of 600 messages (more than its receive maximum of 20 at once), each received once, in order', async (qos, protocol) => {
    const subscriber = await subscribe(`${root}/#`);
    const output = await connected({ topic: `${root}/{{ .PluginName }}`, qos, protocol });
    expect(await write(output, numbered(300))).toEqual({ outcome: 'written' });
    expect(await write(output, numbered(300, 300))).toEqual({ outcome: 'written' });
    await subscriber.until((m) => m.length >= 600);
    expect(subscriber.messages.map((m) => numberOf(m.payload))).toEqual(Array.from({ length: 600 }, (_, i) => i));
    expect(new Set(subscriber.messages.map((m) => m.qos))).toEqual(new Set([qos]));
  });

  it('QoS 0: written once handed to the socket', async () => {
    const subscriber = await subscribe(`${root}/#`);
    const output = await connected({ topic: `${root}/x`, qos: 0 });
    expect(await write(output, numbered(200))).toEqual({ outcome: 'written' });
    await subscriber.until((m) => m.length === 200);
    expect(subscriber.messages.every((m) => m.qos === 0)).toBe(true);
  });

  it('retain = true: a subscriber that comes later still gets the last message of each topic', async () => {
    const output = await connected({ topic: `${root}/{{ .PluginName }}`, retain: true });
    await write(output, [cpu, mem]);
    const late = await subscribe(`${root}/#`);
    await late.until((m) => m.length === 2);
    expect(late.messages.map((m) => [m.topic, m.payload, m.retain])).toEqual([
      [`${root}/cpu`, CPU_LINE, true],
      [`${root}/mem`, MEM_LINE, true],
    ]);
  });

  it('reaches a broker over ws://, with MQTT 5', async () => {
    const subscriber = await subscribe(`${root}/#`);
    const output = await connected({ servers: [`ws://127.0.0.1:${broker.wsPort}`], protocol: '5', topic: `${root}/ws` });
    expect(await write(output, [cpu])).toEqual({ outcome: 'written' });
    await subscriber.until((m) => m.length === 1);
    expect(subscriber.messages[0].payload).toBe(CPU_LINE);
  });

  it('reaches a broker over ssl:// with tls_ca and a client certificate; host:port goes over TLS once a TLS option is set', async () => {
    const subscriber = await subscribe(`${root}/#`);
    const tls = { tls_ca: certificates.caFile, tls_cert: certificates.client.cert, tls_key: certificates.client.key, topic: `${root}/tls` };
    const output = await connected({ servers: [`ssl://127.0.0.1:${broker.tlsPort}`], ...tls });
    expect(await write(output, [cpu])).toEqual({ outcome: 'written' });
    const bare = await connected({ servers: [`127.0.0.1:${broker.tlsPort}`], ...tls });
    expect(await write(bare, [mem])).toEqual({ outcome: 'written' });
    await subscriber.until((m) => m.length === 2);
  });

  it('a broker whose certificate it cannot verify: connect() fails with the TLS reason, naming the server', async () => {
    const { plugin } = mqttOutput({ servers: [`ssl://127.0.0.1:${broker.tlsPort}`], tls_cert: certificates.client.cert, tls_key: certificates.client.key });
    await expect(plugin.connect!()).rejects.toThrow(new Error(`ssl://127.0.0.1:${broker.tlsPort}: self-signed certificate in certificate chain`));
  });
});

describe('outputs.mqtt: presence', () => {
  it('publishes the online message retained at connect, seen by a subscriber that comes later; a clean close replaces it with the offline one', async () => {
    const { plugin } = mqttOutput({ online_topic: `${root}/{{ .Hostname }}/status`, topic: `${root}/data` });
    await plugin.connect!();
    const late = await subscribe(`${root}/+/status`);
    await late.until((m) => m.length === 1);
    expect(late.messages[0]).toEqual({ topic: `${root}/test-host/status`, payload: 'online', retain: true, qos: 1 });
    await plugin.close!();
    await late.until((m) => m.length === 2);
    expect(late.messages[1]).toMatchObject({ payload: 'offline', retain: false });
    // Retained: what a dashboard that starts now sees.
    const after = await subscribe(`${root}/+/status`);
    await after.until((m) => m.length === 1);
    expect(after.messages[0]).toMatchObject({ payload: 'offline', retain: true });
  });

  it('when the connection is cut without a goodbye, the broker publishes the last will; the output reconnects and says online again', async () => {
    const proxy = await startProxy();
    const status = `${root}/test-host/status`;
    const watcher = await subscribe(status);
    const { plugin, ring } = mqttOutput({ servers: [proxy.url], online_topic: `${root}/{{ .Hostname }}/status`, will_payload: 'gone', topic: `${root}/data` });
    await plugin.connect!();
    await watcher.until((m) => m.length === 1);
    proxy.cut();
    await watcher.until((m) => m.length === 3, 15_000);
    expect(watcher.on(status)).toEqual(['online', 'gone', 'online']);
    expect(await write(plugin, [cpu])).toEqual({ outcome: 'written' });
    const lines = ring.entries().map((e) => e.message);
    expect(lines).toContain(`connection to ${proxy.url} lost: connection closed by the broker; reconnecting in the background, writes are retried meanwhile`);
    expect(lines.some((l) => l.startsWith(`reconnected to ${proxy.url} after `))).toBe(true);
  });

  it('a clean close whose offline message is not acknowledged ends without a DISCONNECT, so the broker publishes the will', async () => {
    const proxy = await startProxy();
    const watcher = await subscribe(`${root}/+/status`);
    const { plugin, ring } = mqttOutput({ servers: [proxy.url], online_topic: `${root}/{{ .Hostname }}/status`, will_payload: 'vanished' });
    await plugin.connect!();
    await watcher.until((m) => m.length === 1);
    proxy.silenceBroker();
    await plugin.close!();
    // The offline message may well have reached the broker; its acknowledgement did not come back.
    await watcher.until((m) => m.at(-1)?.payload === 'vanished');
    expect(watcher.messages.map((m) => m.payload).filter((p) => p !== 'offline')).toEqual(['online', 'vanished']);
    expect(ring.entries().map((e) => e.message)).toContain(
      `the offline message to "${root}/test-host/status" was not acknowledged; closing without a DISCONNECT, so that the broker publishes the last will instead`,
    );
  });

  it('a will of its own: will_topic without an online message, its payload sent as written', async () => {
    const proxy = await startProxy();
    const watcher = await subscribe(`${root}/alerts`);
    const { plugin } = mqttOutput({ servers: [proxy.url], will_topic: `${root}/alerts`, will_payload: '{{ .Hostname }} vanished', will_retain: false });
    await plugin.connect!();
    proxy.cut();
    await watcher.until((m) => m.length === 1);
    expect(watcher.messages[0]).toMatchObject({ payload: '{{ .Hostname }} vanished', retain: false });
  });
});

describe('outputs.mqtt: a broker that is not there or stops answering', () => {
  it('a refused address: connect() fails at once with one clear reason, writes are retried at once, and nothing is queued for later', async () => {
    const port = await freePort();
    const { plugin, ring } = mqttOutput({ servers: [`tcp://127.0.0.1:${port}`] });
    await expect(plugin.connect!()).rejects.toThrow(new Error(`tcp://127.0.0.1:${port}: connection refused`));
    const started = Date.now();
    expect(await write(plugin, [cpu])).toEqual({ outcome: 'retry', reason: `tcp://127.0.0.1:${port}: not connected (connection refused); reconnecting in the background` });
    expect(Date.now() - started).toBeLessThan(100);
    // connect() said it; the plugin adds nothing of its own while the reason stays the same.
    expect(ring.entries().filter((e) => e.level === 'warn' || e.level === 'error')).toEqual([]);
  });

  it('a host name that does not resolve: connect() fails naming it', async () => {
    const { plugin } = mqttOutput({ servers: ['no-such-host.invalid:1883'] });
    await expect(plugin.connect!()).rejects.toThrow(new Error('tcp://no-such-host.invalid:1883: host not found'));
  });

  it('tries the servers in order: a dead first one is passed over', async () => {
    const subscriber = await subscribe(`${root}/#`);
    const output = await connected({ servers: [`tcp://127.0.0.1:${await freePort()}`, broker.url], topic: `${root}/x` });
    expect(await write(output, [cpu])).toEqual({ outcome: 'written' });
    await subscriber.until((m) => m.length === 1);
  });

  it('a write the agent abandons (its signal aborts) ends at once, as a retry', async () => {
    const proxy = await startProxy();
    const output = await connected({ servers: [proxy.url], qos: 1, timeout: '30s' });
    proxy.silenceBroker();
    const abandon = new AbortController();
    const pending = write(output, [cpu], writeContext({ signal: abandon.signal }));
    abandon.abort();
    expect(await pending).toEqual({ outcome: 'retry', reason: `${proxy.url}: abandoned: the write was cancelled by the agent` });
  });

  it('acknowledgements that do not come within timeout: retried, the connection made anew, and the next write goes through', async () => {
    const proxy = await startProxy();
    const subscriber = await subscribe(`${root}/#`);
    const output = await connected({ servers: [proxy.url], qos: 1, timeout: '300ms', topic: `${root}/x` });
    proxy.silenceBroker();
    expect(await write(output, [cpu, mem])).toEqual({ outcome: 'retry', reason: `${proxy.url}: 2 of 2 messages not acknowledged within 300ms (timeout); reconnecting` });
    expect(await writeUntilConnected(output, [cpu, mem])).toEqual({ outcome: 'written' });
    // At least once: the silenced acknowledgements do not mean the broker never had the messages.
    await subscriber.until((m) => m.length >= 2);
  });
});
