import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { requireTool } from '@vigil/core/testing';
import { CLI, killLeftovers, REPO, runCli, startCli, waitFor } from './cli-process.js';

// The real CLI with the status API on a free loopback port, one output that always gets 503,
// one that can be made to hang (to catch a reload half-way), and one healthy file output.
const API_TOKEN = 'api-token-7f3a9c0e51';
const HEADER_SECRET = 'header-secret-4d2b8e';
const URL_PASSWORD = 'url-pass-6c1f0a';
const SECRETS = [API_TOKEN, HEADER_SECRET, URL_PASSWORD];
const VERSION = JSON.parse(readFileSync(join(REPO, 'packages/core/package.json'), 'utf8')).version as string;
/** Screenshots of the status page are kept here, for a person to look at after a run. */
const ARTIFACTS = join(tmpdir(), 'vigil-test-artifacts');

const dir = mkdtempSync(join(tmpdir(), 'vigil-status-api-'));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/** Resolves once `check` returns something truthy; rejects with what it saw last after `ms`. */
async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** /broken always answers 503 (echoing the secret header, as a careless proxy might); /slow answers 200, or holds requests while `holding`. */
class Destination {
  readonly server: Server;
  holding = false;
  readonly held: ServerResponse[] = [];
  brokenRequests = 0;

  constructor() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/broken') {
          this.brokenRequests++;
          res.writeHead(503, { 'content-type': 'text/plain' }).end(`unavailable for key ${req.headers['x-api-key']}`);
        } else if (this.holding) this.held.push(res);
        else res.writeHead(204).end();
      });
    });
  }

  release(): void {
    this.holding = false;
    for (const res of this.held.splice(0)) res.writeHead(204).end();
  }
}

function configText(apiPort: number, destPort: number, extra = ''): string {
  return `[agent]
  interval = "1s"
  flush_interval = "1s"
  shutdown_timeout = "2s"
[api]
  listen = "127.0.0.1:${apiPort}"
  token = "\${VIGIL_API_TOKEN}"
[[inputs.internal]]
[[outputs.file]]
  alias = "local"
  files = ["${dir}/internal.out"]
[[outputs.http]]
  alias = "broken"
  url = "http://vigil:${URL_PASSWORD}@127.0.0.1:${destPort}/broken"
  timeout = "2s"
  headers = { X-Api-Key = "${HEADER_SECRET}" }
[[outputs.http]]
  alias = "slow"
  url = "http://127.0.0.1:${destPort}/slow"
  timeout = "30s"
${extra}`;
}

interface OutputDoc {
  id: string;
  state: string;
  written: number;
  consecutiveFailures: number;
  lastError: string | null;
  [k: string]: unknown;
}

describe('the status API of a running vigil', () => {
  const destination = new Destination();
  const answers: string[] = [];
  let url: string;
  let configPath: string;
  let apiPort: number;
  let destPort: number;
  let agent: ReturnType<typeof startCli>;
  let browser: Browser | undefined;
  const tmuxSocket = `vigil-top-test-${process.pid}`;

  async function get(path: string, token: string | null = API_TOKEN) {
    const res = await fetch(url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const body = await res.text();
    answers.push(body);
    return { status: res.status, body, headers: res.headers, json: () => JSON.parse(body) };
  }
  const status = async () => (await get('/.well-known/engine-status')).json();
  const output = (doc: { outputs: OutputDoc[] }, id: string) => doc.outputs.find((o) => o.id === id)!;
  const tmux = (...args: string[]) => spawnSync(requireTool('tmux', 'tmux'), ['-L', tmuxSocket, ...args], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm-256color' } });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await new Promise<void>((resolve) => destination.server.listen(0, '127.0.0.1', resolve));
    destPort = (destination.server.address() as AddressInfo).port;
    apiPort = await freePort();
    configPath = join(dir, 'vigil.toml');
    writeFileSync(configPath, configText(apiPort, destPort));
    agent = startCli(['--config', configPath], { env: { VIGIL_API_TOKEN: API_TOKEN } });
    await waitFor(agent.out, (o) => /status API listening on http:\/\/127\.0\.0\.1:\d+/.test(o.stderr));
    url = /status API listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(agent.out.stderr)![1];
    // The output the 503s fail shows as failing after 3 tries; the file output has written.
    await until('outputs.http:broken failing', async () => {
      const doc = await status();
      return output(doc, 'outputs.http:broken').state === 'failing' && output(doc, 'outputs.file:local').written > 0;
    });
  });

  afterAll(async () => {
    tmux('kill-server');
    await browser?.close();
    destination.release();
    if (agent && agent.child.exitCode === null) {
      agent.child.kill('SIGTERM');
      await agent.done;
    }
    destination.server.closeAllConnections();
    destination.server.close();
    killLeftovers();
  });

  it('refuses at load an [api] other hosts can reach without a token, in one line', async () => {
    const bad = join(dir, 'open.toml');
    writeFileSync(bad, '[api]\n  listen = "0.0.0.0:8686"\n[[inputs.internal]]\n');
    const { code, stderr } = await runCli(['validate', '--config', bad]);
    expect({ code, lines: stderr.trim().split('\n') }).toEqual({
      code: 1,
      lines: [`${bad}:2: api: option "listen" = "0.0.0.0:8686" is reachable from other hosts, so "token" must be set (token = "\${VIGIL_API_TOKEN}"), or listen on 127.0.0.1`],
    });
  });

  it('listens where [api] says, answers /health to anyone and everything else only with the token', async () => {
    expect(url).toBe(`http://127.0.0.1:${apiPort}`);
    expect((await get('/health', null)).status).toBe(200);
    for (const path of ['/ready', '/.well-known/engine-status', '/metrics', '/history', '/logs']) {
      expect({ path, status: (await get(path, null)).status }).toEqual({ path, status: 401 });
      expect({ path, status: (await get(path, 'wrong-token')).status }).toEqual({ path, status: 401 });
    }
  });

  it('reports the 503 output failing, the file output ok, and what each has done', async () => {
    const doc = await status();
    expect(doc).toMatchObject({ status: 'failing', state: 'running', version: VERSION, configs: [configPath], policy: {} });
    expect(doc.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(doc.startedAt)).toBeLessThanOrEqual(Date.now());
    expect(doc.inputs).toEqual([expect.objectContaining({ id: 'inputs.internal', plugin: 'inputs.internal', alias: null, state: 'ok', errors: 0, lastError: null })]);
    expect(doc.inputs[0].gathered).toBeGreaterThan(0);

    const broken = output(doc, 'outputs.http:broken');
    expect(broken).toMatchObject({ plugin: 'outputs.http', alias: 'broken', state: 'failing', written: 0, lastSuccessAt: null, buffer: { strategy: 'memory', limit: 10000 } });
    expect(broken.consecutiveFailures).toBeGreaterThanOrEqual(3);
    expect(broken.lastError).toContain('503');
    expect(broken.reasons).toEqual([expect.stringMatching(/^\d+ tries in a row failed; last: /)]);
    expect((broken.buffer as { items: number }).items).toBeGreaterThan(0);
    expect(destination.brokenRequests).toBeGreaterThanOrEqual(broken.consecutiveFailures);

    const local = output(doc, 'outputs.file:local');
    expect(local).toMatchObject({ plugin: 'outputs.file', alias: 'local', state: 'ok', consecutiveFailures: 0, lastError: null });
    expect(Date.parse(local.lastSuccessAt as string)).toBeGreaterThan(Date.parse(doc.startedAt));
  });

  it('is not ready while an output fails, and says which', async () => {
    const ready = await get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.json()).toMatchObject({ ready: false, status: 'failing', state: 'running', reasons: [expect.stringMatching(/^outputs\.http:broken: \d+ tries in a row failed/)] });
  });

  it('serves every counter as Prometheus text that promtool accepts', async () => {
    const { body, headers } = await get('/metrics');
    expect(headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const check = spawnSync(requireTool('promtool', 'prometheus'), ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect({ code: check.status, out: check.stdout + check.stderr }).toEqual({ code: 0, out: '' });
    const labels = (id: string, plugin: string, alias: string) => `{id="${id}",plugin="${plugin}",alias="${alias}"}`;
    const broken = labels('outputs.http:broken', 'outputs.http', 'broken');
    expect(body).toContain(`vigil_output_state${broken.slice(0, -1)},state="failing"} 1`);
    expect(body).toContain(`vigil_output_metrics_written_total${broken} 0`);
    expect(body).toMatch(new RegExp(`^vigil_output_metrics_written_total\\{id="outputs.file:local".*\\} [1-9]\\d*$`, 'm'));
    expect(body).toMatch(/^vigil_input_metrics_gathered_total\{id="inputs.internal",plugin="inputs.internal",alias=""\} [1-9]\d*$/m);
    for (const name of ['vigil_output_buffer_bytes', 'vigil_process_resident_memory_bytes', 'vigil_output_write_time_seconds_total', 'vigil_agent_uptime_seconds']) {
      expect(body).toMatch(new RegExp(`^# TYPE ${name} (counter|gauge)$`, 'm'));
    }
  });

  it("sends inputs.internal's measurements through the outputs like any metric", async () => {
    const lines = await until('internal_memstats in the file', async () => {
      const text = readFileSync(join(dir, 'internal.out'), 'utf8');
      return text.includes('internal_memstats') && text.includes('alias=broken') && text;
    });
    expect(lines).toMatch(/^internal_agent,host=\S+,node_version=[\d.]+,version=[\d.]+ .*metrics_gathered=\d+i/m);
    expect(lines).toMatch(/^internal_gather,host=\S+,input=internal,version=\S+ .*metrics_gathered=\d+i/m);
    expect(lines).toMatch(/^internal_write,alias=broken,host=\S+,output=http,version=\S+ .*errors=[1-9]\d*i/m);
    expect(lines).toMatch(/^internal_memstats,host=\S+ .*rss_bytes=[1-9]\d*i/m);
  });

  it('shows the status page in Chromium, after the token is given, with the failing output failing', async () => {
    browser = await chromium.launch({
      executablePath: requireTool('chromium', 'chromium'),
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1100, height: 1000 } });
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(`${url}/`);
    await page.locator('#login-form').waitFor();
    await page.fill('#token', API_TOKEN);
    await page.click('#login-form button[type=submit]');

    const broken = page.locator('[data-output-id="outputs.http:broken"]');
    await broken.locator('.state', { hasText: 'failing' }).waitFor();
    expect(await broken.getAttribute('data-state')).toBe('failing');
    expect(await page.locator('[data-output-id="outputs.file:local"]').getAttribute('data-state')).toBe('ok');
    expect(await page.locator('#status').textContent()).toBe('failing');
    // The second refresh has rates to show, and the log ring's errors of the failing output.
    await page.waitForFunction(() => !document.querySelector('[data-output-id="outputs.file:local"] .stat .value')?.textContent?.includes('…'));
    expect(await page.locator('#logs li', { hasText: 'broken' }).count()).toBeGreaterThan(0);
    expect(await broken.locator('svg.spark').count()).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, 'status-page.png'), fullPage: true });

    // On a phone nothing runs off the side.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'status-page-phone.png'), fullPage: true });

    // The token stays in this tab's session; a new browser context must sign in again.
    expect(await page.evaluate(() => [sessionStorage.getItem('vigil-api-token'), localStorage.length])).toEqual([API_TOKEN, 0]);
    const other = await (await browser.newContext()).newPage();
    await other.goto(`${url}/`);
    await other.locator('#login-form').waitFor();
    expect(await other.locator('#login').isVisible()).toBe(true);
    expect(requested.every((r) => r.startsWith(`${url}/`))).toBe(true);
  });

  it('vigil top shows one row per plugin in an 80-column tmux pane, with rates, and quits on q', async () => {
    const command = `env VIGIL_API_TOKEN=${API_TOKEN} ${process.execPath} ${CLI} top --config ${configPath}`;
    expect(tmux('new-session', '-d', '-s', 'top', '-x', '80', '-y', '24', command).status).toBe(0);
    const screen = await until('a second frame with rates', async () => {
      const shown = tmux('capture-pane', '-p', '-t', 'top').stdout;
      return /^outputs\.file:local\s+ok\s+\d+\.\d\s+\d+\.\d\s+0\s+\d+ \d+%\s*$/m.test(shown) && shown;
    });
    const lines = screen.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^vigil ${VERSION.replace(/\./g, '\\.')} on \\S+ · up \\d+m\\d+s · FAILING · running`));
    expect(screen).toMatch(/^PLUGIN\s+STATE\s+IN\/s\s+OUT\/s\s+ERRORS\s+BUFFER\s*$/m);
    expect(screen).toMatch(/^inputs\.internal\s+ok\s+\d+\.\d\s+-\s+0\s*$/m);
    expect(screen).toMatch(/^outputs\.http:broken\s+failing\s+\d+\.\d\s+0\.0\s+[1-9]\d*\s+\d+ \d+%\s*$/m);
    expect(screen).toMatch(/^outputs\.http:slow\s+ok\s/m);
    expect(screen).toContain(`q quit · http://127.0.0.1:${apiPort}`);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);

    expect(tmux('send-keys', '-t', 'top', 'q').status).toBe(0);
    await until('vigil top to exit', async () => tmux('has-session', '-t', 'top').status !== 0);
  });

  it('keeps answering across a reload, says "reloading" while it runs, then shows the new configuration', async () => {
    // A write held by the destination keeps the hand-over (and so the reload) under way.
    destination.holding = true;
    await until('a write to /slow to be held', async () => destination.held.length > 0);
    writeFileSync(configPath, configText(apiPort, destPort, `[[outputs.file]]\n  alias = "second"\n  files = ["${dir}/second.out"]\n`));
    agent.child.kill('SIGHUP');

    await until('state reloading', async () => (await status()).state === 'reloading');
    const ready = await get('/ready');
    expect({ status: ready.status, reasons: ready.json().reasons }).toEqual({ status: 503, reasons: expect.arrayContaining(['the configuration is being reloaded']) });
    expect((await get('/metrics')).body).toMatch(/^vigil_agent_reloading 1$/m);

    destination.release();
    const after = await until('the new configuration running', async () => {
      const doc = await status();
      return doc.state === 'running' && doc.outputs.some((o: OutputDoc) => o.id === 'outputs.file:second') && doc;
    });
    expect(after.outputs.map((o: OutputDoc) => o.id)).toEqual(['outputs.file:local', 'outputs.file:second', 'outputs.http:broken', 'outputs.http:slow']);
    // The destination is as down as before: the output that kept its buffer kept its failures too.
    expect(output(after, 'outputs.http:broken')).toMatchObject({ state: 'failing' });
    expect(output(after, 'outputs.http:broken').consecutiveFailures).toBeGreaterThanOrEqual(3);
    await waitFor(agent.out, (o) => o.stderr.includes('configuration reloaded'));
  });

  it('never shows a secret in any answer', async () => {
    for (const path of ['/', '/health', '/ready', '/.well-known/engine-status', '/metrics', '/history', '/logs?level=trace']) await get(path);
    const all = answers.join('\n');
    // The destination echoed the header secret into an error; it reached the answers blanked out.
    expect(all).toMatch(/unavailable for key \*\*\*/);
    for (const secret of SECRETS) expect({ secret, shown: all.includes(secret) }).toEqual({ secret, shown: false });
  });

  it('stops on SIGTERM with the API', async () => {
    agent.child.kill('SIGTERM');
    const { code } = await agent.done;
    expect(code).toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
