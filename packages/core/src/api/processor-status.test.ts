import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineInput, defineOutput, defineProcessor } from '../index.js';
import { requireTool } from '../testing/require-tool.js';
import { Registry } from '../registry.js';
import { loadConfig } from '../config/load.js';
import { readSources } from '../config/sources.js';
import { Agent } from '../agent/agent.js';
import { createEnvironment, type AgentEnvironment } from '../agent/environment.js';
import type { Metric } from '../model/item.js';
import { CurrentAgent } from './agent-view.js';
import { StatusServer } from './status-server.js';

const API_TOKEN = 'processor-test-token-42';
const SECRET = 'do-not-show-this-key';

// Six metrics a gather, `i` = 0 … 5.
const counting = defineInput({
  name: 'counting',
  description: 'metrics numbered from 0',
  sample: '',
  schema: { type: 'object', properties: {} },
  create: () => ({
    gather(acc) {
      for (let i = 0; i < 6; i++) acc.addFields('count', { i: BigInt(i) });
    },
  }),
});
const dropOdd = defineProcessor({
  name: 'drop_odd',
  description: 'drops metrics with an odd i',
  sample: '',
  schema: { type: 'object', properties: {} },
  create: () => ({ process: (item) => ((item as Metric).fields.i as bigint) % 2n === 1n ? null : item }),
});
const fussy = defineProcessor<{ key: string }>({
  name: 'fussy',
  description: 'fails on i = 4, naming its secret key',
  sample: '',
  schema: { type: 'object', properties: { key: { type: 'string', default: '', secret: true } } },
  create: (ctx) => ({
    process(item) {
      if ((item as Metric).fields.i === 4n) throw new Error(`cannot sign with ${ctx.options.key}`);
      return item;
    },
  }),
});
const slow = defineProcessor({
  name: 'slow',
  description: 'takes at least 1 ms per item',
  sample: '',
  schema: { type: 'object', properties: {} },
  create: () => ({
    process(item) {
      const until = performance.now() + 1;
      while (performance.now() < until);
      return item;
    },
  }),
});
const written: Metric[] = [];
const keep = defineOutput({
  name: 'keep',
  description: 'keeps what it is given',
  sample: '',
  accepts: ['metric'],
  schema: { type: 'object', properties: {} },
  create: () => ({
    write(batch) {
      written.push(...(batch as Metric[]));
    },
  }),
});

const registry = new Registry();
for (const def of [counting, dropOdd, fussy, slow, keep]) registry.add(def, 'test');

let dir: string;
let env: AgentEnvironment;
let current: CurrentAgent | undefined;
let server: StatusServer | undefined;
let url: string;

/** Starts an agent with the counting input, `processors` and the keep output, and its status API on loopback. */
async function startAgent(processors: string): Promise<void> {
  written.length = 0;
  dir = mkdtempSync(join(tmpdir(), 'vigil-processors-'));
  const path = join(dir, 'vigil.toml');
  writeFileSync(
    path,
    `[agent]
  interval = "1h"
  flush_interval = "1h"
  logfile = "${dir}/vigil.log"
[api]
  listen = "127.0.0.1:0"
  token = "${API_TOKEN}"
[[inputs.counting]]
${processors}
[[outputs.keep]]
`,
  );
  const config = await loadConfig(await readSources([path]), registry);
  env = createEnvironment(config.agent);
  const agent = new Agent(config, env);
  current = new CurrentAgent(agent, env);
  server = new StatusServer({ listen: config.api.listen, token: config.api.token, view: current });
  url = await server.start();
  await agent.start({ schedule: false });
  current.phase = 'running';
}

async function get(path: string) {
  const res = await fetch(url + path, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  return { status: res.status, body: await res.text() };
}

afterEach(async () => {
  await server?.close();
  await current?.agent.stop();
  server = current = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('processor counters in the status API', () => {
  beforeEach(() =>
    startAgent(`[[processors.drop_odd]]
  order = 1
[[processors.fussy]]
  order = 2
  alias = "signer"
  key = "${SECRET}"`),
  );

  it('counts per processor the items in, out, dropped and failed, with the time spent, in pipeline order', async () => {
    await current!.agent.gatherOnce();
    await current!.agent.gatherOnce();
    await current!.agent.flushNow();
    // Of 0 … 5 twice, 0, 2 and 4 pass drop_odd; 4 fails in fussy: 0 and 2 twice arrive.
    expect(written.map((m) => m.fields.i)).toEqual([0n, 2n, 0n, 2n]);

    const status = JSON.parse((await get('/.well-known/engine-status')).body);
    expect(status.processors).toEqual([
      { id: 'processors.drop_odd', plugin: 'processors.drop_odd', alias: null, received: 12, emitted: 6, dropped: 6, errors: 0, processSecondsTotal: expect.any(Number), lastError: null, lastErrorAt: null },
      {
        id: 'processors.fussy:signer',
        plugin: 'processors.fussy',
        alias: 'signer',
        received: 6,
        emitted: 4,
        dropped: 2,
        errors: 2,
        processSecondsTotal: expect.any(Number),
        lastError: 'cannot sign with ***',
        lastErrorAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    for (const p of status.processors) expect(p.processSecondsTotal).toBeGreaterThan(0);

    // What inputs.internal and the heartbeat read.
    expect(env.stats.snapshot().processors).toEqual({
      drop_odd: [{ alias: '', metrics_received: 12, metrics_emitted: 6, metrics_dropped: 6, errors: 0, process_time_ns: expect.any(Number) }],
      fussy: [{ alias: 'signer', metrics_received: 6, metrics_emitted: 4, metrics_dropped: 2, errors: 2, process_time_ns: expect.any(Number) }],
    });
  });

  it('logs a failing processor once for a run of the same error, and never its secret', async () => {
    await current!.agent.gatherOnce();
    await current!.agent.gatherOnce();
    const { entries } = JSON.parse((await get('/logs?level=error')).body) as { entries: { source: string; message: string }[] };
    expect(entries.map((e) => e.message)).toEqual(['processing an item failed, the item is dropped: cannot sign with ***']);
    expect(JSON.stringify(entries)).not.toContain(SECRET);
  });

  it('serves the processor counters as Prometheus text that promtool accepts', async () => {
    await current!.agent.gatherOnce();
    const { status, body } = await get('/metrics');
    expect(status).toBe(200);
    const lines = body.split('\n');
    expect(lines).toContain('vigil_processor_metrics_received_total{id="processors.drop_odd",plugin="processors.drop_odd",alias=""} 6');
    expect(lines).toContain('vigil_processor_metrics_emitted_total{id="processors.drop_odd",plugin="processors.drop_odd",alias=""} 3');
    expect(lines).toContain('vigil_processor_metrics_dropped_total{id="processors.fussy:signer",plugin="processors.fussy",alias="signer"} 1');
    expect(lines).toContain('vigil_processor_errors_total{id="processors.fussy:signer",plugin="processors.fussy",alias="signer"} 1');
    expect(lines).toContain('# TYPE vigil_processor_process_time_seconds_total counter');
    const check = spawnSync(requireTool('promtool', 'prometheus'), ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect({ code: check.status, problems: check.stdout + check.stderr }).toEqual({ code: 0, problems: '' });
  });
});

describe('processor time and selector drops', () => {
  it('estimates the time from one item in 16, and counts items its selectors emptied as dropped', async () => {
    await startAgent(`[[processors.slow]]
  order = 1
[[processors.drop_odd]]
  order = 2
  fieldexclude = ["i"]`);
    for (let i = 0; i < 6; i++) await current!.agent.gatherOnce();
    await current!.agent.flushNow();
    expect(written).toEqual([]);
    const [slowStatus, emptied] = JSON.parse((await get('/.well-known/engine-status')).body).processors;
    // 36 items of at least 1 ms; items 1, 17 and 33 are timed, each counted 16 times.
    expect(slowStatus).toMatchObject({ id: 'processors.slow', received: 36, emitted: 36, dropped: 0, errors: 0 });
    expect(slowStatus.processSecondsTotal).toBeGreaterThanOrEqual(3 * 16 * 0.001);
    // fieldexclude leaves no field, so process() never sees them.
    expect(emptied).toMatchObject({ id: 'processors.drop_odd', received: 36, emitted: 0, dropped: 36, errors: 0 });
  });
});
