import { gatherOnce } from '@vigil/core/testing';
import http from './index.js';
import { OK_BODY, startTestServer, type TestServer } from './test-servers.js';

let home: TestServer;
let other: TestServer;
beforeAll(async () => {
  [home, other] = await Promise.all([startTestServer(), startTestServer()]);
});
afterAll(async () => {
  await Promise.all([home.close(), other.close()]);
});

async function checkOne(options: Record<string, unknown>) {
  const { metrics, errors } = await gatherOnce(http, { name: 'web', ...options });
  expect(errors).toEqual([]);
  expect(metrics).toHaveLength(1);
  return metrics[0];
}

describe('inputs.http redirects', () => {
  it('follows a redirect to another origin without the configured headers', async () => {
    const m = await checkOne({ url: `${home.origin}/away?to=${other.origin}/ok`, follow_redirects: true, headers: { 'X-Api-Key': 'key-4711', Authorization: 'Bearer tok-4711' } });
    expect(m.tags).toMatchObject({ status_code: '200', result: 'success' });
    expect(m.fields.content_length).toBe(BigInt(Buffer.byteLength(OK_BODY)));
    expect(home.last?.headers).toMatchObject({ 'x-api-key': 'key-4711', authorization: 'Bearer tok-4711' });
    expect(other.last?.path).toBe('/ok');
    expect(other.last?.headers).not.toHaveProperty('x-api-key');
    expect(other.last?.headers).not.toHaveProperty('authorization');
  });

  it('keeps the headers on a redirect within the same origin', async () => {
    await checkOne({ url: `${home.origin}/redirect`, follow_redirects: true, headers: { 'X-Api-Key': 'key-4711' } });
    expect(home.last).toMatchObject({ path: '/ok', headers: { 'x-api-key': 'key-4711' } });
  });

  it('keeps the headers for another origin that is itself configured', async () => {
    // One URL at a time, in order, so that `other.last` is the redirected request.
    const { metrics } = await gatherOnce(http, { name: 'web', urls: [`${other.origin}/hold`, `${home.origin}/away?to=${other.origin}/ok`], concurrency: 1, follow_redirects: true, headers: { 'X-Api-Key': 'key-4711' } });
    expect(metrics.map((m) => m.tags.result)).toEqual(['success', 'success']);
    expect(other.last?.path).toBe('/ok');
    expect(other.last?.headers['x-api-key']).toBe('key-4711');
  });
});

describe('inputs.http body size', () => {
  it('stops reading a body past response_body_max_size and reports a body_read_error with the status', async () => {
    const before = process.memoryUsage().rss;
    const m = await checkOne({ url: `${home.origin}/huge`, response_body_max_size: '1MiB' });
    expect(m.tags).toMatchObject({ result: 'body_read_error', status_code: '200' });
    expect(m.fields).toMatchObject({ up: 0n, result_code: 2n, http_response_code: 200n, error: 'body longer than 1048576 bytes: read stopped there' });
    // The server would send 1 GiB: far less than that was held.
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  });

  it('reads a body up to the cap whole', async () => {
    const m = await checkOne({ url: `${home.origin}/ok`, response_body_max_size: Buffer.byteLength(OK_BODY) });
    expect(m.tags.result).toBe('success');
  });
});
