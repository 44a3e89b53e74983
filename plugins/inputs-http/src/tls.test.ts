import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { gatherOnce, makeTestCertificates, readKeyPair, type KeyPair } from '@vigil/core/testing';
import http from './index.js';
import { startTestServer, type TestServer } from './test-servers.js';

/** Server certificates for 127.0.0.1 (but wrongHost), each broken in its own way, and a client's. */
interface Certificates {
  caFile: string;
  valid: KeyPair;
  expiringSoon: KeyPair;
  expired: KeyPair;
  wrongHost: KeyPair;
  selfSigned: KeyPair;
  client: KeyPair;
  remove(): void;
}

let certs: Certificates;
const servers: TestServer[] = [];
beforeAll(() => {
  const ca = makeTestCertificates();
  const loopback = 'IP:127.0.0.1';
  certs = {
    caFile: ca.caFile,
    valid: ca.issue('valid', { subjectAltName: loopback, days: 90 }),
    expiringSoon: ca.issue('expiring', { subjectAltName: loopback, days: 10 }),
    expired: ca.issue('expired', { subjectAltName: loopback, startDate: '20200101000000Z', endDate: '20200201000000Z' }),
    wrongHost: ca.issue('wrong-host', { subjectAltName: 'DNS:wrong.example' }),
    selfSigned: ca.selfSigned('self-signed', { subjectAltName: loopback }),
    client: ca.client,
    remove: ca.remove,
  };
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  certs.remove();
});

async function serve(pair: KeyPair, extra = {}): Promise<string> {
  const server = await startTestServer({ ...readKeyPair(pair), ...extra });
  servers.push(server);
  return `${server.origin}/ok`;
}

async function checkOne(options: Record<string, unknown>) {
  const { metrics, errors } = await gatherOnce(http, { name: 'secure', ...options });
  expect(errors).toEqual([]);
  expect(metrics).toHaveLength(1);
  return metrics[0];
}

const notAfterOf = (pair: KeyPair) => Date.parse(new X509Certificate(readFileSync(pair.cert)).validTo);
const DAY_MS = 86_400_000;

test('a certificate from a CA trusted through tls_ca is valid, with its expiry, issuer and subject', async () => {
  const m = await checkOne({ url: await serve(certs.valid), tls_ca: certs.caFile });
  expect(m.tags).toMatchObject({ result: 'success', tls_issuer: 'CN=vigil test CA,O=vigil tests', tls_subject: 'CN=valid.test' });
  const notAfter = notAfterOf(certs.valid);
  expect(m.fields).toMatchObject({ up: 1n, result_code: 0n, tls_cert_valid: 1n, tls_not_after: BigInt(notAfter / 1000) });
  expect(m.fields.tls_expiry_days).toBeCloseTo((notAfter - Date.now()) / DAY_MS, 2);
});

test('a certificate expiring in 10 days is still valid and says how long it has left', async () => {
  const m = await checkOne({ url: await serve(certs.expiringSoon), tls_ca: certs.caFile });
  expect(m.fields).toMatchObject({ up: 1n, tls_cert_valid: 1n });
  expect(m.fields.tls_expiry_days).toBeGreaterThan(9.9);
  expect(m.fields.tls_expiry_days).toBeLessThanOrEqual(10);
});

test('a certificate from a CA the check does not trust is a tls_error, and still reported', async () => {
  const m = await checkOne({ url: await serve(certs.valid) });
  expect(m.tags).toMatchObject({ result: 'tls_error', tls_subject: 'CN=valid.test', tls_issuer: 'CN=vigil test CA,O=vigil tests' });
  expect(m.tags).not.toHaveProperty('status_code');
  expect(m.fields).toMatchObject({ up: 0n, result_code: 7n, tls_cert_valid: 0n, error: 'unable to verify the first certificate' });
});

test('a self-signed certificate is a tls_error in its own words', async () => {
  const m = await checkOne({ url: await serve(certs.selfSigned), tls_ca: certs.caFile });
  expect(m.tags).toMatchObject({ result: 'tls_error', tls_subject: 'CN=self-signed.test', tls_issuer: 'CN=self-signed.test' });
  expect(m.fields).toMatchObject({ result_code: 7n, tls_cert_valid: 0n, error: 'self-signed certificate' });
});

test('an expired certificate is a tls_error with negative days left and its notAfter', async () => {
  const m = await checkOne({ url: await serve(certs.expired), tls_ca: certs.caFile });
  expect(m.tags.result).toBe('tls_error');
  expect(m.fields).toMatchObject({ result_code: 7n, tls_cert_valid: 0n, error: 'certificate has expired', tls_not_after: BigInt(Date.UTC(2020, 1, 1) / 1000) });
  expect(m.fields.tls_expiry_days).toBeLessThan(-365);
});

test('a certificate for another host name is a tls_error naming the mismatch', async () => {
  const m = await checkOne({ url: await serve(certs.wrongHost), tls_ca: certs.caFile });
  expect(m.tags).toMatchObject({ result: 'tls_error', tls_subject: 'CN=wrong-host.test' });
  expect(m.fields).toMatchObject({ result_code: 7n, tls_cert_valid: 0n });
  expect(m.fields.error).toMatch(/^Hostname\/IP does not match certificate's altnames: IP: 127\.0\.0\.1 is not in the cert's list/);
});

test('tls_server_name checks the certificate against that name instead of the URL\'s host', async () => {
  const m = await checkOne({ url: await serve(certs.wrongHost), tls_ca: certs.caFile, tls_server_name: 'wrong.example' });
  expect(m.tags).toMatchObject({ result: 'success', tls_subject: 'CN=wrong-host.test' });
  expect(m.fields).toMatchObject({ result_code: 0n, tls_cert_valid: 1n });
});

describe('insecure_skip_verify', () => {
  test.each([
    ['a self-signed', () => certs.selfSigned],
    ['an expired', () => certs.expired],
    ['a wrong host name\'s', () => certs.wrongHost],
  ])('accepts %s certificate and still reports it invalid', async (_, pair) => {
    const m = await checkOne({ url: await serve(pair()), tls_ca: certs.caFile, insecure_skip_verify: true });
    expect(m.tags).toMatchObject({ result: 'success', status_code: '200' });
    expect(m.fields).toMatchObject({ up: 1n, tls_cert_valid: 0n, tls_not_after: BigInt(notAfterOf(pair()) / 1000) });
  });

  test('reports a certificate that verifies as valid', async () => {
    const m = await checkOne({ url: await serve(certs.valid), tls_ca: certs.caFile, insecure_skip_verify: true });
    expect(m.fields).toMatchObject({ up: 1n, tls_cert_valid: 1n });
  });
});

test('a client certificate is presented to a server that requires one', async () => {
  const url = await serve(certs.valid, { ca: readFileSync(certs.caFile), requestCert: true, rejectUnauthorized: true });
  const without = await checkOne({ url, tls_ca: certs.caFile });
  expect(without.tags.result).toBe('tls_error');
  expect(without.fields).toMatchObject({ up: 0n, tls_cert_valid: 1n, error: 'tlsv13 alert certificate required' });
  const withCert = await checkOne({ url, tls_ca: certs.caFile, tls_cert: certs.client.cert, tls_key: certs.client.key });
  expect(withCert.tags.result).toBe('success');
});

test('an https URL served by a plain HTTP server is a tls_error in OpenSSL\'s words', async () => {
  const plain = await startTestServer();
  servers.push(plain);
  const m = await checkOne({ url: `${plain.origin.replace('http:', 'https:')}/ok` });
  expect(m.tags.result).toBe('tls_error');
  expect(m.fields).toMatchObject({ result_code: 7n, error: 'wrong version number' });
  expect(m.fields).not.toHaveProperty('tls_cert_valid');
});
