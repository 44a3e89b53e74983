// How long a gather of 200 services takes against a local server, in the two shapes a config
// can have: 200 [[inputs.http]] blocks (the agent gathers them at the same moment) and one block
// listing 200 urls. The server runs in a child process so it does not share the checks' event loop.
// Usage: node bench/bench.mjs (after building). Prints figures to stdout.
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRecordingAccumulator, createTestContext } from '@vigil/core/testing';
import http from '../dist/index.js';

const SERVICES = 200;
const ROUNDS = 5;
const INTERVAL_MS = 10_000;

if (process.argv[2] === 'serve') serve();
else await main();

/** Child process: an HTTP and an HTTPS server on 127.0.0.1; /hang never answers. */
function serve() {
  const { cert, key } = JSON.parse(process.argv[3]);
  const handler = (req, res) => (req.url === '/hang' ? undefined : res.end('ok\n'));
  const servers = [createHttpServer(handler), createHttpsServer({ cert, key }, handler)];
  Promise.all(servers.map((s) => new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s.address().port))))).then(([httpPort, httpsPort]) =>
    process.send({ httpPort, httpsPort }),
  );
}

function selfSignedCertificate(dir) {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem',
    '-subj', '/CN=bench', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '2'], { cwd: dir, stdio: 'ignore' });
  return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8'), caFile: join(dir, 'cert.pem') };
}

/** Creates the instances once, then times ROUNDS gathers of all of them at the same moment. */
async function time(label, blocks) {
  const instances = blocks.map((options) => http.create(createTestContext(http, options, { intervalMs: INTERVAL_MS })));
  const rounds = [];
  let results = {};
  for (let i = 0; i < ROUNDS; i++) {
    const accs = instances.map(() => createRecordingAccumulator());
    const started = performance.now();
    await Promise.all(instances.map((plugin, n) => plugin.gather(accs[n])));
    rounds.push(performance.now() - started);
    results = {};
    for (const m of accs.flatMap((a) => a.metrics)) results[m.tags.result] = (results[m.tags.result] ?? 0) + 1;
  }
  await Promise.all(instances.map((p) => p.stop?.()));
  rounds.sort((a, b) => a - b);
  const median = rounds[Math.floor(ROUNDS / 2)];
  const summary = Object.entries(results).map(([r, n]) => `${n} ${r}`).join(', ');
  const max = rounds.at(-1);
  const share = `${((max / INTERVAL_MS) * 100).toFixed(0)}% of the interval`;
  console.log(`${label.padEnd(52)} median ${median.toFixed(0).padStart(5)} ms  max ${max.toFixed(0).padStart(5)} ms = ${share.padEnd(20)} (${summary})`);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-http-bench-'));
  const tls = selfSignedCertificate(dir);
  const child = fork(new URL(import.meta.url).pathname, ['serve', JSON.stringify(tls)]);
  const { httpPort, httpsPort } = await new Promise((resolve) => child.once('message', resolve));
  const plain = `http://127.0.0.1:${httpPort}/`;
  const secure = `https://127.0.0.1:${httpsPort}/`;
  const many = (n, fn) => Array.from({ length: n }, (_, i) => fn(i));
  try {
    console.log(`inputs.http: gather of ${SERVICES} services against a local server, ${ROUNDS} rounds, interval ${INTERVAL_MS / 1000}s`);
    await time(`${SERVICES} blocks, http`, many(SERVICES, (i) => ({ name: `svc-${i}`, url: `${plain}?${i}` })));
    await time(`${SERVICES} blocks, https (verified, tls_ca)`, many(SERVICES, (i) => ({ name: `svc-${i}`, url: `${secure}?${i}`, tls_ca: tls.caFile })));
    await time(`${SERVICES} blocks, http, 10 of them hanging (timeout 1s)`, many(SERVICES, (i) => ({ name: `svc-${i}`, url: i % 20 === 0 ? `${plain}hang` : plain, timeout: '1s' })));
    await time(`1 block, urls = ${SERVICES}, http (concurrency 20)`, [{ name: 'pool', urls: many(SERVICES, (i) => `${plain}?${i}`) }]);
    await time(`1 block, urls = ${SERVICES}, https (concurrency 20)`, [{ name: 'pool', urls: many(SERVICES, (i) => `${secure}?${i}`), tls_ca: tls.caFile }]);
    await time(`1 block, urls = ${SERVICES}, https (concurrency ${SERVICES})`, [{ name: 'pool', urls: many(SERVICES, (i) => `${secure}?${i}`), tls_ca: tls.caFile, concurrency: SERVICES }]);
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
