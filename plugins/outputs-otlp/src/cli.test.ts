import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearOtelEnv, closeAll, logRecordsOf, metricsOf, track } from './test-helpers.js';
import { GrpcReceiver } from './test-receiver.js';

const CLI = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../../examples/telemetryflow.toml', import.meta.url));

let dir: string;
beforeAll(() => {
  clearOtelEnv();
  dir = mkdtempSync(join(tmpdir(), 'vigil-otlp-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(closeAll);

function vigil(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

describe('outputs.otlp through the vigil CLI', () => {
  it('`vigil validate` accepts examples/telemetryflow.toml', async () => {
    const { code, stdout } = await vigil(['validate', '--config', EXAMPLE]).done;
    expect(stdout).toContain('✓ outputs: outputs.otlp, outputs.heartbeat');
    expect(code).toBe(0);
  });

  it('a running agent exports its metrics and its own log entries over gRPC, with the headers, and none of their values in its log', async () => {
    const receiver = track(await GrpcReceiver.start());
    const config = join(dir, 'vigil.toml');
    writeFileSync(
      config,
      `[agent]
  interval = "1s"
  flush_interval = "1s"
  round_interval = false
  hostname = "web-01"
[[inputs.system]]
  collect = ["mem"]
[[outputs.otlp]]
  endpoint = "${receiver.address}"
  protocol = "grpc"
  headers = { "X-TelemetryFlow-Key-Secret" = "\${TFO_SECRET}" }
  include_agent_logs = true
`,
    );
    const run = vigil(['--config', config], { TFO_SECRET: 'tfs_cli-secret-99' });
    await receiver.until(() => receiver.of('metrics').length > 0 && receiver.of('logs').length > 0);
    run.child.kill('SIGTERM');
    const { code, stderr } = await run.done;
    expect(code).toBe(0);

    const metrics = metricsOf(receiver.of('metrics')[0].request);
    expect(metrics.find((m) => m.name === 'mem_total')).toMatchObject({ kind: 'gauge', resource: { 'host.name': 'web-01', 'service.name': 'vigil' } });
    expect(metrics.find((m) => m.name === 'mem_total')!.points[0].asInt).toMatch(/^\d+$/);
    expect(receiver.exports[0].headers['x-telemetryflow-key-secret']).toBe('tfs_cli-secret-99');
    // The agent's own start-up lines (logged once outputs.otlp was created) went out as log records.
    const records = receiver.of('logs').flatMap((e) => logRecordsOf(e.request));
    expect(records.some((r) => r.scope === 'agent' && String(r.body).startsWith('loaded inputs: inputs.system'))).toBe(true);
    expect(stderr).not.toContain('tfs_cli-secret-99');
  });
});
