import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { defineInput, defineOutput, type Item, type Metric } from '../index.js';
import { Registry } from '../registry.js';
import { Agent } from '../agent/agent.js';
import { createEnvironment } from '../agent/environment.js';
import { loadConfig } from './load.js';
import { readSources } from './sources.js';
import { ConfigErrors } from './errors.js';

/** A polled input whose metrics carry the timestamps it is given; a service input that does the same. */
const stamped = defineInput<{ at: number[] }>({
  name: 'stamped',
  description: 'one metric per timestamp (ms), or now when none',
  sample: '',
  schema: { type: 'object', properties: { at: { type: 'array', items: { type: 'number' }, default: [] } } },
  create: (ctx) => ({
    gather(acc) {
      if (ctx.options.at.length === 0) acc.addFields('now', { v: 1 });
      ctx.options.at.forEach((ms, i) => (i % 2 ? acc.addMetric({ kind: 'metric', name: 'built', tags: {}, fields: { v: 1 }, timestamp: ms, type: 'gauge' }) : acc.addFields('added', { v: 1 }, {}, ms)));
    },
  }),
});
const listener = defineInput<{ at: number }>({
  name: 'listener',
  description: 'a service input',
  sample: '',
  schema: { type: 'object', properties: { at: { type: 'number', default: 0 } } },
  create: (ctx) => ({
    start(acc) {
      acc.addFields('heard', { v: 1 }, {}, ctx.options.at);
    },
  }),
});
const sink = defineOutput({ name: 'sink', description: 'x', sample: '', accepts: ['metric'], schema: { type: 'object', properties: {} }, create: () => ({ write() {} }) });

function registry(): Registry {
  const r = new Registry();
  for (const d of [stamped, listener, sink]) r.add(d, 'test');
  return r;
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-telegraf-agent-'));

async function load(text: string) {
  const path = join(dir, 'telegraf.conf');
  writeFileSync(path, text);
  return loadConfig(await readSources([path]), registry());
}

async function errorsOf(text: string): Promise<string[]> {
  try {
    await load(text);
  } catch (err) {
    if (err instanceof ConfigErrors) return err.errors.map((e) => e.message.replace(dir + '/', ''));
    throw err;
  }
  throw new Error('expected the config to be rejected');
}

/** Gathers once (polled and service inputs) and returns what came out. */
async function gathered(text: string): Promise<Item[]> {
  const config = await load(text);
  const items: Item[] = [];
  const agent = new Agent(config, createEnvironment({ ...config.agent, quiet: true }), { capture: (i) => items.push(i) });
  await agent.start({ schedule: false });
  await agent.gatherOnce();
  await agent.stop();
  return items;
}

// Telegraf's own [agent] section, every option it documents, with the values its stock config has.
const TELEGRAF_AGENT = `[agent]
  interval = "10s"
  round_interval = true
  metric_batch_size = 1000
  metric_buffer_limit = 10000
  collection_jitter = "0s"
  collection_offset = "0s"
  flush_interval = "10s"
  flush_jitter = "0s"
  precision = "0s"
  debug = false
  quiet = false
  logformat = "text"
  structured_log_message_key = "message"
  logtarget = "file"
  logfile = ""
  logfile_rotation_interval = "0h"
  logfile_rotation_max_size = "0MB"
  logfile_rotation_max_archives = 5
  log_with_timezone = ""
  hostname = ""
  omit_hostname = false
  snmp_translator = "netsnmp"
  statefile = ""
  always_include_local_tags = false
  always_include_global_tags = false
  skip_processors_after_aggregators = true
  skip_processors_before_aggregators = false
  buffer_strategy = "memory"
  buffer_directory = ""
`;

describe("Telegraf's [agent] options", () => {
  it('accepts every one, and names once those that do nothing here, with their lines', async () => {
    const config = await load(`${TELEGRAF_AGENT}[[inputs.stamped]]\n[[outputs.sink]]\n`);
    expect(config.agent).toMatchObject({ collection_offset: 0, precision: 0, logfile_rotation_max_archives: 5, structured_log_message_key: 'message', logtarget: 'file' });
    expect(config.warnings).toEqual([
      `${dir}/telegraf.conf:23: agent: option "snmp_translator" has no effect (vigil has no SNMP plugins)`,
      `${dir}/telegraf.conf:27: agent: option "skip_processors_after_aggregators" has no effect (vigil has no aggregators: processors run once)`,
    ]);
  });

  it('rounds gathered timestamps to precision, half away from zero as Go does, but not a service input', async () => {
    const items = (await gathered('[agent]\n  precision = "1s"\n[[inputs.stamped]]\n  at = [1700000000499, 1700000000500, 1700000001999.5]\n[[inputs.listener]]\n  at = 1700000000250\n[[outputs.sink]]\n')) as Metric[];
    expect(items.map((m) => [m.name, m.timestamp])).toEqual([
      ['heard', 1700000000250],
      ['added', 1700000000000],
      ['built', 1700000001000],
      ['added', 1700000002000],
    ]);
  });

  it('keeps timestamps as they are with precision "0s"', async () => {
    const items = (await gathered('[[inputs.stamped]]\n  at = [1700000000499.25]\n[[outputs.sink]]\n')) as Metric[];
    expect(items.map((m) => m.timestamp)).toEqual([1700000000499.25]);
  });

  it("takes an input's own precision over the agent's", async () => {
    const items = (await gathered('[agent]\n  precision = "1s"\n[[inputs.stamped]]\n  precision = "1m"\n  at = [1700000029999]\n[[outputs.sink]]\n')) as Metric[];
    expect(items.map((m) => m.timestamp)).toEqual([1700000040000]);
  });

  it("lets an input's own tags and the global ones pass its taginclude with always_include_local_tags and _global_tags", async () => {
    const input = '[[inputs.stamped]]\n  taginclude = ["cpu"]\n  tags = { role = "web" }\n[[outputs.sink]]\n';
    const tagsWith = async (agent: string) => ((await gathered(`[global_tags]\n  dc = "eu"\n[agent]\n  hostname = "web-01"\n${agent}${input}`)) as Metric[]).map((m) => m.tags);
    expect(await tagsWith('')).toEqual([{}]);
    expect(await tagsWith('  always_include_local_tags = true\n')).toEqual([{ role: 'web' }]);
    expect(await tagsWith('  always_include_global_tags = true\n')).toEqual([{ dc: 'eu', host: 'web-01' }]);
    expect(await tagsWith('  always_include_local_tags = true\n  always_include_global_tags = true\n')).toEqual([{ role: 'web', dc: 'eu', host: 'web-01' }]);
  });

  it('shifts aligned gathers by collection_offset', async () => {
    jest.useFakeTimers({ now: 1_700_000_001_234 });
    try {
      const config = await load('[agent]\n  interval = "10s"\n  collection_offset = "3s"\n[[inputs.stamped]]\n[[outputs.sink]]\n');
      const times: number[] = [];
      const agent = new Agent(config, createEnvironment({ ...config.agent, quiet: true }), { capture: (i) => times.push(i.timestamp) });
      await agent.start();
      await jest.advanceTimersByTimeAsync(25_000);
      await agent.stop();
      expect(times).toEqual([1_700_000_003_000, 1_700_000_013_000, 1_700_000_023_000]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('gives a buffer limit a maximum, checked at load with its line', async () => {
    expect(await errorsOf('[agent]\n  metric_buffer_limit = 100000000\n[[outputs.sink]]\n  metric_buffer_limit = 4294967296\n  buffer_max_size = "2TiB"\n')).toEqual([
      'telegraf.conf:2: agent: option "metric_buffer_limit" must be at most 10000000, got number 100000000',
      'telegraf.conf:4: outputs.sink: option "metric_buffer_limit" must be at most 10000000, got number 4294967296',
    ]);
    expect(await errorsOf('[agent]\n  buffer_max_size = "2TiB"\n[[outputs.sink]]\n  buffer_max_size = "1.5TiB"\n')).toEqual([
      'telegraf.conf:2: agent: option "buffer_max_size" must be at most 1024GiB, got 2048GiB',
      'telegraf.conf:4: outputs.sink: option "buffer_max_size" must be at most 1024GiB, got 1536GiB',
    ]);
  });
});
