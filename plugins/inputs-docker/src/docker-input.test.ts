/**
 * inputs.docker against a real Docker engine: one private dockerd (see test/sandbox-engine.mjs)
 * serves every test in this file. If it cannot start, every test fails with dockerd's log.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metric } from '@vigil/core';
import { createRecordingAccumulator, createTestContext, gatherOnce } from '@vigil/core/testing';
import { startSandboxEngine, TEST_IMAGE, type SandboxEngine } from '../test/sandbox-engine.mjs';
import docker from './index.js';
import { createDockerInput } from './docker-input.js';
import type { DockerOptions } from './options.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cliMain = join(repoRoot, 'packages/cli/dist/main.js');

let engine: SandboxEngine;
let scratch: string;
/** One gather over every container, with default options, shared by the tests that only read it. */
let everything: Metric[];
let everythingErrors: string[];
/** When that gather began and ended, milliseconds since the epoch. */
let everythingFrom: number;
let everythingTo: number;
/** Engines on cgroup v2 give no per-CPU figures. */
let perCpuFigures: boolean;

const named = (metrics: Metric[], measurement: string, container: string) =>
  metrics.filter((m) => m.name === measurement && m.tags.container_name === container);
const statusOf = (metrics: Metric[], container: string) => {
  const found = named(metrics, 'docker_container_status', container);
  if (found.length !== 1) throw new Error(`expected one docker_container_status for ${container}, got ${found.length}`);
  return found[0];
};
/** Nanoseconds since the epoch of a time as `docker inspect` prints it: "2026-05-01T10:00:00.123456789Z". */
function inspectTimeNs(text: string): bigint {
  const [, whole, fraction = ''] = /^([^.Z]+)(?:\.(\d+))?Z$/.exec(text)!;
  return BigInt(Date.parse(`${whole}Z`)) * 1_000_000n + BigInt(fraction.padEnd(9, '0'));
}
const containerNames = (metrics: Metric[]) => [...new Set(metrics.filter((m) => m.name === 'docker_container_status').map((m) => m.tags.container_name))].sort();

function gather(options: Record<string, unknown> = {}) {
  return gatherOnce(docker, { endpoint: engine.endpoint, ...options });
}

/** A unix socket server in front of the engine's, which a test can take away and bring back. */
function socketProxy(path: string, target: string) {
  let server: Server | undefined;
  const open = new Set<Socket>();
  return {
    async start() {
      server = createServer((client) => {
        const upstream = connect(target);
        for (const s of [client, upstream]) {
          open.add(s);
          s.on('close', () => open.delete(s));
          s.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => server!.listen(path, resolve));
    },
    async stop() {
      for (const s of open) s.destroy();
      await new Promise((resolve) => server!.close(resolve));
    },
  };
}

beforeAll(async () => {
  engine = await startSandboxEngine({ tls: true });
  scratch = await mkdtemp(join(tmpdir(), 'vigil-docker-test-'));
  const sleeper = [TEST_IMAGE, 'sleep', '100000'];
  await Promise.all([
    engine.run('--name', 'vt-running', '--label', 'team=web', '--label', 'tier=frontend', ...sleeper),
    engine.run('--name', 'vt-exit3', '--label', 'team=batch', TEST_IMAGE, 'sh', '-c', 'exit 3'),
    engine.run('--name', 'vt-gave-up', '--restart', 'on-failure:2', TEST_IMAGE, 'sh', '-c', 'exit 3'),
    engine.run('--name', 'vt-crashed-once', '--restart', 'on-failure:2', TEST_IMAGE, 'sh', '-c', '[ -f /crashed ] && exec sleep 100000; touch /crashed; exit 3'),
    // The kernel kills `tail` at once, but containerd 1.6 misses the OOM event of a process that
    // hits its limit within milliseconds of starting (containerd#8180), and Docker then records
    // OOMKilled=false. A second's wait lets its OOM watch begin first.
    engine.run('--name', 'vt-oom', '-m', '8m', TEST_IMAGE, 'sh', '-c', 'sleep 1; exec tail -c 50000000 /dev/zero'),
    engine.run('--name', 'vt-healthy', '--health-cmd', 'true', '--health-interval', '1s', ...sleeper),
    engine.run('--name', 'vt-unhealthy', '--health-cmd', 'false', '--health-interval', '1s', '--health-retries', '1', ...sleeper),
    // The engine creates this one, then cannot start its command.
    engine.run('--name', 'vt-no-command', TEST_IMAGE, '/no/such/command').then(
      () => Promise.reject(new Error('vt-no-command started')),
      () => undefined,
    ),
  ]);
  await Promise.all([
    engine.waitFor('vt-exit3', (c) => c.State.Status === 'exited', 'exited'),
    engine.waitFor('vt-gave-up', (c) => c.State.Status === 'exited' && c.RestartCount === 2, 'gave up after 2 restarts'),
    engine.waitFor('vt-crashed-once', (c) => c.State.Running && c.RestartCount === 1, 'ran again after its crash'),
    engine.waitFor('vt-oom', (c) => c.State.Status === 'exited', 'exited'),
    engine.waitFor('vt-healthy', (c) => c.State.Health?.Status === 'healthy', 'became healthy'),
    engine.waitFor('vt-unhealthy', (c) => c.State.Health?.Status === 'unhealthy', 'became unhealthy'),
  ]);
  perCpuFigures = (await engine.docker('info', '--format', '{{.CgroupVersion}}')) !== '2';
  everythingFrom = Date.now();
  const result = await gather();
  everythingTo = Date.now();
  everything = result.metrics;
  everythingErrors = result.errors;
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
}, 60_000);

describe('a gather over every container', () => {
  it('reports every container, running or not, with no error', () => {
    expect(everythingErrors).toEqual([]);
    expect(containerNames(everything)).toEqual(['vt-crashed-once', 'vt-exit3', 'vt-gave-up', 'vt-healthy', 'vt-no-command', 'vt-oom', 'vt-running', 'vt-unhealthy']);
  });

  it("reports the engine's container and image counts, tagged with its name and version", async () => {
    const engineMetrics = everything.filter((m) => m.name === 'docker');
    expect(engineMetrics).toHaveLength(1);
    const info = JSON.parse(await engine.docker('info', '--format', '{{json .}}'));
    expect(engineMetrics[0].tags).toEqual({ engine_host: info.Name, server_version: info.ServerVersion });
    expect(engineMetrics[0].fields).toMatchObject({ n_containers: 8n, n_containers_running: 4n, n_containers_stopped: 4n, n_containers_paused: 0n, n_images: 1n });
  });

  it("tags each container's metrics with its name, image, version, status, labels and engine, and carries its id", async () => {
    const running = await engine.inspect('vt-running');
    const status = statusOf(everything, 'vt-running');
    expect(status.tags).toMatchObject({
      container_name: 'vt-running',
      container_image: 'vigil-test',
      container_version: 'busybox',
      container_status: 'running',
      team: 'web',
      tier: 'frontend',
    });
    expect(status.tags.engine_host).not.toBe('');
    expect(status.fields.container_id).toBe(running.Id);
  });

  it('reports the pid, start time, uptime and process count of a running container', async () => {
    const running = await engine.inspect('vt-running');
    const { fields } = statusOf(everything, 'vt-running');
    expect(fields.pid).toBe(BigInt(running.State.Pid));
    expect(fields.exitcode).toBe(0n);
    expect(fields.oomkilled).toBe(false);
    expect(fields.restart_count).toBe(0n);
    expect(fields.pids_current).toBe(1n);
    const startedNs = inspectTimeNs(running.State.StartedAt);
    expect(fields.started_at).toBe(startedNs);
    // The time since the engine's StartedAt, taken during the gather.
    expect(fields.uptime_ns).toBeGreaterThanOrEqual(BigInt(everythingFrom) * 1_000_000n - startedNs);
    expect(fields.uptime_ns).toBeLessThanOrEqual(BigInt(everythingTo + 1) * 1_000_000n - startedNs);
    expect(fields).not.toHaveProperty('finished_at');
    expect(fields).not.toHaveProperty('last_exit_reason');
  });

  it("reports a running container's memory and CPU, with usage_percent from the first gather", () => {
    const [mem] = named(everything, 'docker_container_mem', 'vt-running');
    expect(mem.fields.usage).toBeGreaterThan(0n);
    expect(mem.fields.limit).toBeGreaterThan(mem.fields.usage as bigint);
    expect(mem.fields.usage_percent).toBeCloseTo((Number(mem.fields.usage) / Number(mem.fields.limit)) * 100, 6);

    const cpu = named(everything, 'docker_container_cpu', 'vt-running');
    const total = cpu.find((m) => m.tags.cpu === 'cpu-total')!;
    expect(typeof total.fields.usage_percent).toBe('number');
    expect(total.fields.usage_total).toBeGreaterThan(0n);
    expect(total.fields.usage_system).toBeGreaterThan(0n);
    expect(total.fields).toHaveProperty('throttling_periods');
    // On cgroup v1 the engine reports each CPU: the per-CPU figures add up to the total.
    const perCpu = cpu.filter((m) => m.tags.cpu !== 'cpu-total');
    if (!perCpuFigures) return expect(perCpu).toEqual([]);
    expect(perCpu.length).toBeGreaterThan(0);
    expect(perCpu.reduce((sum, m) => sum + (m.fields.usage_total as bigint), 0n)).toBe(total.fields.usage_total);
  });

  it('reports no network figures for a container on --network none', () => {
    expect(named(everything, 'docker_container_net', 'vt-running')).toEqual([]);
  });

  it('reports no resource figures for containers that are not running', () => {
    for (const name of ['vt-exit3', 'vt-oom', 'vt-gave-up', 'vt-no-command']) {
      expect(everything.filter((m) => m.tags.container_name === name).map((m) => m.name)).toEqual(['docker_container_status']);
    }
  });

  it('reports a container that exited with code 3, and for how long it ran', async () => {
    const exited = await engine.inspect('vt-exit3');
    const { tags, fields } = statusOf(everything, 'vt-exit3');
    expect(tags.container_status).toBe('exited');
    expect(fields.exitcode).toBe(3n);
    expect(fields.last_exit_reason).toBe('exit code 3');
    expect(fields.pid).toBe(0n);
    expect(fields).not.toHaveProperty('pids_current');
    // How long it ran by the engine's own StartedAt and FinishedAt, not how long ago it started.
    // (Docker may stamp an instant exit a hair before the start: a run of 0.)
    const startedNs = inspectTimeNs(exited.State.StartedAt);
    const finishedNs = inspectTimeNs(exited.State.FinishedAt);
    expect(fields.started_at).toBe(startedNs);
    expect(fields.finished_at).toBe(finishedNs);
    expect(fields.uptime_ns).toBe(finishedNs > startedNs ? finishedNs - startedNs : 0n);
  });

  it('reports the restarts of a container its restart policy gave up on', () => {
    const { tags, fields } = statusOf(everything, 'vt-gave-up');
    expect(tags.container_status).toBe('exited');
    expect(fields.restart_count).toBe(2n);
    expect(fields.exitcode).toBe(3n);
    expect(fields.last_exit_reason).toBe('exit code 3');
  });

  it('reports why a container restarted by its policy stopped, though it runs again', () => {
    const { tags, fields } = statusOf(everything, 'vt-crashed-once');
    expect(tags.container_status).toBe('running');
    expect(fields.restart_count).toBe(1n);
    expect(fields.exitcode).toBe(0n);
    expect(fields.last_exit_reason).toBe('exit code 3');
  });

  it('reports an OOM-killed container', () => {
    const { fields } = statusOf(everything, 'vt-oom');
    expect(fields.oomkilled).toBe(true);
    expect(fields.exitcode).toBe(137n);
    expect(fields.last_exit_reason).toBe('OOMKilled');
  });

  it("reports the engine's error for a container whose command could not start", () => {
    const { tags, fields } = statusOf(everything, 'vt-no-command');
    expect(tags.container_status).toBe('created');
    expect(fields.last_exit_reason).toMatch(/\/no\/such\/command.*no such file or directory/);
    expect(fields).not.toHaveProperty('started_at');
    expect(fields).not.toHaveProperty('uptime_ns');
  });

  it('reports healthy and unhealthy healthchecks, and none for containers without one', () => {
    expect(named(everything, 'docker_container_health', 'vt-healthy')[0].fields).toMatchObject({ health_status: 'healthy', failing_streak: 0n });
    const unhealthy = named(everything, 'docker_container_health', 'vt-unhealthy')[0];
    expect(unhealthy.fields.health_status).toBe('unhealthy');
    expect(unhealthy.fields.failing_streak).toBeGreaterThanOrEqual(1n);
    expect(unhealthy.tags.container_status).toBe('running');
    expect(named(everything, 'docker_container_health', 'vt-running')).toEqual([]);
  });
});

describe('filters and choices', () => {
  it('container_name_include and container_name_exclude choose containers by glob', async () => {
    const { metrics, errors } = await gather({ container_name_include: ['vt-*it*', 'vt-oom'], container_name_exclude: ['*3'] });
    expect(errors).toEqual([]);
    expect(containerNames(metrics)).toEqual(['vt-oom']);
    // The engine figures stay whatever the filters.
    expect(metrics.filter((m) => m.name === 'docker')).toHaveLength(1);
  });

  it('container_state_include and container_state_exclude choose containers by state', async () => {
    const exited = await gather({ container_state_include: ['exited'] });
    expect(containerNames(exited.metrics)).toEqual(['vt-exit3', 'vt-gave-up', 'vt-oom']);
    const notRunning = await gather({ container_state_exclude: ['run*', 'exited'] });
    expect(containerNames(notRunning.metrics)).toEqual(['vt-no-command']);
  });

  it('docker_label_include and docker_label_exclude choose which labels become tags', async () => {
    const only = { container_name_include: ['vt-running'], perdevice_include: [], total_include: [] };
    const included = statusOf((await gather({ ...only, docker_label_include: ['team'] })).metrics, 'vt-running');
    expect(included.tags.team).toBe('web');
    expect(included.tags).not.toHaveProperty('tier');
    const excluded = statusOf((await gather({ ...only, docker_label_exclude: ['t*r'] })).metrics, 'vt-running');
    expect(excluded.tags.team).toBe('web');
    expect(excluded.tags).not.toHaveProperty('tier');
  });

  it('perdevice_include and total_include choose the per-CPU and total CPU rows', async () => {
    const only = { container_name_include: ['vt-running'] };
    const totalOnly = await gather({ ...only, perdevice_include: [] });
    expect(named(totalOnly.metrics, 'docker_container_cpu', 'vt-running').map((m) => m.tags.cpu)).toEqual(['cpu-total']);
    const perCpuOnly = await gather({ ...only, total_include: [] });
    const tagsSeen = named(perCpuOnly.metrics, 'docker_container_cpu', 'vt-running').map((m) => m.tags.cpu);
    expect(tagsSeen.length > 0).toBe(perCpuFigures);
    expect(tagsSeen.every((t) => /^cpu\d+$/.test(t))).toBe(true);
  });
});

describe('containers that come and go', () => {
  it('stops reporting a container removed between two gathers and forgets what it kept about it', async () => {
    const doomedId = await engine.run('--name', 'vt-doomed', TEST_IMAGE, 'sleep', '100000');
    const ctx = createTestContext<DockerOptions>(docker, { endpoint: engine.endpoint, container_name_include: ['vt-doomed', 'vt-running'] });
    const input = createDockerInput(ctx.options, ctx.log);
    const first = createRecordingAccumulator();
    await input.gather(first);
    expect(containerNames(first.metrics)).toEqual(['vt-doomed', 'vt-running']);
    expect(input.rememberedContainers()).toContain(doomedId);

    await engine.docker('rm', '-f', 'vt-doomed');
    const second = createRecordingAccumulator();
    await input.gather(second);
    expect(second.errors).toEqual([]);
    expect(containerNames(second.metrics)).toEqual(['vt-running']);
    expect(input.rememberedContainers()).not.toContain(doomedId);
    // The kept CPU sample of the container still there gives its usage_percent again.
    const cpu = named(second.metrics, 'docker_container_cpu', 'vt-running').find((m) => m.tags.cpu === 'cpu-total')!;
    expect(typeof cpu.fields.usage_percent).toBe('number');
  });

  it('leaves usage_percent out rather than compare CPU counters across a restart', async () => {
    await engine.run('--name', 'vt-restarted', TEST_IMAGE, 'sleep', '100000');
    const ctx = createTestContext<DockerOptions>(docker, { endpoint: engine.endpoint, container_name_include: ['vt-restarted'], perdevice_include: [] });
    const input = createDockerInput(ctx.options, ctx.log);
    const cpuTotal = async () => {
      const acc = createRecordingAccumulator();
      await input.gather(acc);
      expect(acc.errors).toEqual([]);
      return named(acc.metrics, 'docker_container_cpu', 'vt-restarted')[0].fields;
    };
    try {
      expect(typeof (await cpuTotal()).usage_percent).toBe('number');
      await engine.docker('restart', '--time', '0', 'vt-restarted');
      expect(await cpuTotal()).not.toHaveProperty('usage_percent');
      expect(typeof (await cpuTotal()).usage_percent).toBe('number');
    } finally {
      await engine.docker('rm', '-f', 'vt-restarted');
    }
  });
});

describe('an engine that is missing, refusing or slow', () => {
  it('reports an endpoint that does not exist as one error naming it, with no metrics', async () => {
    const endpoint = `unix://${join(scratch, 'missing.sock')}`;
    const { metrics, errors } = await gatherOnce(docker, { endpoint });
    expect(metrics).toEqual([]);
    expect(errors).toEqual([`no Docker engine at ${endpoint}: the socket does not exist (is dockerd running?)`]);
  });

  it('reports a TCP endpoint where nothing listens as refusing the connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const { errors } = await gatherOnce(docker, { endpoint: `tcp://127.0.0.1:${port}` });
    expect(errors).toEqual([`the Docker engine at tcp://127.0.0.1:${port} refused the connection (is dockerd running?)`]);
  });

  it('gives up on an engine that does not answer within the timeout', async () => {
    const path = join(scratch, 'silent.sock');
    const held = new Set<Socket>();
    const silent = createServer((s) => held.add(s));
    await new Promise<void>((resolve) => silent.listen(path, resolve));
    try {
      const { errors } = await gatherOnce(docker, { endpoint: `unix://${path}`, timeout: '300ms' });
      expect(errors).toEqual([`the Docker engine at unix://${path} did not answer within 300ms`]);
    } finally {
      for (const s of held) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('keeps failing one error per gather while the engine is away, and picks it up when it is back', async () => {
    const path = join(scratch, 'proxy.sock');
    const endpoint = `unix://${path}`;
    const proxy = socketProxy(path, engine.socket);
    await proxy.start();
    const ctx = createTestContext<DockerOptions>(docker, { endpoint, container_name_include: ['vt-exit3'] });
    const input = createDockerInput(ctx.options, ctx.log);
    const gatherNow = async () => {
      const acc = createRecordingAccumulator();
      await input.gather(acc);
      return acc;
    };
    try {
      expect(containerNames((await gatherNow()).metrics)).toEqual(['vt-exit3']);

      await proxy.stop();
      const away = [await gatherNow(), await gatherNow()];
      for (const acc of away) {
        expect(acc.metrics).toEqual([]);
        expect(acc.errors).toEqual([`no Docker engine at ${endpoint}: the socket does not exist (is dockerd running?)`]);
      }

      await proxy.start();
      const back = await gatherNow();
      expect(back.errors).toEqual([]);
      expect(containerNames(back.metrics)).toEqual(['vt-exit3']);
      const said = ctx.ring.entries(0).filter((e) => e.level === 'info').map((e) => e.message);
      expect(said).toEqual([expect.stringMatching(new RegExp(`^the Docker engine at ${endpoint} answers again, after 2 failed gathers over \\d+s$`))]);
    } finally {
      await proxy.stop().catch(() => {});
    }
  });

  it('follows DOCKER_HOST when endpoint is "ENV", and names it in errors', async () => {
    const saved = process.env.DOCKER_HOST;
    try {
      process.env.DOCKER_HOST = engine.endpoint;
      const found = await gatherOnce(docker, { endpoint: 'ENV', container_name_include: ['vt-exit3'] });
      expect(found.errors).toEqual([]);
      expect(containerNames(found.metrics)).toEqual(['vt-exit3']);

      const missing = `unix://${join(scratch, 'env-missing.sock')}`;
      process.env.DOCKER_HOST = missing;
      const failed = await gatherOnce(docker, { endpoint: 'ENV' });
      expect(failed.errors).toEqual([`no Docker engine at ${missing} (DOCKER_HOST): the socket does not exist (is dockerd running?)`]);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });
});

describe('a TLS endpoint', () => {
  const only = { container_name_include: ['vt-exit3'] };

  it('is read with the CA, client certificate and key', async () => {
    const tls = engine.tls!;
    const { metrics, errors } = await gatherOnce(docker, { endpoint: tls.endpoint, tls_ca: tls.ca, tls_cert: tls.cert, tls_key: tls.key, ...only });
    expect(errors).toEqual([]);
    expect(containerNames(metrics)).toEqual(['vt-exit3']);
  });

  it('is read without the CA when insecure_skip_verify is set', async () => {
    const tls = engine.tls!;
    const { errors, metrics } = await gatherOnce(docker, { endpoint: tls.endpoint, tls_cert: tls.cert, tls_key: tls.key, insecure_skip_verify: true, ...only });
    expect(errors).toEqual([]);
    expect(containerNames(metrics)).toEqual(['vt-exit3']);
  });

  it('refuses an engine certificate no configured CA signed', async () => {
    const tls = engine.tls!;
    const { errors } = await gatherOnce(docker, { endpoint: tls.endpoint, tls_cert: tls.cert, tls_key: tls.key, ...only });
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^TLS with the Docker engine at ${tls.endpoint} failed: .*certificate`))]);
  });

  it('is refused without a client certificate', async () => {
    const tls = engine.tls!;
    const { errors } = await gatherOnce(docker, { endpoint: tls.endpoint, tls_ca: tls.ca, ...only });
    expect(errors).toEqual([`the Docker engine at ${tls.endpoint} refused this client's certificate (or its absence): set tls_cert and tls_key to one its CA signed`]);
  });

  it('refuses at startup a key that is not the certificate\'s', () => {
    const tls = engine.tls!;
    expect(() => docker.create(createTestContext(docker, { endpoint: tls.endpoint, tls_ca: tls.ca, tls_cert: tls.ca, tls_key: tls.key }))).toThrow(
      `the TLS files ${tls.ca}, ${tls.ca}, ${tls.key} cannot be used: error:05800074:x509 certificate routines::key values mismatch`,
    );
  });

  it('says what the engine answered when TLS options are missing', async () => {
    const { errors } = await gatherOnce(docker, { endpoint: engine.tls!.endpoint, ...only });
    expect(errors).toEqual([`the Docker engine at ${engine.tls!.endpoint} answered HTTP 400: Client sent an HTTP request to an HTTPS server.`]);
  });
});

describe('vigil test', () => {
  const vigilTest = async (config: string, asUser?: { uid: number; gid: number }) => {
    const file = join(scratch, `vigil-${Math.random().toString(36).slice(2)}.toml`);
    await writeFile(file, config, { mode: 0o644 });
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [cliMain, 'test', '--config', file], { env: { ...process.env, DOCKER_HOST: '' }, ...asUser }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
    });
  };

  it('prints every container status as line protocol', async () => {
    expect(existsSync(cliMain)).toBe(true);
    const { code, stdout } = await vigilTest(`[[inputs.docker]]\n  endpoint = "${engine.endpoint}"\n  container_name_include = ["vt-exit3", "vt-oom"]\n`);
    expect(code).toBe(0);
    const statusLines = stdout.split('\n').filter((l) => l.startsWith('> docker_container_status,'));
    expect(statusLines).toHaveLength(2);
    const oom = statusLines.find((l) => l.includes('container_name=vt-oom'));
    expect(oom).toContain('last_exit_reason="OOMKilled"');
    expect(oom).toContain('oomkilled=true');
    expect(statusLines.find((l) => l.includes('container_name=vt-exit3'))).toMatch(/exitcode=3i/);
  });

  it('exits 1 with one line naming a missing endpoint', async () => {
    const endpoint = `unix://${join(scratch, 'nothing-here.sock')}`;
    const { code, stdout, stderr } = await vigilTest(`[[inputs.docker]]\n  endpoint = "${endpoint}"\n`);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const errorLines = stderr.split('\n').filter((l) => l.includes(endpoint));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/\[inputs\.docker\] no Docker engine at .*: the socket does not exist/);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('exits 1 with one line saying the engine refused a user without access to its socket', async () => {
    // The socket is root's (mode 0660, no docker group here); "nobody" may reach it but not use it.
    await chmod(engine.dir, 0o711);
    await chmod(scratch, 0o755);
    const { code, stderr } = await vigilTest(`[[inputs.docker]]\n  endpoint = "${engine.endpoint}"\n`, { uid: 65534, gid: 65534 });
    expect(code).toBe(1);
    const errorLines = stderr.split('\n').filter((l) => l.includes(engine.endpoint));
    expect(errorLines).toEqual([expect.stringContaining(`[inputs.docker] permission denied on ${engine.endpoint}: the agent's user may not use the Docker socket`)]);
  });
});
