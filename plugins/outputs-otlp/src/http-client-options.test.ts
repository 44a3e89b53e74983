import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { newLogRecord, newMetric } from '@vigil/core';
import { makeTestCertificates, writeContext, type TestCertificates, startConnectProxy } from '@vigil/core/testing';
import { clearOtelEnv, closeAll, otlpOutput, track } from './test-helpers.js';
import { GrpcReceiver, HttpReceiver } from './test-receiver.js';

const cpu = newMetric('cpu', { usage_idle: 97.5 }, { cpu: 'cpu-total' }, 1763881200000, 'gauge');
const line = newLogRecord({ message: 'disk full', level: 'error', timestamp: 1763881200000 });

let certs: TestCertificates;
let encryptedKey: string;

beforeAll(() => {
  clearOtelEnv();
  certs = makeTestCertificates();
  encryptedKey = join(certs.dir, 'client-encrypted.key');
  execFileSync('openssl', ['pkey', '-in', certs.client.key, '-aes256', '-passout', 'pass:otlp-key-pass-5', '-out', encryptedKey]);
});
afterAll(() => certs.remove());
afterEach(closeAll);

/** A real server on 127.0.0.1, closed after the test. */
async function listen(server: Server): Promise<string> {
  track({ close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A CONNECT proxy on 127.0.0.1, closed after the test. */
async function connectProxy() {
  return track(await startConnectProxy());
}

describe("outputs.otlp with Telegraf's HTTP-client options", () => {
  it('http/protobuf: exports both signals through http_proxy_url with one OAuth2 token', async () => {
    const receiver = track(await HttpReceiver.start());
    const proxy = await connectProxy();
    const asked: string[] = [];
    const tokenUrl = await listen(createServer((req, res) => (asked.push(req.url ?? ''), res.end(JSON.stringify({ access_token: 'otlp-tok-1', expires_in: 3600 })))));
    const { plugin } = otlpOutput({ endpoint: receiver.endpoint, http_proxy_url: proxy.url, client_id: 'vigil', client_secret: 'otlp-secret-9', token_url: `${tokenUrl}/token` });
    expect(await plugin.write([cpu, line], writeContext())).toEqual({ outcome: 'written' });
    expect(receiver.exports.map((e) => [e.signal, e.headers.authorization]).sort()).toEqual([
      ['logs', 'Bearer otlp-tok-1'],
      ['metrics', 'Bearer otlp-tok-1'],
    ]);
    expect(asked).toEqual(['/token']);
    expect(proxy.tunnels).toContain(new URL(receiver.endpoint).host);
  });

  it('http/protobuf: a refused token retries the batch with a reason naming token_url, not the secret', async () => {
    const receiver = track(await HttpReceiver.start());
    const tokenUrl = await listen(createServer((_req, res) => res.writeHead(401).end('bad client otlp-secret-9')));
    const { plugin } = otlpOutput({ endpoint: receiver.endpoint, client_id: 'vigil', client_secret: 'otlp-secret-9', token_url: tokenUrl });
    const result = (await plugin.write([cpu], writeContext())) as { outcome: string; reason: string };
    expect(result.outcome).toBe('retry');
    expect(result.reason).toContain(`OAuth2 token from ${tokenUrl}: status 401`);
    expect(result.reason).not.toContain('otlp-secret-9');
    expect(receiver.exports).toHaveLength(0);
  });

  it('gRPC over TLS: checks the receiver against tls_server_name and opens the client key with tls_key_pwd', async () => {
    const named = certs.issue('collector', { subjectAltName: 'DNS:collector.internal' });
    const receiver = track(await GrpcReceiver.start({ ca: readFileSync(certs.caFile), cert: readFileSync(named.cert), key: readFileSync(named.key), requireClientCertificate: true }));
    const tls = { endpoint: `https://${receiver.address}`, protocol: 'grpc', tls_ca: certs.caFile, tls_cert: certs.client.cert, tls_key: encryptedKey, tls_key_pwd: 'otlp-key-pass-5' };
    const refused = (await otlpOutput(tls).plugin.write([cpu], writeContext())) as { outcome: string; reason: string };
    expect(refused.outcome).toBe('retry');
    expect(refused.reason).toMatch(/gRPC UNAVAILABLE: .*(altnames|does not match)/i);
    const { plugin } = otlpOutput({ ...tls, tls_server_name: 'collector.internal', tls_min_version: 'TLS12', tls_cipher_suites: ['secure'] });
    expect(await plugin.write([cpu], writeContext())).toEqual({ outcome: 'written' });
    expect(receiver.exports[0].clientCertificate).toBe('vigil-agent');
  });
});
