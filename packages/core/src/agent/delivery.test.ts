import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineInput, defineOutput, rejectBatch, retryLater, type Item, type WriteContext } from '../index.js';
import { Registry } from '../registry.js';
import { loadConfig } from '../config/load.js';
import { Agent } from './agent.js';
import { createEnvironment, type AgentEnvironment } from './environment.js';

/** What the scripted output saw, one entry per write attempt. */
interface Attempt {
  output: string;
  values: number[];
  context: WriteContext;
  at: number;
}
const attempts: Attempt[] = [];
/** Per output alias, what its next writes do: "ok", "fail", "hang", "reject", "retry-after:<ms>". */
const script = new Map<string, string[]>();
const settled: boolean[] = [];

const valuesOf = (batch: Item[]) => batch.map((m) => (m.kind === 'metric' ? Number(m.fields.n) : -1));
const writtenBy = (output: string) => attempts.filter((a) => a.output === output && a.context.signal.aborted === false && a.values.length > 0);

const scripted = defineOutput<{ name: string }>({
  name: 'scripted',
  description: 'does what the script says for each write',
  sample: '',
  accepts: ['metric'],
  schema: { type: 'object', properties: { name: { type: 'string', default: 'a' } } },
  create: (ctx) => ({
    write(batch, context) {
      const step = script.get(ctx.options.name)?.shift() ?? 'ok';
      attempts.push({ output: ctx.options.name, values: step === 'ok' ? valuesOf(batch) : [], context, at: Date.now() });
      if (step === 'fail') throw new Error('backend unavailable');
      if (step === 'reject') return rejectBatch('HTTP 400: field "n" is not allowed');
      if (step.startsWith('retry-after:')) return retryLater('HTTP 429', Number(step.split(':')[1]));
      if (step === 'hang') return new Promise<void>(() => {});
      if (step.startsWith('slow:')) {
        const ms = Number(step.split(':')[1]);
        return new Promise<void>((resolve) => setTimeout(resolve, ms)).then(() => {
          attempts.push({ output: ctx.options.name, values: valuesOf(batch), context, at: Date.now() });
        });
      }
      return undefined;
    },
  }),
});

let connects = 0;
const unanswered = defineOutput({
  name: 'unanswered',
  description: 'a connect that never returns',
  sample: '',
  accepts: ['metric'],
  schema: { type: 'object', properties: {} },
  create: () => ({
    connect: () => {
      connects++;
      return new Promise<void>(() => {});
    },
    write() {},
  }),
});

/**
 * Like a file tailer: reads on from its own read position, saves (ctx.state) only the position
 * up to which its groups were delivered, and starts from the saved one.
 */
const positioned = defineInput<{ n: number }>({
  name: 'positioned',
  description: 'numbered metrics from a saved position',
  sample: '',
  schema: { type: 'object', properties: { n: { type: 'integer', default: 3 } } },
  create: (ctx) => {
    let read: number | undefined;
    let delivered = 0;
    return {
      gather(acc) {
        // Loaded at the first gather, not in create(): on a reload the new instance is created
        // while the old one still runs.
        if (read === undefined) delivered = read = (ctx.state.load() as number | undefined) ?? 0;
        const end = read + ctx.options.n;
        const group = acc.trackDelivery((ok) => {
          if (ok && end > delivered) ctx.state.save((delivered = end));
        });
        for (; read < end; read++) group.addMetric({ kind: 'metric', name: 'number', tags: {}, fields: { n: read }, timestamp: Date.now(), type: 'gauge' });
        group.close();
      },
    };
  },
});

/** Emits `n` numbered metrics per gather, starting where the last gather ended. */
let next = 0;
const numbers = defineInput<{ n: number; tracked: boolean }>({
  name: 'numbers',
  description: 'numbered metrics, optionally tracked for delivery',
  sample: '',
  schema: { type: 'object', properties: { n: { type: 'integer', default: 3 }, tracked: { type: 'boolean', default: false } } },
  create: (ctx) => ({
    gather(acc) {
      const group = ctx.options.tracked ? acc.trackDelivery((delivered) => settled.push(delivered)) : undefined;
      for (let i = 0; i < ctx.options.n; i++) (group ?? acc).addMetric({ kind: 'metric', name: 'number', tags: {}, fields: { n: next++ }, timestamp: Date.now(), type: 'gauge' });
      group?.close();
    },
  }),
});

const dir = mkdtempSync(join(tmpdir(), 'vigil-delivery-'));
let env: AgentEnvironment | undefined;

async function agentFor(toml: string, reuseEnv = false): Promise<Agent> {
  const registry = new Registry();
  for (const d of [scripted, numbers, positioned, unanswered]) registry.add(d, 'test');
  const config = await loadConfig([{ label: 't.toml', display: 't.toml', dir, text: toml, secrets: [] }], registry);
  if (!reuseEnv || !env) env = createEnvironment({ ...config.agent, logfile: join(dir, 'agent.log') });
  const agent = new Agent(config, env);
  made.push(agent);
  return agent;
}

/** Every agent a test made, stopped after it even when it failed, so no timer outlives the test. */
const made: Agent[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((a) => a.stop().catch(() => undefined)));
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const giveUp = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > giveUp) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const messages = (agent: Agent) => agent.env.ring.entries().map((e) => e.message);

beforeEach(() => {
  attempts.length = 0;
  settled.length = 0;
  script.clear();
  next = 0;
});

describe('write results', () => {
  it('drops a rejected batch for good, counts it, logs the reason once and keeps it as JSON lines', async () => {
    const buffers = mkdtempSync(join(dir, 'buffers-'));
    script.set('a', ['reject']);
    const agent = await agentFor(`[agent]\n  buffer_directory = "${buffers}"\n  metric_batch_size = 2\n[[inputs.numbers]]\n  n = 4\n[[outputs.scripted]]\n`);
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    expect(await agent.flushNow()).toBe(true);
    await agent.stop();
    expect(writtenBy('a').map((a) => a.values)).toEqual([[2, 3]]);
    const [out] = agent.env.stats.snapshot().outputs.scripted;
    expect(out).toMatchObject({ metrics_rejected: 2, metrics_written: 2, metrics_dropped: 0, errors: 0 });
    expect(messages(agent).filter((m) => m.startsWith('rejected'))).toEqual([
      `rejected 2 items for good: HTTP 400: field "n" is not allowed; kept in ${join(buffers, 'rejected', 'outputs.scripted.jsonl')}`,
    ]);
    const kept = readFileSync(join(buffers, 'rejected', 'outputs.scripted.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(kept.map((k) => [k.reason, k.item.fields.n])).toEqual([
      ['HTTP 400: field "n" is not allowed', 0],
      ['HTTP 400: field "n" is not allowed', 1],
    ]);
  });

  it('waits as long as Retry-After asks before trying the same batch again, under the same batch id', async () => {
    script.set('a', ['retry-after:400']);
    const agent = await agentFor('[[inputs.numbers]]\n[[outputs.scripted]]\n  flush_interval = "1h"\n');
    await agent.start();
    await agent.gatherOnce();
    void agent.flushNow();
    await until(() => attempts.length === 2, 'the retry');
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(395);
    expect(attempts[1].context.batchId).toBe(attempts[0].context.batchId);
    expect(attempts.map((a) => a.context.attempt)).toEqual([1, 2]);
    expect(attempts[1].values).toEqual([0, 1, 2]);
    await agent.stop();
  });

  it('abandons a write past its timeout, aborts its signal, and retries the batch', async () => {
    script.set('a', ['hang']);
    const agent = await agentFor('[[inputs.numbers]]\n[[outputs.scripted]]\n  timeout = "200ms"\n');
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    expect(await agent.flushNow()).toBe(false);
    expect(attempts[0].context.signal.aborted).toBe(true);
    expect(messages(agent)).toContainEqual(expect.stringMatching(/^write of 3 items failed: no answer within timeout \(200ms\); abandoned; 3 items kept/));
    expect(await agent.flushNow()).toBe(true);
    expect(attempts[1]).toMatchObject({ values: [0, 1, 2], context: { batchId: attempts[0].context.batchId, attempt: 2 } });
    await agent.stop();
  });

  it('at stop, keeps retrying a memory buffer with backoff until the deadline instead of giving up after one failure', async () => {
    script.set('a', ['fail', 'fail']);
    const agent = await agentFor('[agent]\n  shutdown_timeout = "8s"\n[[inputs.numbers]]\n[[outputs.scripted]]\n');
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    expect(await agent.stop()).toBe(true);
    expect(attempts.map((a) => a.values)).toEqual([[], [], [0, 1, 2]]);
    expect(agent.env.stats.snapshot().outputs.scripted[0]).toMatchObject({ metrics_written: 3, metrics_dropped: 0, errors: 2 });
  });
});

describe('stop', () => {
  it('a write that finishes after the stop deadline changes nothing that was already counted', async () => {
    script.set('a', ['slow:1500']);
    const agent = await agentFor('[agent]\n  shutdown_timeout = "100ms"\n[[inputs.numbers]]\n[[outputs.scripted]]\n  timeout = "5s"\n');
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    expect(await agent.stop()).toBe(false);
    await until(() => attempts.length === 1, 'the late write');
    await until(() => messages(agent).some((m) => m.includes('finished after the stop deadline')), 'the late write to be logged');
    expect(agent.env.stats.snapshot().outputs.scripted[0]).toMatchObject({ metrics_written: 0, metrics_dropped: 3 });
  });

  it('a connect that never returns is given up after the timeout and tried again later', async () => {
    connects = 0;
    const agent = await agentFor('[agent]\n  shutdown_timeout = "100ms"\n[[inputs.numbers]]\n[[outputs.unanswered]]\n  timeout = "200ms"\n');
    await agent.start({ schedule: false });
    await until(() => messages(agent).includes('could not connect: no answer within timeout (200ms); retry in ' + messages(agent).find((m) => m.startsWith('could not connect'))?.split('retry in ')[1]), 'the connect to be given up');
    await agent.gatherOnce();
    expect(await agent.stop()).toBe(false);
    expect(connects).toBeGreaterThanOrEqual(2);
  });
});

describe('isolation', () => {
  it('a polled input that feeds a full blocking output skips its gathers; another input gathers on', async () => {
    script.set('dead', Array(1000).fill('fail'));
    const agent = await agentFor(`
[agent]
  shutdown_timeout = "100ms"
  round_interval = false
[[inputs.numbers]]
  alias = "for-dead"
  interval = "50ms"
  n = 5
  name_override = "dead_bound"
[[inputs.numbers]]
  alias = "for-live"
  interval = "50ms"
[[outputs.scripted]]
  alias = "dead"
  name = "dead"
  namepass = ["dead_bound"]
  when_full = "block"
  metric_buffer_limit = 5
[[outputs.scripted]]
  alias = "live"
  name = "live"
  namedrop = ["dead_bound"]
  flush_interval = "50ms"
`);
    await agent.start();
    const inputs = () => agent.env.stats.snapshot().inputs.numbers;
    await until(() => inputs()[0].gathers_skipped >= 3 && inputs()[1].metrics_gathered >= 12, 'skips and gathers');
    await agent.stop();
    const [forDead, forLive] = inputs();
    expect(forDead.metrics_gathered).toBe(5);
    expect(forLive.gathers_skipped).toBe(0);
    expect(messages(agent).filter((m) => m.includes('skipping gathers until it has room'))).toHaveLength(1);
  });

  it('a dead output that blocks when full holds back only the inputs that feed it', async () => {
    script.set('dead', Array(1000).fill('fail'));
    const agent = await agentFor(`
[agent]
  shutdown_timeout = "300ms"
[[inputs.numbers]]
  alias = "for-dead"
  n = 10
  name_override = "dead_bound"
[[inputs.numbers]]
  alias = "for-live"
  n = 10
[[outputs.scripted]]
  alias = "dead"
  name = "dead"
  namepass = ["dead_bound"]
  when_full = "block"
  metric_buffer_limit = 10
[[outputs.scripted]]
  alias = "live"
  name = "live"
  namedrop = ["dead_bound"]
`);
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    expect(agent.inputs.map((i) => [i.id, agent.outputs.some((o) => o.blocks(i.id))])).toEqual([
      ['inputs.numbers::for-dead', true],
      ['inputs.numbers::for-live', false],
    ]);
    await agent.gatherOnce();
    await agent.flushNow();
    expect(writtenBy('live').flatMap((a) => a.values)).toHaveLength(20);
    const out = agent.env.stats.snapshot().outputs.scripted;
    expect(out.find((o) => o.alias === 'dead')).toMatchObject({ metrics_dropped: 10, buffer_size: 10 });
    await agent.stop();
  });
});

describe('delivery tracking', () => {
  it('settles a tracked group as delivered once every output that took it has written it', async () => {
    const agent = await agentFor('[[inputs.numbers]]\n  tracked = true\n[[outputs.scripted]]\n  name = "a"\n[[outputs.scripted]]\n  name = "b"\n');
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    expect(settled).toEqual([]);
    await agent.outputs[0].flush(false, true);
    expect(settled).toEqual([]);
    await agent.outputs[1].flush(false, true);
    expect(settled).toEqual([true]);
    await agent.stop();
  });

  it('settles a group as not delivered when its items are still unwritten at stop', async () => {
    script.set('a', Array(100).fill('fail'));
    const agent = await agentFor('[agent]\n  shutdown_timeout = "300ms"\n[[inputs.numbers]]\n  tracked = true\n[[outputs.scripted]]\n');
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    expect(await agent.stop()).toBe(false);
    expect(settled).toEqual([false]);
  });

  it('settles a group no output takes at once', async () => {
    const agent = await agentFor('[[inputs.numbers]]\n  tracked = true\n[[outputs.scripted]]\n  namepass = ["other"]\n');
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    expect(settled).toEqual([true]);
    await agent.stop();
  });
});

describe('reload', () => {
  it('with an input that saves delivered positions, the new configuration goes on where delivery got to: nothing repeated', async () => {
    const toml = '[[inputs.positioned]]\n[[outputs.scripted]]\n  flush_interval = "1h"\n';
    const first = await agentFor(toml);
    await first.start({ schedule: false });
    await first.gatherOnce();
    await first.gatherOnce();
    const second = await agentFor(toml.replace('1h', '2h'), true);
    await first.handOverTo(second);
    await second.start({ schedule: false });
    await second.gatherOnce();
    await second.stop();
    expect(writtenBy('a').flatMap((a) => a.values)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('with an output down across the reload, what was not delivered in time is read again: nothing lost', async () => {
    script.set('a', Array(1000).fill('fail'));
    const toml = '[agent]\n  shutdown_timeout = "300ms"\n[[inputs.positioned]]\n[[outputs.scripted]]\n  flush_interval = "1h"\n';
    const first = await agentFor(toml);
    await first.start({ schedule: false });
    await first.gatherOnce();
    const second = await agentFor(toml.replace('1h', '2h'), true);
    await first.handOverTo(second);
    script.set('a', []); // back up
    await second.start({ schedule: false });
    await second.gatherOnce();
    await second.stop();
    // 0-2 were still in the buffer handed over, and were read again from the saved position.
    expect(writtenBy('a').flatMap((a) => a.values)).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('lets a write under way finish before handing the buffer over, so the batch is written once', async () => {
    script.set('a', ['slow:300']);
    const toml = '[[inputs.numbers]]\n[[outputs.scripted]]\n  flush_interval = "1h"\n';
    const first = await agentFor(toml);
    await first.start({ schedule: false });
    await first.gatherOnce();
    void first.flushNow();
    const second = await agentFor(toml.replace('1h', '2h'), true);
    await first.handOverTo(second);
    await second.start({ schedule: false });
    await second.stop();
    expect(writtenBy('a').flatMap((a) => a.values)).toEqual([0, 1, 2]);
  });

  it('an output whose buffer settings changed does not take the old buffer: the old one flushes', async () => {
    const first = await agentFor('[[inputs.numbers]]\n[[outputs.scripted]]\n  flush_interval = "1h"\n');
    await first.start({ schedule: false });
    await first.gatherOnce();
    const second = await agentFor('[[inputs.numbers]]\n[[outputs.scripted]]\n  flush_interval = "1h"\n  metric_buffer_limit = 2\n', true);
    await first.handOverTo(second);
    expect(writtenBy('a').flatMap((a) => a.values)).toEqual([0, 1, 2]);
    await second.start({ schedule: false });
    await second.gatherOnce();
    await second.stop();
    expect(second.env.stats.snapshot().outputs.scripted[0]).toMatchObject({ buffer_limit: 2, metrics_dropped: 1 });
  });

  it('hands a surviving output its buffer: nothing flushed early, nothing lost, nothing repeated', async () => {
    const toml = '[[inputs.numbers]]\n[[outputs.scripted]]\n  flush_interval = "1h"\n';
    const first = await agentFor(toml);
    await first.start({ schedule: false });
    await first.gatherOnce();
    const second = await agentFor(toml + '[[outputs.scripted]]\n  name = "b"\n', true);
    await first.handOverTo(second);
    expect(attempts).toEqual([]);
    await second.start({ schedule: false });
    await second.gatherOnce();
    await second.stop();
    expect(writtenBy('a').flatMap((a) => a.values)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(writtenBy('b').flatMap((a) => a.values)).toEqual([3, 4, 5]);
  });

  it('flushes an output the new configuration no longer has', async () => {
    const first = await agentFor('[[inputs.numbers]]\n[[outputs.scripted]]\n  alias = "old"\n  flush_interval = "1h"\n');
    await first.start({ schedule: false });
    await first.gatherOnce();
    const second = await agentFor('[[inputs.numbers]]\n[[outputs.scripted]]\n  alias = "new"\n  name = "b"\n', true);
    await first.handOverTo(second);
    expect(writtenBy('a').flatMap((a) => a.values)).toEqual([0, 1, 2]);
    await second.start({ schedule: false });
    await second.stop();
  });
});

describe('disk buffers', () => {
  it('settle tracked items once stored, keep what is unwritten at stop, and send it first at the next start', async () => {
    const buffers = mkdtempSync(join(dir, 'disk-'));
    const toml = `[agent]\n  shutdown_timeout = "300ms"\n  buffer_strategy = "disk"\n  buffer_directory = "${buffers}"\n[[inputs.numbers]]\n  tracked = true\n[[outputs.scripted]]\n`;
    script.set('a', Array(100).fill('fail'));
    const first = await agentFor(toml);
    await first.start({ schedule: false });
    await first.gatherOnce();
    await until(() => settled.length === 1, 'the group to settle once stored');
    expect(settled).toEqual([true]);
    expect(await first.stop()).toBe(false);
    expect(first.env.stats.snapshot().outputs.scripted[0]).toMatchObject({ metrics_kept: 3, metrics_dropped: 0 });
    expect(messages(first)).toContain('stopping with 3 items unwritten; kept in the disk buffer, sent first at the next start');

    script.clear();
    attempts.length = 0;
    const second = await agentFor(toml);
    await second.start({ schedule: false });
    await second.gatherOnce();
    expect(await second.stop()).toBe(true);
    expect(writtenBy('a').flatMap((a) => a.values)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a batch sent again after a restart carries the batch id it had before', async () => {
    const buffers = mkdtempSync(join(dir, 'disk-'));
    const toml = `[agent]\n  shutdown_timeout = "300ms"\n  buffer_strategy = "disk"\n  buffer_directory = "${buffers}"\n[[inputs.numbers]]\n[[outputs.scripted]]\n`;
    script.set('a', Array(100).fill('fail'));
    const first = await agentFor(toml);
    await first.start({ schedule: false });
    await first.gatherOnce();
    await first.stop();
    const before = attempts[0].context;
    script.clear();
    attempts.length = 0;
    const second = await agentFor(toml);
    await second.start({ schedule: false });
    await second.stop();
    expect(attempts[0]).toMatchObject({ values: [0, 1, 2], context: { batchId: before.batchId, itemIds: before.itemIds } });
  });

  it('one that no configured output owns any more is reported at start, with what it holds', async () => {
    const buffers = mkdtempSync(join(dir, 'disk-'));
    const toml = (alias: string) => `[agent]\n  shutdown_timeout = "300ms"\n  buffer_strategy = "disk"\n  buffer_directory = "${buffers}"\n[[inputs.numbers]]\n[[outputs.scripted]]\n  alias = "${alias}"\n`;
    script.set('a', Array(100).fill('fail'));
    const first = await agentFor(toml('old'));
    await first.start({ schedule: false });
    await first.gatherOnce();
    await first.stop();
    const second = await agentFor(toml('new'));
    await second.start({ schedule: false });
    await second.stop();
    expect(messages(second)).toContainEqual(expect.stringMatching(new RegExp(`^${join(buffers, 'outputs.scripted_old')} holds a disk buffer of 3 items that no configured output uses`)));
  });

  it('a reload hands the disk buffer over: nothing flushed early, nothing repeated', async () => {
    const buffers = mkdtempSync(join(dir, 'disk-'));
    const toml = `[agent]\n  buffer_strategy = "disk"\n  buffer_directory = "${buffers}"\n[[inputs.numbers]]\n[[outputs.scripted]]\n  flush_interval = "1h"\n`;
    const first = await agentFor(toml);
    await first.start({ schedule: false });
    await first.gatherOnce();
    const second = await agentFor(toml.replace('1h', '2h'), true);
    await first.handOverTo(second);
    expect(attempts).toEqual([]);
    await second.start({ schedule: false });
    await second.gatherOnce();
    await second.stop();
    expect(writtenBy('a').flatMap((a) => a.values)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
