import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineInput, defineOutput, retryLater, written, type WriteResult } from '../index.js';
import { Registry } from '../registry.js';
import { loadConfig } from '../config/load.js';
import { Agent } from '../agent/agent.js';
import { createEnvironment } from '../agent/environment.js';

/** Per write, what the output answers; then written(). */
const answers: WriteResult[] = [];
let writes = 0;

const answering = defineOutput({
  name: 'answering',
  description: 'answers what the test queued',
  sample: '',
  accepts: ['metric'],
  schema: { type: 'object', properties: {} },
  create: () => ({
    write() {
      writes++;
      return answers.shift() ?? written();
    },
  }),
});

const five = defineInput({
  name: 'five',
  description: 'five metrics per gather',
  sample: '',
  schema: { type: 'object', properties: {} },
  create: () => ({
    gather(acc) {
      for (let n = 0; n < 5; n++) acc.addMetric({ kind: 'metric', name: 'number', tags: {}, fields: { n }, timestamp: Date.now(), type: 'gauge' });
    },
  }),
});

const dir = mkdtempSync(join(tmpdir(), 'vigil-write-result-'));
const made: Agent[] = [];

async function agentFor(toml: string): Promise<Agent> {
  const registry = new Registry();
  for (const d of [answering, five]) registry.add(d, 'test');
  const config = await loadConfig([{ label: 't.toml', display: 't.toml', dir, text: toml, secrets: [] }], registry);
  const agent = new Agent(config, createEnvironment({ ...config.agent, logfile: join(dir, 'agent.log') }));
  made.push(agent);
  return agent;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const giveUp = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > giveUp) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeEach(() => {
  answers.length = 0;
  writes = 0;
});
afterEach(async () => {
  await Promise.all(made.splice(0).map((a) => a.stop().catch(() => undefined)));
});

describe('write results: filtered items and quiet retries', () => {
  it('counts the items a write says it left out on purpose as filtered, the others as written', async () => {
    answers.push(written({ filtered: 2 }));
    const agent = await agentFor('[[inputs.five]]\n[[outputs.answering]]\n');
    await agent.start({ schedule: false });
    await agent.gatherOnce();
    expect(await agent.flushNow()).toBe(true);
    await agent.stop();
    expect(agent.env.stats.snapshot().outputs.answering[0]).toMatchObject({ metrics_added: 5, metrics_written: 3, metrics_filtered: 2, metrics_dropped: 0, errors: 0 });
  });

  it('logs a quiet retry at debug, not as an error, and still counts its errors and retries', async () => {
    for (let i = 0; i < 3; i++) answers.push(retryLater('token rejected by gateway (401)', 20, { quiet: true }));
    const agent = await agentFor('[agent]\n  debug = true\n[[inputs.five]]\n[[outputs.answering]]\n  flush_interval = "1h"\n');
    await agent.start();
    await agent.gatherOnce();
    void agent.flushNow();
    await until(() => agent.env.stats.snapshot().outputs.answering[0].metrics_written === 5, 'the write after three refusals');
    const about = agent.env.ring.entries().filter((e) => e.message.includes('token rejected by gateway'));
    expect(about.map((e) => e.level)).toEqual(['debug', 'debug', 'debug']);
    expect(writes).toBe(4);
    expect(agent.env.stats.snapshot().outputs.answering[0]).toMatchObject({ errors: 3, retries: 2 });
  });

  it('logs a retry that is not quiet as an error, each time', async () => {
    for (let i = 0; i < 2; i++) answers.push(retryLater('HTTP 503', 20));
    const agent = await agentFor('[[inputs.five]]\n[[outputs.answering]]\n  flush_interval = "1h"\n');
    await agent.start();
    await agent.gatherOnce();
    void agent.flushNow();
    await until(() => agent.env.stats.snapshot().outputs.answering[0].metrics_written === 5, 'the write after two failures');
    const about = agent.env.ring.entries().filter((e) => e.message.includes('HTTP 503'));
    expect(about.map((e) => e.level)).toEqual(['error', 'error']);
  });
});
