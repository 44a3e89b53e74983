import { checkOptions, freePort, gatherOnce, makeTestCertificates, readKeyPair, type TestCertificates } from '@vigil/core/testing';
import { httpResponse } from './index.js';
import { OK_BODY, startTestServer, type TestServer } from './test-servers.js';

let server: TestServer;
let secure: TestServer;
let certs: TestCertificates;
beforeAll(async () => {
  certs = makeTestCertificates();
  [server, secure] = await Promise.all([startTestServer(), startTestServer(readKeyPair(certs.server))]);
});
afterAll(async () => {
  await Promise.all([server.close(), secure.close()]);
  certs.remove();
});

async function checkOne(options: Record<string, unknown>) {
  const { metrics, errors } = await gatherOnce(httpResponse, options);
  expect(errors).toEqual([]);
  expect(metrics).toHaveLength(1);
  expect(metrics[0].name).toBe('http_response');
  return metrics[0];
}

// Field by field as Telegraf's http_response README documents them.
describe('inputs.http_response', () => {
  it('reports a 200 with Telegraf\'s tags and fields, response_time in seconds', async () => {
    const url = `${server.origin}/ok`;
    const started = performance.now();
    const m = await checkOne({ urls: [url] });
    const elapsedSeconds = (performance.now() - started) / 1000;
    expect(m.tags).toEqual({ server: url, method: 'GET', status_code: '200', result: 'success' });
    expect(Object.keys(m.fields).sort()).toEqual(['content_length', 'http_response_code', 'response_time', 'result_code', 'result_type']);
    expect(m.fields).toMatchObject({ http_response_code: 200n, content_length: BigInt(Buffer.byteLength(OK_BODY)), result_type: 'success', result_code: 0n });
    expect(m.fields.response_time).toBeGreaterThan(0);
    expect(m.fields.response_time).toBeLessThanOrEqual(elapsedSeconds);
  });

  it('calls a 404 a success when no response_status_code is configured', async () => {
    const m = await checkOne({ urls: [`${server.origin}/missing`] });
    expect(m.tags).toMatchObject({ status_code: '404', result: 'success' });
    expect(m.fields).toMatchObject({ http_response_code: 404n, result_type: 'success', result_code: 0n });
    expect(m.fields).not.toHaveProperty('response_status_code_match');
  });

  it('checks response_status_code and says whether it matched', async () => {
    const missing = await checkOne({ urls: [`${server.origin}/missing`], response_status_code: 200 });
    expect(missing.tags.result).toBe('response_status_code_mismatch');
    expect(missing.fields).toMatchObject({ result_type: 'response_status_code_mismatch', result_code: 6n, response_status_code_match: 0n });
    const ok = await checkOne({ urls: [`${server.origin}/ok`], response_status_code: 200 });
    expect(ok.fields).toMatchObject({ result_type: 'success', response_status_code_match: 1n });
  });

  it('checks response_string_match and can keep the body in response_body_field', async () => {
    const matched = await checkOne({ urls: [`${server.origin}/ok`], response_string_match: 'says hel+o', response_body_field: 'body' });
    expect(matched.fields).toMatchObject({ response_string_match: 1n, result_type: 'success', body: OK_BODY });
    const mismatched = await checkOne({ urls: [`${server.origin}/ok`], response_string_match: '^nope' });
    expect(mismatched.fields).toMatchObject({ response_string_match: 0n, result_type: 'response_string_mismatch', result_code: 1n });
  });

  it('reports a timeout after response_timeout, a refused port and a name that does not resolve', async () => {
    const slow = await checkOne({ urls: [`${server.origin}/slow`], response_timeout: '300ms' });
    expect(slow.tags).toEqual({ server: `${server.origin}/slow`, method: 'GET', result: 'timeout' });
    expect(slow.fields).toEqual({ result_type: 'timeout', result_code: 4n });
    const refused = await checkOne({ urls: [`http://127.0.0.1:${await freePort()}/`] });
    expect(refused.fields).toEqual({ result_type: 'connection_failed', result_code: 3n });
    const unknown = await checkOne({ urls: ['http://no-such-host.invalid/'] });
    expect(unknown.fields).toEqual({ result_type: 'dns_error', result_code: 5n });
  });

  it('calls a failed TLS verification connection_failed, as Telegraf does', async () => {
    const m = await checkOne({ urls: [`${secure.origin}/ok`] });
    expect(m.fields).toEqual({ result_type: 'connection_failed', result_code: 3n });
    const trusted = await checkOne({ urls: [`${secure.origin}/ok`], tls_ca: certs.caFile });
    expect(trusted.fields.result_type).toBe('success');
  });

  it('sends the method, body, headers and basic auth', async () => {
    await checkOne({ urls: [`${server.origin}/ok`], method: 'POST', body: '{"ping":1}', headers: { 'Content-Type': 'application/json' }, username: 'ops', password: 'pw' });
    expect(server.last).toMatchObject({ method: 'POST', body: '{"ping":1}', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('ops:pw').toString('base64')}` } });
  });

  it('takes the deprecated address as one more URL', async () => {
    const m = await checkOne({ urls: [], address: `${server.origin}/ok` });
    expect(m.tags.server).toBe(`${server.origin}/ok`);
  });

  it('connects from the address of `interface`, and refuses an interface that does not exist', async () => {
    expect((await checkOne({ urls: [`${server.origin}/ok`], interface: 'lo' })).tags.result).toBe('success');
    expect(() => checkOptions(httpResponse, { urls: [`${server.origin}/ok`], interface: 'no-such-if0' })).toThrow('option "interface": no network interface "no-such-if0" with an address here');
  });

  it('refuses what inputs.http refuses, under its own option names', () => {
    expect(() => checkOptions(httpResponse, { urls: ['ftp://example.com/'] })).toThrow('option "urls": "ftp://example.com/" is not an http:// or https:// URL');
    expect(() => checkOptions(httpResponse, { urls: [], address: '' })).toThrow('option "urls" needs at least one URL');
  });
});
