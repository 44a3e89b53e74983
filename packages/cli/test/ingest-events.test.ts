// The edge contract's events from real inputs through the real CLI: inputs.updates with a fake
// apt-get on PATH, inputs.http against a service that goes down and comes back, a backup
// failure in a log file claimed by a rule; and the policy shown by the status API.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@vigil/core/testing';
import { TestGateway, type ReceivedEvent } from '../../../plugins/outputs-ingest/src/test-gateway.js';
import { killLeftovers, startCli, waitFor } from './cli-process.js';

const APT_SIMULATION = `Inst libssl3 [3.0.11-1~deb12u1] (3.0.11-1~deb12u2 Debian-Security:12/stable-security [amd64])
Inst curl [7.88.1-10+deb12u4] (7.88.1-10+deb12u5 Debian:12.5/stable [amd64])
`;

let dir: string;
let gateway: TestGateway;
let service: Server;
let serviceStatus = 200;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-ingest-events-'));
  gateway = await new TestGateway().start();
  gateway.policy = { heartbeatIntervalSeconds: 3600, tlsWarnDays: 21, escalation: { after: '15m' } };
  serviceStatus = 200;
  service = createServer((_, res) => res.writeHead(serviceStatus).end());
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
});
afterEach(async () => {
  killLeftovers();
  await gateway.stop();
  await new Promise((resolve) => service.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const ofType = (type: string) => gateway.events.filter((e) => e.type === type);
const state = (e: ReceivedEvent) => (e.data as { state?: string }).state;

it('sends PatchCompliance, BackupFailure and ServiceDegraded (with its recovery) from real inputs, and shows the policy in the status API', async () => {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'apt.out'), APT_SIMULATION);
  writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\n/bin/cat "${bin}/apt.out"\n`);
  chmodSync(join(bin, 'apt-get'), 0o755);
  const log = join(dir, 'backup.log');
  writeFileSync(log, '');
  const apiPort = await freePort();
  const config = join(dir, 'vigil.toml');
  writeFileSync(
    config,
    `[agent]
  interval = "300ms"
  flush_interval = "100ms"
  buffer_directory = "${join(dir, 'buffers')}"
[api]
  listen = "127.0.0.1:${apiPort}"
[[inputs.updates]]
  reboot_required_file = "${join(dir, 'no-reboot')}"
[[inputs.http]]
  name = "shop"
  url = "http://127.0.0.1:${(service.address() as AddressInfo).port}/health"
[[inputs.logs]]
  files = ["${log}"]
[[outputs.ingest]]
  api_url = "${gateway.url}"
  token = "${gateway.token}"
  workspace_id = "${gateway.workspace}"
  send_unmatched = false
  [[outputs.ingest.events]]
    type = "BackupFailure"
    when = 'kind == "log" && level == "error" && message.contains("backup")'
    severity = "critical"
`,
  );
  const agent = startCli(['run', '--config', config], { env: { PATH: `${bin}:${process.env.PATH}` } });
  await waitFor(agent.out, () => ofType('PatchCompliance').length === 1 && gateway.events.some((e) => e.type === 'HostHeartbeat'), 60_000);

  serviceStatus = 503;
  appendFileSync(log, 'ERROR nightly backup of /srv failed: no space left on device\n');
  await waitFor(agent.out, () => ofType('ServiceDegraded').length === 1 && ofType('BackupFailure').length === 1, 60_000);
  serviceStatus = 200;
  await waitFor(agent.out, () => ofType('ServiceDegraded').length === 2, 60_000);

  const status = await (await fetch(`http://127.0.0.1:${apiPort}/.well-known/engine-status`)).json();
  agent.child.kill('SIGTERM');
  await agent.done;

  expect(ofType('PatchCompliance')[0]).toMatchObject({ severity: 'warning', data: { manager: 'apt', pendingUpdates: 2, securityUpdates: 1, rebootRequired: false, compliant: false } });
  expect(ofType('BackupFailure')[0]).toMatchObject({ severity: 'critical', source: { plugin: 'inputs.logs' }, data: { message: 'ERROR nightly backup of /srv failed: no space left on device' } });
  const [down, up] = ofType('ServiceDegraded');
  expect([state(down), state(up)]).toEqual(['degraded', 'recovered']);
  expect(down).toMatchObject({ severity: 'error', source: { plugin: 'inputs.http' }, data: { service: 'shop', condition: 'down', statusCode: 503 } });
  expect(up.correlationId).toBe(down.id);
  // Every sample of the check after the first is unmatched and left out: only the changes went.
  expect(ofType('Metric')).toEqual([]);
  // Those samples were never sent: the status counts them as filtered, not written.
  const ingest = status.outputs.find((o: { plugin: string }) => o.plugin === 'outputs.ingest');
  expect(ingest.filtered).toBeGreaterThan(0);
  expect(ingest.written + ingest.filtered + ingest.buffer.items).toBe(ingest.added);
  expect(ingest.written).toBeGreaterThanOrEqual(ofType('PatchCompliance').length + ofType('BackupFailure').length + ofType('ServiceDegraded').length);
  expect(status.policy['outputs.ingest']).toMatchObject({
    enrollment: { mode: 'token', ingestUrl: `${gateway.url}/api/v1/events/ingest` },
    document: { heartbeatIntervalSeconds: 3600, tlsWarnDays: 21, escalation: { after: '15m' } },
    applied: { heartbeat_interval: '1h', tls_warn_days: 21 },
  });
  expect(JSON.stringify(status)).not.toContain(gateway.token);
});
