/**
 * A private Docker engine for the tests and the bench. Every path it uses lives under one
 * temporary folder, and it runs with no bridge, no iptables and no IP forwarding, so containers
 * (all started with `--network none`) cannot send traffic anywhere. The one test image is built
 * with `docker import` from Debian's busybox-static: no registry is ever contacted.
 *
 * Plain ESM JavaScript (typed by sandbox-engine.d.mts) so that bench/bench.mjs can use it too.
 */
import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, open, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const TEST_IMAGE = 'vigil-test:busybox';
const BUSYBOX = '/bin/busybox';
const READY_TIMEOUT_MS = 60_000;

/** The network flags that keep the engine (and its containers) off every network. */
export const ISOLATION_FLAGS = ['--bridge=none', '--iptables=false', '--ip-forward=false', '--ip-masq=false'];

/** One HTTP request to the engine's unix socket; resolves { status, body } (body parsed when JSON). */
function engineRequest(socketPath, method, path, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let body = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON (e.g. "OK" from /_ping)
        }
        resolve({ status: res.statusCode, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer`)));
    req.on('error', reject);
    req.end();
  });
}

async function freeLoopbackPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
async function makeCertificates(dir) {
  await mkdir(dir, { recursive: true });
  const f = (name) => join(dir, name);
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...key, '-keyout', f('ca-key.pem'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=vigil test CA']);
  for (const [name, usage, san] of [['server', 'serverAuth', 'subjectAltName=IP:127.0.0.1\n'], ['client', 'clientAuth', '']]) {
    await writeFile(f(`${name}.ext`), `${san}extendedKeyUsage=${usage}\n`);
    await run('openssl', ['req', ...key, '-keyout', f(`${name}-key.pem`), '-out', f(`${name}.csr`), '-subj', `/CN=vigil test ${name}`]);
    await run('openssl', ['x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca-key.pem'), '-CAcreateserial', '-out', f(`${name}.pem`), '-days', '2', '-extfile', f(`${name}.ext`)]);
  }
  return { ca: f('ca.pem'), serverCert: f('server.pem'), serverKey: f('server-key.pem'), clientCert: f('client.pem'), clientKey: f('client-key.pem') };
}

/** Mounts dockerd left under `dir` (it normally removes them itself), deepest first. */
async function unmountUnder(dir) {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p) => p && p.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const p of points) await run('umount', ['-l', p]).catch(() => {});
}

/**
 * Starts dockerd in a new temporary folder and builds the test image. Rejects (with the tail of
 * dockerd's log) when the engine does not come up: callers must let that fail the run.
 * With `tls: true` the engine also listens on tcp://127.0.0.1:<free port> with --tlsverify.
 */
export async function startSandboxEngine({ tls = false } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-dockerd-'));
  const socket = join(dir, 'docker.sock');
  const logPath = join(dir, 'dockerd.log');
  const args = [
    `--data-root=${join(dir, 'data')}`,
    `--exec-root=${join(dir, 'exec')}`,
    `--pidfile=${join(dir, 'docker.pid')}`,
    '-H', `unix://${socket}`,
    ...ISOLATION_FLAGS,
  ];
  let tlsInfo;
  if (tls) {
    const certs = await makeCertificates(join(dir, 'certs'));
    const port = await freeLoopbackPort();
    args.push('-H', `tcp://127.0.0.1:${port}`, '--tlsverify', `--tlscacert=${certs.ca}`, `--tlscert=${certs.serverCert}`, `--tlskey=${certs.serverKey}`);
    tlsInfo = { endpoint: `tcp://127.0.0.1:${port}`, ca: certs.ca, cert: certs.clientCert, key: certs.clientKey };
  }

  const log = await open(logPath, 'a');
  const daemon = spawn('dockerd', args, { stdio: ['ignore', log.fd, log.fd] });
  // Listen before any await: a dockerd that cannot be spawned reports it at once.
  let exited = null;
  const exitedPromise = new Promise((resolve) => {
    daemon.on('exit', (code, signal) => resolve((exited = { code, signal })));
    daemon.on('error', (err) => resolve((exited = { code: null, signal: null, error: err })));
  });
  await log.close();

  const logTail = async () => (await readFile(logPath, 'utf8').catch(() => '')).split('\n').slice(-25).join('\n');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      const why = exited.error ? exited.error.message : `exited with ${exited.signal ?? exited.code}`;
      const tail = await logTail();
      await unmountUnder(dir);
      await rm(dir, { recursive: true, force: true });
      throw new Error(`dockerd could not start (${why}). Its log ends with:\n${tail}`);
    }
    const ping = await engineRequest(socket, 'GET', '/_ping', 1000).catch(() => undefined);
    if (ping?.status === 200) break;
    if (Date.now() > deadline) {
      daemon.kill('SIGKILL');
      await exitedPromise;
      const tail = await logTail();
      await unmountUnder(dir);
      await rm(dir, { recursive: true, force: true });
      throw new Error(`dockerd did not answer on ${socket} within ${READY_TIMEOUT_MS / 1000}s. Its log ends with:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: join(dir, 'cli-config') };
  delete env.DOCKER_TLS_VERIFY;
  delete env.DOCKER_CERT_PATH;
  delete env.DOCKER_CONTEXT;

  /** Runs the docker CLI against this engine; resolves its trimmed stdout. */
  const docker = async (...cliArgs) => {
    try {
      const { stdout } = await run('docker', cliArgs, { env, maxBuffer: 16 * 1024 * 1024 });
      return stdout.trim();
    } catch (err) {
      throw new Error(`docker ${cliArgs.join(' ')} failed: ${(err.stderr || err.message).trim()}`);
    }
  };

  const engine = {
    dir,
    socket,
    endpoint: `unix://${socket}`,
    tls: tlsInfo,
    docker,
    /** `docker run -d --network none …`: resolves the new container's id. */
    run: (...runArgs) => docker('run', '-d', '--network', 'none', ...runArgs),
    inspect: async (name) => JSON.parse(await docker('inspect', name))[0],
    /** Polls `docker inspect` until `predicate(inspect)` holds (or throws after timeoutMs). */
    async waitFor(name, predicate, what, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const info = await engine.inspect(name);
        if (predicate(info)) return info;
        if (Date.now() > until) throw new Error(`container ${name} never ${what}: state ${JSON.stringify(info.State)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    /** Removes every container, stops dockerd and deletes the folder. */
    async stop() {
      if (!exited) {
        const list = await engineRequest(socket, 'GET', '/containers/json?all=1').catch(() => undefined);
        const ids = Array.isArray(list?.body) ? list.body.map((c) => c.Id) : [];
        // Force removal kills at once; a plain shutdown would wait out each container's stop timeout.
        await Promise.all(ids.map((id) => engineRequest(socket, 'DELETE', `/containers/${id}?force=1&v=1`).catch(() => undefined)));
        daemon.kill('SIGTERM');
        const timer = setTimeout(() => daemon.kill('SIGKILL'), 20_000);
        await exitedPromise;
        clearTimeout(timer);
      }
      await unmountUnder(dir);
      await rm(dir, { recursive: true, force: true });
    },
  };

  try {
    await buildTestImage(dir, docker);
  } catch (err) {
    await engine.stop();
    throw err;
  }
  return engine;
}

/** A root folder holding busybox-static and one relative link per applet, imported as TEST_IMAGE. */
async function buildTestImage(dir, docker) {
  const root = join(dir, 'image-root');
  await mkdir(join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'tmp'));
  await copyFile(BUSYBOX, join(root, 'bin', 'busybox'));
  const { stdout } = await run(BUSYBOX, ['--list']);
  for (const applet of stdout.split('\n').filter((a) => a && a !== 'busybox')) {
    await symlink('busybox', join(root, 'bin', applet));
  }
  const tarball = join(dir, 'image.tar');
  await run('tar', ['-C', root, '-cf', tarball, '.']);
  await docker('import', '--change', 'CMD ["sh"]', tarball, TEST_IMAGE);
}
