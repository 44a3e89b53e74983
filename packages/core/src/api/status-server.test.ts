import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineInput, defineOutput } from '../index.js';
import { Registry } from '../registry.js';
import { loadConfig } from '../config/load.js';
import { readSources } from '../config/sources.js';
import { Agent } from '../agent/agent.js';
import { createEnvironment, type AgentEnvironment } from '../agent/environment.js';
import { CurrentAgent } from './agent-view.js';
import { StatusServer } from './status-server.js';
import { StatusHistory } from './status-history.js';

const PASSWORD = 'hunter2-secret';
const URL_PASSWORD = 'url-pass-123';
const API_TOKEN = 'api-token-xyz-0123';

let refusing = false;
const ticker = defineInput<{ n: number }>({
  name: 'ticker',
  description: 'n metrics per gather',
  sample: '',
  schema: { type: 'object', properties: { n: { type: 'integer', default: 1 } } },
  create: (ctx) => ({
    gather(acc) {
      for (let i = 0; i < ctx.options.n; i++) acc.addFields('tick', { i: BigInt(i) });
    },
  }),
});
const target = defineOutput<{ url: string; password: string }>({
  name: 'target',
  description: 'refuses every write while `refusing`, naming its secrets in the error',
  sample: '',
  accepts: ['metric'],
  schema: {
    type: 'object',
    properties: { url: { type: 'string', default: '' }, password: { type: 'string', default: '', secret: true } },
  },
  create: (ctx) => ({
    write() {
      if (refusing) throw new Error(`${ctx.options.url} refused us (password ${ctx.options.password})`);
    },
  }),
});

const dir = mkdtempSync(join(tmpdir(), 'vigil-api-'));
const registry = new Registry();
registry.add(ticker, 'test');
registry.add(target, 'test');

async function agentFrom(name: string, text: string, env?: AgentEnvironment): Promise<{ agent: Agent; env: AgentEnvironment }> {
  const path = join(dir, name);
  writeFileSync(path, text);
  const config = await loadConfig(await readSources([path]), registry);
  env ??= createEnvironment(config.agent);
  return { agent: new Agent(config, env), env };
}

const CONFIG = `[agent]
  interval = "1h"
  flush_interval = "1h"
  logfile = "${dir}/vigil.log"
[api]
  listen = "127.0.0.1:0"
  token = "${API_TOKEN}"
[[inputs.ticker]]
[[outputs.target]]
  alias = "remote"
  url = "https://vigil:${URL_PASSWORD}@dest.invalid/write"
  password = "${PASSWORD}"
  metric_buffer_limit = 10
  metric_batch_size = 10
`;

describe('the status API', () => {
  let current: CurrentAgent;
  let server: StatusServer;
  let url: string;
  const answers: string[] = [];

  async function get(path: string, token: string | null = API_TOKEN, method = 'GET') {
    const res = await fetch(url + path, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
    const body = await res.text();
    answers.push(body);
    return { status: res.status, body, headers: res.headers, json: () => JSON.parse(body) };
  }
  const remote = async () => (await get('/.well-known/engine-status')).json().outputs[0];
  const gather = async (n: number) => {
    for (let i = 0; i < n; i++) await current.agent.gatherOnce();
  };

  beforeAll(async () => {
    const { agent, env } = await agentFrom('vigil.toml', CONFIG);
    current = new CurrentAgent(agent, env);
    server = new StatusServer({ listen: agent.config.api.listen, token: agent.config.api.token, view: current });
    url = await server.start();
    await agent.start({ schedule: false });
    current.phase = 'running';
  });

  afterAll(async () => {
    await server.close();
    await current.agent.stop();
  });

  it('answers /health and the page to anyone, and every other path only with the token', async () => {
    expect((await get('/health', null)).status).toBe(200);
    const page = await get('/', null);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    for (const path of ['/ready', '/.well-known/engine-status', '/metrics', '/history', '/logs']) {
      const missing = await get(path, null);
      expect({ path, status: missing.status, auth: missing.headers.get('www-authenticate') }).toEqual({ path, status: 401, auth: 'Bearer realm="vigil"' });
      expect({ path, status: (await get(path, `${API_TOKEN}x`)).status }).toEqual({ path, status: 401 });
      expect({ path, status: (await get(path)).status }).toEqual({ path, status: 200 });
    }
  });

  it('says 404 with the known paths, 405 to anything but GET and HEAD, and HEAD has no body', async () => {
    const missing = await get('/nope');
    expect(missing.status).toBe(404);
    expect(missing.json().paths).toContain('/.well-known/engine-status');
    expect((await get('/ready', API_TOKEN, 'POST')).status).toBe(405);
    const head = await get('/health', null, 'HEAD');
    expect({ status: head.status, body: head.body }).toEqual({ status: 200, body: '' });
  });

  it('shows an output ok, degraded after one failed write, failing after three, ok again once one is accepted', async () => {
    expect(await remote()).toMatchObject({ id: 'outputs.target:remote', plugin: 'outputs.target', alias: 'remote', state: 'ok', consecutiveFailures: 0, lastSuccessAt: null, lastError: null });

    refusing = true;
    await gather(1);
    await current.agent.flushNow();
    const degraded = await remote();
    expect(degraded).toMatchObject({ state: 'degraded', consecutiveFailures: 1, written: 0, errors: 1 });
    expect(degraded.retryAt).not.toBeNull();
    expect(degraded.lastError).toBe('write of 1 items failed: https://vigil:***@dest.invalid/write refused us (password ***)');
    expect((await get('/ready')).status).toBe(200);

    await current.agent.flushNow();
    await current.agent.flushNow();
    expect(await remote()).toMatchObject({ state: 'failing', consecutiveFailures: 3 });
    const notReady = await get('/ready');
    expect(notReady.status).toBe(503);
    expect(notReady.json()).toEqual({
      ready: false,
      status: 'failing',
      state: 'running',
      reasons: ['outputs.target:remote: 3 tries in a row failed; last: write of 1 items failed: https://vigil:***@dest.invalid/write refused us (password ***)'],
    });

    refusing = false;
    const before = Date.now();
    await current.agent.flushNow();
    const ok = await remote();
    expect(ok).toMatchObject({ state: 'ok', consecutiveFailures: 0, written: 1, retryAt: null, reasons: [] });
    expect(Date.parse(ok.lastSuccessAt)).toBeGreaterThanOrEqual(before - 5);
    expect((await get('/ready')).json()).toEqual({ ready: true, status: 'ok', state: 'running', reasons: [] });
  });

  it('shows an output degraded at half its buffer and failing at nine tenths', async () => {
    await gather(5);
    expect(await remote()).toMatchObject({ state: 'degraded', consecutiveFailures: 0, reasons: ['buffer 50% full (5 of 10 items)'], buffer: { strategy: 'memory', items: 5, limit: 10, fill: 0.5 } });
    await gather(4);
    expect(await remote()).toMatchObject({ state: 'failing', reasons: ['buffer 90% full (9 of 10 items)'] });
    await current.agent.flushNow();
    expect(await remote()).toMatchObject({ state: 'ok', buffer: { items: 0, fill: 0 } });
  });

  it('reports the agent reloading, and the next configuration once the view moves on', async () => {
    current.phase = 'reloading';
    const ready = await get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.json().reasons).toContain('the configuration is being reloaded');
    expect((await get('/.well-known/engine-status')).json().state).toBe('reloading');
    expect((await get('/metrics')).body).toMatch(/^vigil_agent_reloading 1$/m);

    const old = current.agent;
    const { agent: next } = await agentFrom('next.toml', CONFIG.replace('alias = "remote"', 'alias = "renamed"'), current.env);
    await old.handOverTo(next);
    current.agent = next;
    await next.start({ schedule: false });
    current.phase = 'running';
    const doc = (await get('/.well-known/engine-status')).json();
    expect({ state: doc.state, outputs: doc.outputs.map((o: { id: string }) => o.id) }).toEqual({ state: 'running', outputs: ['outputs.target:renamed'] });
  });

  it('never shows a secret in any answer', async () => {
    refusing = true;
    await gather(1);
    await current.agent.flushNow();
    refusing = false;
    for (const path of ['/', '/health', '/ready', '/.well-known/engine-status', '/metrics', '/history', '/logs?level=trace']) await get(path);
    const all = answers.join('\n');
    expect(all).toContain('***');
    for (const secret of [PASSWORD, URL_PASSWORD, API_TOKEN]) expect({ secret, shown: all.includes(secret) }).toEqual({ secret, shown: false });
  });
});

describe('the status history', () => {
  it('keeps, per output, the items written in each interval and the buffer fill at its end', async () => {
    refusing = false;
    const { agent, env } = await agentFrom('history.toml', CONFIG);
    const view = new CurrentAgent(agent, env);
    const history = new StatusHistory(view, 10_000, 3);
    await agent.start({ schedule: false });
    history.sample();
    for (let i = 0; i < 4; i++) await agent.gatherOnce();
    await agent.flushNow();
    history.sample();
    refusing = true;
    for (let i = 0; i < 2; i++) await agent.gatherOnce();
    await agent.flushNow();
    history.sample();
    history.sample();
    refusing = false;
    // Three points kept, then the interval under way.
    expect(history.answer().outputs).toEqual({ 'outputs.target:remote': { written: [4, 0, 0, 0], fill: [0, 0.2, 0.2, 0.2] } });
    await agent.stop();
  });
});
