// outputs.ingest's commands and the platform contract through the real CLI: `vigil ingest
// --print`, `vigil check-connection`, config mistakes, and the platform agent's routes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestGateway } from '../../../plugins/outputs-ingest/src/test-gateway.js';
import { killLeftovers, runCli, startCli, waitFor } from './cli-process.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let dir: string;
let gateway: TestGateway;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-ingest-cmd-'));
  gateway = await new TestGateway().start();
});
afterEach(async () => {
  killLeftovers();
  await gateway.stop();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(text: string): string {
  const config = join(dir, 'vigil.toml');
  writeFileSync(config, text);
  return config;
}

const edgeOutput = (token: string) => `[[outputs.ingest]]
  api_url = "${gateway.url}"
  token = "${token}"
  workspace_id = "${gateway.workspace}"
`;

describe('vigil ingest --print', () => {
  it('prints the envelope one gather would make, a HostHeartbeat first, and sends nothing', async () => {
    const config = writeConfig(`[agent]\n  hostname = "edge-01"\n[[inputs.system]]\n  collect = ["mem"]\n${edgeOutput(gateway.token)}`);
    const { code, stdout, stderr } = await runCli(['ingest', '--print', '--config', config]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const envelope = JSON.parse(lines[0]);
    expect(Object.keys(envelope)).toEqual(['batchId', 'agent', 'sentAt', 'events']);
    expect(envelope.batchId).toMatch(UUID);
    expect(envelope.agent).toEqual({ id: expect.stringMatching(UUID), hostname: 'edge-01', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(envelope.events.map((e: { type: string }) => e.type)).toEqual(['HostHeartbeat', 'Metric']);
    expect(envelope.events[1]).toMatchObject({ source: { plugin: 'inputs.system', host: 'edge-01' }, data: { name: 'mem', fields: { total: expect.any(Number) } } });
    expect(stdout).not.toContain(gateway.token);
    expect(gateway.requests).toHaveLength(0);
  });
});

describe('vigil check-connection with outputs.ingest', () => {
  it('passes with the enrollment and policy GETs and sends no data', async () => {
    const config = writeConfig(edgeOutput(gateway.token));
    const { code, stdout } = await runCli(['check-connection', '--config', config]);
    expect(stdout).toMatch(/outputs\.ingest\s+ok\s+enrollment mode "token" and policy fetched; events go to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/events\/ingest/);
    expect(code).toBe(0);
    expect(gateway.gets).toEqual(['/api/v1/edge-agent/enrollment', '/api/v1/edge-agent/policy']);
    expect(gateway.requests).toHaveLength(0);
  });

  it('fails with a token the gateway refuses, naming the route and never the token', async () => {
    const config = writeConfig(edgeOutput('a-token-that-is-not-right'));
    const { code, stdout } = await runCli(['check-connection', '--config', config]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/outputs\.ingest\s+failed\s+enrollment http:\/\/127\.0\.0\.1:\d+\/api\/v1\/edge-agent\/enrollment: token rejected \(401\)/);
    expect(stdout).not.toContain('a-token-that-is-not-right');
  });
});

describe('outputs.ingest config mistakes', () => {
  it('reports each with its file, line and option', async () => {
    const config = writeConfig(`[[outputs.ingest]]
  api_url = "http://anchor.example.com"
  token = "secret-token-value"
  workspace_id = "w"
  [[outputs.ingest.events]]
    type = "BackupFailure"
    when = 'message.contains('
[[outputs.ingest]]
  api_url = "https://anchor.example.com"
  contract = "edge"
`);
    const { code, stderr } = await runCli(['validate', '--config', config]);
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `${config}:2: outputs.ingest: option "api_url": "http://anchor.example.com" must be https:// (plain http is allowed to a loopback host only)`,
        expect.stringMatching(new RegExp(`^${config}:7: outputs.ingest: events\\[0\\] \\(BackupFailure\\): "when" does not compile: `)),
        expect.stringMatching(new RegExp(`^${config}:8: outputs.ingest(#2)?: option "token" is required`)),
        expect.stringMatching(new RegExp(`^${config}:8: outputs.ingest(#2)?: option "workspace_id" is required with contract "edge"`)),
      ]),
    );
    expect(lines).toHaveLength(4);
    expect(stderr).not.toContain('secret-token-value');
  });
});

describe('outputs.ingest, platform contract', () => {
  let service: Server;
  afterEach(async () => new Promise((resolve) => service.close(resolve)));

  it('sends each plugin\'s items to its route, and heartbeats to the log source', async () => {
    service = createServer((_, res) => res.writeHead(200).end('ok'));
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    const log = join(dir, 'app.log');
    writeFileSync(log, 'first line\nsecond line\n');
    const config = writeConfig(`[agent]
  interval = "1s"
  flush_interval = "200ms"
  buffer_directory = "${join(dir, 'buffers')}"
[[inputs.system]]
  collect = ["mem"]
[[inputs.http]]
  name = "shop"
  url = "http://127.0.0.1:${(service.address() as AddressInfo).port}/"
[[inputs.logs]]
  files = ["${log}"]
  initial_read_offset = "beginning"
[[outputs.ingest]]
  contract = "platform"
  api_url = "${gateway.url}/api"
  token = "${gateway.token}"
  log_source_id = "5b1c9f7e-0d2a-4c55-8e1f-6a7b8c9d0e1f"
  heartbeat_interval = "1s"
`);
    const agent = startCli(['run', '--config', config]);
    const got = (path: string) => gateway.documents.get(path) ?? [];
    const routes = ['/api/core/agent/metrics/', '/api/core/agent/http-checks/', '/api/logs/ingest/', '/api/agent/log-sources/5b1c9f7e-0d2a-4c55-8e1f-6a7b8c9d0e1f/heartbeat/'];
    await waitFor(agent.out, () => routes.every((r) => got(r).length > 0) && got('/api/logs/ingest/').flatMap((d) => d.logs as unknown[]).length === 2, 60_000);
    agent.child.kill('SIGTERM');
    await agent.done;

    const items = (path: string, key: string) => got(path).flatMap((d) => d[key] as { name?: string; message?: string }[]);
    expect(new Set(items('/api/core/agent/metrics/', 'metrics').map((m) => m.name))).toEqual(new Set(['mem']));
    expect(new Set(items('/api/core/agent/http-checks/', 'checks').map((m) => m.name))).toEqual(new Set(['http_response']));
    expect(items('/api/core/agent/http-checks/', 'checks')[0]).toMatchObject({ tags: { name: 'shop', result: 'success' }, fields: { up: 1 } });
    expect(items('/api/logs/ingest/', 'logs').map((l) => l.message)).toEqual(['first line', 'second line']);
    expect(got('/api/core/agent/docker-metrics/')).toEqual([]);
    expect(got(routes[3])[0]).toMatchObject({ status: 'online', agent: { id: expect.stringMatching(UUID) }, host: { hostname: expect.any(String) } });
    for (const route of routes.slice(0, 3)) expect(got(route)[0]).toMatchObject({ logSourceId: '5b1c9f7e-0d2a-4c55-8e1f-6a7b8c9d0e1f', sentAt: expect.any(String) });
  });

  it('check-connection verifies the log source, and fails on one the API does not know', async () => {
    const source = '5b1c9f7e-0d2a-4c55-8e1f-6a7b8c9d0e1f';
    gateway.logSources.add(source);
    const platform = (id: string) => `[[outputs.ingest]]\n  contract = "platform"\n  api_url = "${gateway.url}"\n  token = "${gateway.token}"\n  log_source_id = "${id}"\n`;
    service = createServer();
    const good = await runCli(['check-connection', '--config', writeConfig(platform(source))]);
    expect(good.stdout).toMatch(new RegExp(`outputs\\.ingest\\s+ok\\s+log source ${source} verified`));
    expect(good.code).toBe(0);
    const bad = await runCli(['check-connection', '--config', writeConfig(platform('0e0e0e0e-0000-4000-8000-000000000000'))]);
    expect(bad.stdout).toMatch(/outputs\.ingest\s+failed\s+http:\/\/127\.0\.0\.1:\d+\/api\/agent\/log-sources\/0e0e0e0e-0000-4000-8000-000000000000\/: HTTP 404/);
    expect(bad.code).toBe(1);
    expect(gateway.documents.size).toBe(0);
  });
});

describe('the examples', () => {
  it('examples/edge-agent.toml and examples/platform-agent.toml check out against the APIs they are for', async () => {
    const source = '5b1c9f7e-0d2a-4c55-8e1f-6a7b8c9d0e1f';
    gateway.logSources.add(source);
    const env = {
      EDGE_API_URL: gateway.url,
      EDGE_ENROLLMENT_TOKEN: gateway.token,
      WORKSPACE_ID: gateway.workspace,
      PLATFORM_API_URL: `${gateway.url}/api`,
      PLATFORM_API_TOKEN: gateway.token,
      PLATFORM_LOG_SOURCE_ID: source,
    };
    const edge = await runCli(['check-connection', '--config', 'examples/edge-agent.toml'], { env });
    expect(edge.stdout).toMatch(/outputs\.ingest\s+ok\s+enrollment mode "token" and policy fetched/);
    expect(edge.code).toBe(0);
    const platform = await runCli(['check-connection', '--config', 'examples/platform-agent.toml'], { env });
    expect(platform.stdout).toMatch(new RegExp(`outputs\\.ingest\\s+ok\\s+log source ${source} verified`));
    expect(platform.code).toBe(0);
    expect(edge.stdout + platform.stdout).not.toContain(gateway.token);
  });
});
