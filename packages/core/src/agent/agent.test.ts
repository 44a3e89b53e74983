import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineInput, defineOutput, defineProcessor, type Item } from '../index.js';
import { Registry } from '../registry.js';
import { loadConfig } from '../config/load.js';
import { Agent } from './agent.js';
import { createEnvironment } from './environment.js';

const written: Item[][] = [];
let failuresLeft = 0;

const counter = defineInput<{ n: number; token: string }>({
  name: 'counter',
  description: 'emits n metrics per gather',
  sample: '',
  schema: { type: 'object', properties: { n: { type: 'integer', default: 1 }, token: { type: 'string', default: '', secret: true } } },
  create: (ctx) => ({
    gather(acc) {
      for (let i = 0; i < ctx.options.n; i++) acc.addFields(i % 2 ? 'odd' : 'even', { i: BigInt(i) }, { plugin: 'counter' });
      if (ctx.options.token) ctx.log.warn({ attempt: 2, target: `https://home.invalid/?t=${ctx.options.token}` }, `calling home with ${ctx.options.token}`);
      const seen = (ctx.state.load() as number | undefined) ?? 0;
      ctx.state.save(seen + ctx.options.n);
    },
  }),
});
let abortedGathers = 0;
const stuck = defineInput({
  name: 'stuck',
  description: 'a gather that never finishes by itself',
  sample: '',
  schema: { type: 'object', properties: {} },
  create: () => ({
    gather: (acc) =>
      new Promise<void>((resolve) =>
        acc.signal.addEventListener('abort', () => {
          abortedGathers++;
          resolve();
        }),
      ),
  }),
});
let failing = true;
const flaky = defineInput({
  name: 'flaky',
  description: 'fails the same way while `failing`',
  sample: '',
  schema: { type: 'object', properties: {} },
  create: () => ({
    gather(acc) {
      if (failing) acc.addError(new Error('engine at unix:///nowhere.sock is not there'));
    },
  }),
});
const backlog = defineInput<{ wait: boolean }>({
  name: 'backlog',
  description: 'a service input with 10,000 items to hand over at once',
  sample: '',
  schema: { type: 'object', properties: { wait: { type: 'boolean', default: true } } },
  create: (ctx) => ({
    async start(acc) {
      for (let chunk = 0; chunk < 20; chunk++) {
        for (let i = 0; i < 500; i++) acc.addFields('line', { n: BigInt(chunk * 500 + i) });
        if (ctx.options.wait) await acc.waitForRoom();
      }
    },
  }),
});
const slow = defineOutput({
  name: 'slow',
  description: 'writes take a turn of the event loop',
  sample: '',
  accepts: ['metric'],
  schema: { type: 'object', properties: {} },
  create: () => ({
    write: (batch) =>
      new Promise<void>((resolve) =>
        setImmediate(() => {
          written.push(batch);
          resolve();
        }),
      ),
  }),
});
const late = defineInput({
  name: 'late',
  description: 'adds one item, then another 300 ms later, whatever its signal says',
  sample: '',
  schema: { type: 'object', properties: {} },
  create: () => ({
    async gather(acc) {
      acc.addFields('late', { n: 1 });
      await new Promise((r) => setTimeout(r, 300));
      acc.addFields('late', { n: 2 });
    },
  }),
});
/** Resolves the gathers of inputs.deaf, which ignore their abort signal. */
let releaseDeaf = () => {};
const deaf = defineInput({
  name: 'deaf',
  description: 'adds one item, then waits for the test, whatever its signal says, and adds another',
  sample: '',
  schema: { type: 'object', properties: {} },
  create: () => ({
    async gather(acc) {
      acc.addFields('deaf', { n: 1 });
      await new Promise<void>((resolve) => (releaseDeaf = resolve));
      acc.addFields('deaf', { n: 2 });
    },
  }),
});
let connectAttempts = 0;
const unreachable = defineOutput({
  name: 'unreachable',
  description: 'never connects',
  sample: '',
  accepts: ['metric'],
  schema: { type: 'object', properties: {} },
  create: () => ({
    connect() {
      connectAttempts++;
      throw new Error('connection refused');
    },
    write() {},
  }),
});
const upper = defineProcessor({
  name: 'upper',
  description: 'upper-cases names',
  sample: '',
  schema: { type: 'object', properties: {} },
  create: () => ({ process: (item) => ({ ...item, name: item.name.toUpperCase() }) }),
});
const memory = defineOutput({
  name: 'memory',
  description: 'keeps batches; fails while failuresLeft > 0',
  sample: '',
  accepts: ['metric'],
  schema: { type: 'object', properties: {} },
  create: () => ({
    write(batch) {
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new Error('backend unavailable');
      }
      written.push(batch);
    },
  }),
});

const dir = mkdtempSync(join(tmpdir(), 'vigil-agent-'));

async function agentFor(toml: string, options: ConstructorParameters<typeof Agent>[2] = {}): Promise<Agent> {
  const registry = new Registry();
  for (const d of [counter, stuck, flaky, backlog, late, deaf, upper, memory, slow, unreachable]) registry.add(d, 'test');
  const config = await loadConfig([{ label: 't.toml', display: 't.toml', dir, text: toml, secrets: [] }], registry);
  const env = createEnvironment({ ...config.agent, logfile: join(dir, 'agent.log') });
  return new Agent(config, env, options);
}

beforeEach(() => {
  written.length = 0;
  failuresLeft = 0;
  abortedGathers = 0;
  failing = true;
});

const messagesOf = (agent: Agent, source: string) => agent.env.ring.entries().filter((e) => e.source === source).map((e) => `${e.level} ${e.message}`);

describe('agent pipeline', () => {
  it('runs items through processors in order, adds global and host tags, and batches writes', async () => {
    const agent = await agentFor(`
[agent]
  hostname = "web-01"
  metric_batch_size = 3
[global_tags]
  dc = "eu"
[[inputs.counter]]
  n = 7
  [inputs.counter.tags]
    role = "db"
[[processors.upper]]
[[outputs.memory]]
`);
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    expect(await agent.stop()).toBe(true);
    expect(written.map((b) => b.length)).toEqual([3, 3, 1]);
    expect(written.flat()[0]).toMatchObject({ name: 'EVEN', tags: { plugin: 'counter', role: 'db', dc: 'eu', host: 'web-01' } });
    const stats = agent.env.stats.snapshot();
    expect(stats.agent).toMatchObject({ metrics_gathered: 7, metrics_written: 7, metrics_dropped: 0 });
  });

  it('counts what an output filters with namepass, and what overflow drops', async () => {
    const agent = await agentFor(`
[[inputs.counter]]
  n = 10
[[outputs.memory]]
  namepass = ["odd"]
  metric_buffer_limit = 2
  metric_batch_size = 100
`);
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    await agent.stop();
    const [out] = agent.env.stats.snapshot().outputs.memory;
    expect(out).toMatchObject({ metrics_filtered: 5, metrics_added: 5, metrics_dropped: 3, metrics_written: 2 });
    expect(written.flat().map((m) => m.name)).toEqual(['odd', 'odd']);
    expect(readFileSync(join(dir, 'agent.log'), 'utf8')).toMatch(/buffer full \(metric_buffer_limit = 2\): dropped 3 oldest items/);
  });

  it('keeps a failed batch at the front, logs the failure, and writes it on the next flush', async () => {
    const agent = await agentFor('[[inputs.counter]]\n  n = 4\n[[outputs.memory]]\n');
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    failuresLeft = 1;
    expect(await agent.flushNow()).toBe(false);
    expect(written).toEqual([]);
    expect(await agent.flushNow()).toBe(true);
    expect(written.flat().map((m) => (m.kind === 'metric' ? m.fields.i : undefined))).toEqual([0n, 1n, 2n, 3n]);
    await agent.stop();
    const [out] = agent.env.stats.snapshot().outputs.memory;
    expect(out).toMatchObject({ errors: 1, metrics_written: 4, buffer_size: 0 });
    const errors = agent.env.ring.entries().filter((e) => e.level === 'error');
    expect(errors[0]).toMatchObject({ source: 'outputs.memory', message: expect.stringContaining('write of 4 items failed: backend unavailable; 4 items kept') });
  });

  it('counts and logs what is still unwritten when it must stop', async () => {
    const agent = await agentFor('[agent]\n  shutdown_timeout = "1s"\n[[inputs.counter]]\n  n = 3\n[[outputs.memory]]\n');
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    failuresLeft = 100;
    expect(await agent.stop()).toBe(false);
    expect(agent.env.stats.snapshot().agent.metrics_dropped).toBe(3);
    expect(agent.env.ring.entries().map((e) => e.message)).toContain('stopping with 3 items unwritten; they are dropped');
  });

  it('never lets a secret option value reach a log line or the log ring', async () => {
    const agent = await agentFor('[[inputs.counter]]\n  token = "s3cr3t-value"\n[[outputs.memory]]\n');
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    await agent.stop();
    const log = readFileSync(join(dir, 'agent.log'), 'utf8');
    expect(log).toContain('calling home with ***');
    expect(log).not.toContain('s3cr3t-value');
    expect(JSON.stringify(agent.env.ring.entries())).not.toContain('s3cr3t-value');
    const entry = agent.env.ring.entries().find((e) => e.message === 'calling home with ***');
    expect(entry?.attributes).toEqual({ attempt: 2, target: 'https://home.invalid/?t=***' });
  });

  it('abandons a gather that outlives its interval, counts the timeout and aborts its signal, without holding up other inputs', async () => {
    const agent = await agentFor('[[inputs.stuck]]\n  interval = "200ms"\n[[inputs.counter]]\n[[outputs.memory]]\n');
    await agent.start({ schedule: false });
    expect(await agent.gatherOnce()).toBe(false);
    await agent.stop();
    const { inputs } = agent.env.stats.snapshot();
    expect(inputs.stuck[0]).toMatchObject({ gather_timeouts: 1 });
    expect(inputs.counter[0]).toMatchObject({ metrics_gathered: 1, gather_timeouts: 0 });
    expect(abortedGathers).toBe(1);
    expect(agent.env.ring.entries().map((e) => `${e.source}: ${e.message}`)).toContain(
      'inputs.stuck: did not complete within its interval (200ms); skipping gathers until it does',
    );
  });

  it('counts every repeat of the same gather error but logs it once, then how often it repeated', async () => {
    const agent = await agentFor('[[inputs.flaky]]\n[[outputs.memory]]\n');
    await agent.start({ schedule: false });
    failing = true;
    for (let i = 0; i < 4; i++) await agent.gatherOnce();
    failing = false;
    await agent.gatherOnce();
    await agent.stop();
    expect(agent.env.stats.snapshot().inputs.flaky[0].errors).toBe(4);
    const lines = agent.env.ring.entries().filter((e) => e.source === 'inputs.flaky').map((e) => e.message);
    expect(lines).toEqual([
      'engine at unix:///nowhere.sock is not there',
      expect.stringMatching(/^engine at unix:\/\/\/nowhere\.sock is not there \(repeated 3 more times since \d{4}-.*Z\)$/),
    ]);
  });

  it.each([
    ['waits for room', true, 'block', 0],
    ['does not wait', false, 'block', 9000],
    ['waits for room', true, 'drop_oldest', 9000],
  ])('an input that %s between chunks (wait = %s) hands a backlog ten times the buffer to an output with when_full = %s with %i drops', async (_, wait, whenFull, drops) => {
    const agent = await agentFor(`[[inputs.backlog]]\n  wait = ${wait}\n[[outputs.slow]]\n  metric_buffer_limit = 1000\n  metric_batch_size = 100\n  when_full = "${whenFull}"\n`);
    await agent.start({ schedule: false });
    await agent.stop();
    const [out] = agent.env.stats.snapshot().outputs.slow;
    expect(out.metrics_dropped).toBe(drops);
    expect(written.flat()).toHaveLength(10_000 - drops);
  });

  it('selects on the name the input gave, then renames and tags, then trims tags as Telegraf does', async () => {
    const agent = await agentFor(`
[agent]
  hostname = "h1"
[global_tags]
  dc = "eu"
[[inputs.counter]]
  n = 2
  namepass = ["even"]
  name_prefix = "x_"
  tagexclude = ["host", "dc"]
[[outputs.memory]]
`);
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    await agent.stop();
    expect(written.flat()).toEqual([expect.objectContaining({ name: 'x_even', tags: { plugin: 'counter' } })]);
  });

  it('on stop, waits for a gather under way so what it still adds is written', async () => {
    const agent = await agentFor('[[inputs.late]]\n[[outputs.memory]]\n');
    await agent.start({ schedule: false });
    const gathering = agent.gatherOnce();
    await new Promise((r) => setTimeout(r, 50));
    expect(await agent.stop()).toBe(true);
    await gathering;
    expect(written.flat().map((m) => (m.kind === 'metric' ? m.fields.n : 0))).toEqual([1, 2]);
  });

  it('abandons at the stop deadline a gather that ignores its abort signal, writes what it added before, and drops what it adds after', async () => {
    const agent = await agentFor('[agent]\n  shutdown_timeout = "300ms"\n[[inputs.deaf]]\n  interval = "100ms"\n[[outputs.memory]]\n');
    await agent.start({ schedule: false });
    expect(await agent.gatherOnce()).toBe(false);
    // Resolves only by giving up on the gather: it never ends by itself.
    expect(await agent.stop()).toBe(true);
    expect(messagesOf(agent, 'inputs.deaf')).toContain('error a gather still running at shutdown was abandoned; what it adds now is dropped');
    expect(written.flat().map((m) => m.name)).toEqual(['deaf']);
    releaseDeaf();
    await new Promise((r) => setImmediate(r));
    expect(written.flat()).toHaveLength(1);
    expect(agent.env.stats.snapshot().outputs.memory[0]).toMatchObject({ metrics_written: 1, metrics_dropped: 1 });
  });

  it('hands what the processors made to the capture of `vigil test`, with no output written', async () => {
    const captured: Item[] = [];
    const agent = await agentFor('[[inputs.counter]]\n  n = 2\n[[processors.upper]]\n[[outputs.memory]]\n', { capture: (item) => captured.push(item) });
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    await agent.stop();
    expect(captured.map((m) => m.name)).toEqual(['EVEN', 'ODD']);
    expect(written).toEqual([]);
  });

  it('logs each gather and write at debug, the first write and a recovery at info', async () => {
    const agent = await agentFor('[agent]\n  debug = true\n  metric_batch_size = 2\n[[inputs.counter]]\n  n = 3\n[[outputs.memory]]\n');
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    await agent.flushNow();
    await agent.gatherOnce();
    failuresLeft = 1;
    await agent.flushNow();
    await agent.flushNow();
    await agent.flushNow();
    await agent.stop();
    const lines = messagesOf(agent, 'outputs.memory').map((l) => l.replace(/\d+\.\d ms/, 'T ms'));
    expect(messagesOf(agent, 'inputs.counter').map((l) => l.replace(/\d+\.\d ms/, 'T ms'))).toEqual(['debug gathered 3 items in T ms', 'debug gathered 3 items in T ms']);
    expect(lines).toEqual([
      'info first write succeeded: wrote 2 items in T ms',
      'debug wrote 1 items in T ms; 0 items buffered',
      expect.stringMatching(/^error write of 2 items failed: backend unavailable; 3 items kept, retry in /),
      'info writing again after 1 failed attempt: wrote 2 items in T ms',
      'debug wrote 1 items in T ms; 0 items buffered',
      'debug flush: nothing to write',
    ]);
  });

  it('backs off after a failed connect instead of retrying at every full batch', async () => {
    connectAttempts = 0;
    const agent = await agentFor('[agent]\n  shutdown_timeout = "100ms"\n[[inputs.counter]]\n  n = 10\n[[outputs.unreachable]]\n  metric_batch_size = 2\n');
    await agent.start({ schedule: false });
    for (let i = 0; i < 5; i++) await agent.gatherOnce();
    await new Promise((r) => setImmediate(r));
    expect(connectAttempts).toBe(1);
    expect(agent.env.ring.entries().filter((e) => e.message.startsWith('could not connect'))).toHaveLength(1);
    await agent.stop();
  });

  it('keeps plugin state in the statefile across a restart', async () => {
    const statefile = join(dir, 'state.json');
    const toml = `[agent]\n  statefile = "${statefile}"\n[[inputs.counter]]\n  n = 2\n[[outputs.memory]]\n`;
    for (let run = 0; run < 2; run++) {
      const agent = await agentFor(toml);
      await agent.start({ schedule: false });
      await agent.gatherOnce();
      await agent.stop();
    }
    expect(JSON.parse(readFileSync(statefile, 'utf8'))).toEqual({ 'inputs.counter': 4 });
  });
});
