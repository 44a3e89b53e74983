import { createRecordingAccumulator, createTestContext, freePort, gatherOnce } from '@vigil/core/testing';
import http from './index.js';
import { OK_BODY, startTestServer, type TestServer } from './test-servers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Gathers one service and returns its single metric, asserting the gather itself did not fail. */
async function checkOne(options: Record<string, unknown>, overrides = {}) {
  const { metrics, errors } = await gatherOnce(http, { name: 'web', ...options }, overrides);
  expect(errors).toEqual([]);
  expect(metrics).toHaveLength(1);
  expect(metrics[0].name).toBe('http_response');
  return metrics[0];
}

test('a service that answers as expected is up, with status, response time and body length', async () => {
  const url = `${server.origin}/ok`;
  const m = await checkOne({ url });
  expect(m.tags).toEqual({ name: 'web', server: url, method: 'GET', status_code: '200', result: 'success' });
  expect(m.fields).toMatchObject({ up: 1n, result_code: 0n, http_response_code: 200n, content_length: BigInt(Buffer.byteLength(OK_BODY)) });
  expect(typeof m.fields.response_time_ms).toBe('number');
  expect(m.fields.response_time_ms).toBeGreaterThan(0);
  expect(m.fields).not.toHaveProperty('error');
  expect(m.fields).not.toHaveProperty('tls_cert_valid');
  expect(m.fields).not.toHaveProperty('response_string_match');
});

test('a 500 is a status mismatch reported as data, not as a gather error', async () => {
  const m = await checkOne({ url: `${server.origin}/fail` });
  expect(m.tags).toMatchObject({ status_code: '500', result: 'response_status_code_mismatch' });
  expect(m.fields).toMatchObject({ up: 0n, result_code: 6n, http_response_code: 500n, error: 'status 500, expected 200' });
});

test('expected_status as a list accepts any of its codes', async () => {
  const m = await checkOne({ url: `${server.origin}/fail`, expected_status: [200, 500] });
  expect(m.fields).toMatchObject({ up: 1n, result_code: 0n });
});

test('an answer slower than the timeout is a timeout, without a status', async () => {
  const m = await checkOne({ url: `${server.origin}/slow`, timeout: '300ms' });
  expect(m.tags.result).toBe('timeout');
  expect(m.tags).not.toHaveProperty('status_code');
  expect(m.fields).toMatchObject({ up: 0n, result_code: 4n, error: 'timeout after 300ms' });
  expect(m.fields).not.toHaveProperty('response_time_ms');
});

test('a check with a timeout longer than the interval is cut off before the interval ends', async () => {
  const m = await checkOne({ url: `${server.origin}/slow`, timeout: '1m' }, { intervalMs: 600 });
  expect(m.fields).toMatchObject({ result_code: 4n, error: 'no answer before the end of the 600ms interval' });
});

test('a refused port is connection_failed', async () => {
  const m = await checkOne({ url: `http://127.0.0.1:${await freePort()}/` });
  expect(m.tags.result).toBe('connection_failed');
  expect(m.fields).toMatchObject({ up: 0n, result_code: 3n, error: 'connection refused' });
});

test('a name that cannot be resolved is a dns_error', async () => {
  const m = await checkOne({ url: 'http://service.vigil-test.invalid/' });
  expect(m.tags.result).toBe('dns_error');
  expect(m.fields).toMatchObject({ up: 0n, result_code: 5n, error: 'name not resolved' });
});

test('a body matching response_string_match is up and says so', async () => {
  const m = await checkOne({ url: `${server.origin}/ok`, response_string_match: 'says \\w+' });
  expect(m.fields).toMatchObject({ up: 1n, result_code: 0n, response_string_match: 1n });
});

test('a body not matching response_string_match is a response_string_mismatch', async () => {
  const m = await checkOne({ url: `${server.origin}/ok`, response_string_match: '^maintenance' });
  expect(m.tags).toMatchObject({ status_code: '200', result: 'response_string_mismatch' });
  expect(m.fields).toMatchObject({ up: 0n, result_code: 1n, response_string_match: 0n, error: 'body does not match /^maintenance/' });
});

test('a redirect is judged as the 301 it is when follow_redirects is off', async () => {
  const m = await checkOne({ url: `${server.origin}/redirect` });
  expect(m.tags).toMatchObject({ status_code: '301', result: 'response_status_code_mismatch' });
  expect(m.fields).toMatchObject({ http_response_code: 301n, error: 'status 301, expected 200' });
  expect(server.last?.path).toBe('/redirect');
});

test('with follow_redirects the final answer is judged', async () => {
  const url = `${server.origin}/redirect`;
  const m = await checkOne({ url, follow_redirects: true, response_string_match: 'hello' });
  expect(m.tags).toMatchObject({ server: url, status_code: '200', result: 'success' });
  expect(m.fields).toMatchObject({ up: 1n, response_string_match: 1n });
  expect(server.last?.path).toBe('/ok');
});

test('a body cut short is a body_read_error', async () => {
  const m = await checkOne({ url: `${server.origin}/cut` });
  expect(m.tags.result).toBe('body_read_error');
  expect(m.fields).toMatchObject({ up: 0n, result_code: 2n });
  expect(m.fields.error).toEqual(expect.any(String));
});

test('the method, headers and body are sent as configured', async () => {
  await checkOne({ url: `${server.origin}/ok`, method: 'POST', body: 'ping', headers: { Authorization: 'Bearer s3cret-token', Accept: 'text/plain' } });
  expect(server.last).toMatchObject({ method: 'POST', body: 'ping' });
  expect(server.last?.headers).toMatchObject({ authorization: 'Bearer s3cret-token', accept: 'text/plain', 'user-agent': expect.stringMatching(/^vigil\//) });
});

test('a User-Agent among the headers replaces vigil\'s', async () => {
  await checkOne({ url: `${server.origin}/ok`, headers: { 'User-Agent': 'uptime-probe/2' } });
  expect(server.last?.headers['user-agent']).toBe('uptime-probe/2');
});

test('credentials in the URL are blanked out of the server tag', async () => {
  const m = await checkOne({ url: `http://probe:pa55word@${server.origin.slice('http://'.length)}/ok` });
  expect(m.tags.server).toBe(`http://probe:***@${server.origin.slice('http://'.length)}/ok`);
  expect(server.last?.headers.authorization).toBe(`Basic ${Buffer.from('probe:pa55word').toString('base64')}`);
});

describe('a block with urls', () => {
  test('gives one metric per URL, and a hanging URL only fails itself', async () => {
    const urls = [`${server.origin}/slow`, `${server.origin}/ok`, `${server.origin}/fail`];
    const { metrics, errors } = await gatherOnce(http, { name: 'pool', urls, timeout: '500ms' });
    expect(errors).toEqual([]);
    const results = Object.fromEntries(metrics.map((m) => [m.tags.server, [m.tags.name, m.tags.result]]));
    expect(results).toEqual({
      [urls[0]]: ['pool', 'timeout'],
      [urls[1]]: ['pool', 'success'],
      [urls[2]]: ['pool', 'response_status_code_mismatch'],
    });
  });

  test('URLs still queued when the interval ends are reported as timeouts without being requested', async () => {
    const slow = await startTestServer();
    try {
      const urls = [`${slow.origin}/slow`, `${slow.origin}/ok`];
      const { metrics, errors } = await gatherOnce(http, { name: 'pool', urls, concurrency: 1, timeout: '1m' }, { intervalMs: 600 });
      expect(errors).toEqual([]);
      expect(metrics.map((m) => [m.tags.server, m.tags.result, m.fields.error])).toEqual([
        [urls[0], 'timeout', 'no answer before the end of the 600ms interval'],
        [urls[1], 'timeout', 'no answer before the end of the 600ms interval'],
      ]);
      expect(slow.last?.path).toBe('/slow');
    } finally {
      await slow.close();
    }
  });

  test('checks at most `concurrency` URLs at the same time', async () => {
    const held = await startTestServer();
    try {
      const urls = Array.from({ length: 6 }, (_, i) => `${held.origin}/hold?n=${i}`);
      const { metrics } = await gatherOnce(http, { name: 'pool', urls, concurrency: 2 });
      expect(metrics.map((m) => m.tags.result)).toEqual(Array(6).fill('success'));
      expect(held.maxInFlight).toBe(2);
    } finally {
      await held.close();
    }
  });
});

test('a check still waiting when the gather is stopped is reported as a timeout', async () => {
  const ctx = createTestContext(http, { name: 'web', url: `${server.origin}/slow` });
  const plugin = http.create(ctx as never);
  const stop = new AbortController();
  const acc = createRecordingAccumulator(stop.signal);
  const gathered = plugin.gather!(acc);
  setTimeout(() => stop.abort(), 100);
  await gathered;
  expect(acc.metrics).toHaveLength(1);
  expect(acc.metrics[0].fields).toMatchObject({ up: 0n, result_code: 4n, error: 'gather stopped before an answer' });
});
