import { newLogRecord, newMetric, type Item, type OutputPlugin, type WriteResult } from '@vigil/core';
import { createOutput, freePort, makeTestCertificates, serverTls, writeContext, type TestCertificates } from '@vigil/core/testing';
import http from './index.js';
import { Receiver } from './test-receiver.js';

const cpu = newMetric('cpu', { usage_idle: 97.5, usage_user: 1.25 }, { host: 'web-01', cpu: 'cpu-total' }, 1763881200000);
const diskFull = newLogRecord({ level: 'error', message: 'disk full', source: '/var/log/app.log', timestamp: 1763881201000 }, 'logs');
const CPU_LINE = 'cpu,cpu=cpu-total,host=web-01 usage_idle=97.5,usage_user=1.25 1763881200000000000\n';
const LOG_LINE = 'logs level="error",message="disk full",source="/var/log/app.log" 1763881201000000000\n';

const receivers: Receiver[] = [];
const outputs: OutputPlugin[] = [];

async function startReceiver(...args: Parameters<typeof Receiver.start>): Promise<Receiver> {
  const receiver = await Receiver.start(...args);
  receivers.push(receiver);
  return receiver;
}

function httpOutput(options: Record<string, unknown>): OutputPlugin {
  const { plugin } = createOutput(http, options);
  outputs.push(plugin);
  return plugin;
}

/** One write of `batch`, with a context of its own unless given one. */
function write(output: OutputPlugin, batch: Item[] = [cpu], context = writeContext()): Promise<WriteResult | void> {
  return Promise.resolve(output.write(batch, context));
}

afterEach(async () => {
  await Promise.all(outputs.splice(0).map((o) => o.close?.()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('outputs.http: what is sent', () => {
  it('POSTs a batch of metrics and log records as line protocol, one line per item', async () => {
    const receiver = await startReceiver();
    const result = await write(httpOutput({ url: receiver.url }), [cpu, diskFull]);
    expect(result).toEqual({ outcome: 'written' });
    expect(receiver.last.method).toBe('POST');
    expect(receiver.last.path).toBe('/write');
    expect(receiver.last.body).toBe(CPU_LINE + LOG_LINE);
    expect(receiver.last.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(receiver.last.headers['user-agent']).toMatch(/^vigil\/\d/);
  });

  it('sends one {"metrics": [...]} document per batch with data_format = "json"', async () => {
    const receiver = await startReceiver();
    await write(httpOutput({ url: receiver.url, data_format: 'json', method: 'PUT' }), [cpu, diskFull]);
    expect(receiver.last.method).toBe('PUT');
    expect(receiver.last.headers['content-type']).toBe('application/json');
    expect(JSON.parse(receiver.last.body)).toEqual({
      metrics: [
        { type: 'metric', name: 'cpu', tags: { cpu: 'cpu-total', host: 'web-01' }, fields: { usage_idle: 97.5, usage_user: 1.25 }, timestamp: '2025-11-23T07:00:00.000Z' },
        { type: 'log', timestamp: '2025-11-23T07:00:01.000Z', level: 'error', message: 'disk full', source: '/var/log/app.log', attributes: {} },
      ],
    });
  });

  it('gzips the body with content_encoding = "gzip", and the server decodes the same lines', async () => {
    const receiver = await startReceiver();
    await write(httpOutput({ url: receiver.url, content_encoding: 'gzip' }), [cpu, diskFull]);
    expect(receiver.last.headers['content-encoding']).toBe('gzip');
    expect(receiver.last.body).toBe(CPU_LINE + LOG_LINE);
  });

  it('sends basic auth and the configured headers, which replace the defaults of the same name', async () => {
    const receiver = await startReceiver();
    await write(httpOutput({ url: receiver.url, username: 'agent', password: 's3cret!', headers: { 'X-Scope': 'team-a', 'Content-Type': 'text/x-influx' } }));
    expect(receiver.last.headers.authorization).toBe(`Basic ${Buffer.from('agent:s3cret!').toString('base64')}`);
    expect(receiver.last.headers['x-scope']).toBe('team-a');
    expect(receiver.last.headers['content-type']).toBe('text/x-influx');
  });

  it('sends nothing for a batch with nothing to write (only non-finite fields)', async () => {
    const receiver = await startReceiver();
    const result = await write(httpOutput({ url: receiver.url }), [newMetric('bad', { x: NaN }, {}, 0)]);
    expect(result).toEqual({ outcome: 'written' });
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('outputs.http: what an answer means for the batch', () => {
  it.each([200, 201, 204])('%i: written', async (status) => {
    const receiver = await startReceiver();
    receiver.answers.push({ status });
    expect(await write(httpOutput({ url: receiver.url }))).toEqual({ outcome: 'written' });
  });

  it('503: retried later, the reason naming the URL, the status and what the server said', async () => {
    const receiver = await startReceiver();
    receiver.answers.push({ status: 503, body: 'down for\nmaintenance' });
    expect(await write(httpOutput({ url: receiver.url }))).toEqual({ outcome: 'retry', reason: `${receiver.url} answered HTTP 503: down for maintenance` });
  });

  it('429 with Retry-After in seconds: retried no sooner than it says', async () => {
    const receiver = await startReceiver();
    receiver.answers.push({ status: 429, headers: { 'retry-after': '7' } });
    expect(await write(httpOutput({ url: receiver.url }))).toEqual({ outcome: 'retry', reason: `${receiver.url} answered HTTP 429`, retryAfterMs: 7000 });
  });

  it('429 with Retry-After as an HTTP date: retried no sooner than that time', async () => {
    const receiver = await startReceiver();
    const at = Date.now() + 120_000;
    receiver.answers.push({ status: 429, headers: { 'retry-after': new Date(at).toUTCString() } });
    const result = await write(httpOutput({ url: receiver.url }));
    expect(result).toMatchObject({ outcome: 'retry' });
    // The date has whole seconds, so up to one second less than asked; and the write took a moment.
    const retryAfterMs = (result as { retryAfterMs: number }).retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(118_000);
    expect(retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('408 and 500: retried', async () => {
    const receiver = await startReceiver();
    receiver.answers.push({ status: 408 }, { status: 500 });
    const output = httpOutput({ url: receiver.url });
    expect(await write(output)).toMatchObject({ outcome: 'retry', reason: `${receiver.url} answered HTTP 408` });
    expect(await write(output)).toMatchObject({ outcome: 'retry', reason: `${receiver.url} answered HTTP 500` });
  });

  it('400: rejected, with the start of what the server said', async () => {
    const receiver = await startReceiver();
    receiver.answers.push({ status: 400, body: `unable to parse 'cpu usage=': missing field value${' and more'.repeat(50)}` });
    const result = (await write(httpOutput({ url: receiver.url }))) as { outcome: string; reason: string };
    expect(result.outcome).toBe('rejected');
    expect(result.reason).toMatch(new RegExp(`^${receiver.url} answered HTTP 400: unable to parse 'cpu usage=': missing field value and more`));
    expect(result.reason.length).toBeLessThan(receiver.url.length + 240);
  });

  it('501 Not Implemented: rejected, since asking again will not help', async () => {
    const receiver = await startReceiver();
    receiver.answers.push({ status: 501 });
    expect(await write(httpOutput({ url: receiver.url }))).toEqual({ outcome: 'rejected', reason: `${receiver.url} answered HTTP 501` });
  });

  it('a redirect is not followed: rejected', async () => {
    const receiver = await startReceiver();
    receiver.answers.push({ status: 301, headers: { location: '/elsewhere' } });
    expect(await write(httpOutput({ url: receiver.url }))).toEqual({ outcome: 'rejected', reason: `${receiver.url} answered HTTP 301` });
    expect(receiver.requests).toHaveLength(1);
  });

  it('a code in non_retryable_statuscodes is rejected whatever its class', async () => {
    const receiver = await startReceiver();
    receiver.answers.push({ status: 503 }, { status: 409 });
    const output = httpOutput({ url: receiver.url, non_retryable_statuscodes: [503, 409] });
    expect(await write(output)).toEqual({ outcome: 'rejected', reason: `${receiver.url} answered HTTP 503` });
    expect(await write(output)).toEqual({ outcome: 'rejected', reason: `${receiver.url} answered HTTP 409` });
  });

  it('a connection reset by the server: retried', async () => {
    const receiver = await startReceiver();
    receiver.answers.push('reset');
    const output = httpOutput({ url: receiver.url });
    expect(await write(output)).toEqual({ outcome: 'retry', reason: `${receiver.url}: connection reset` });
    // The next write opens a new connection and gets through.
    expect(await write(output)).toEqual({ outcome: 'written' });
    expect(receiver.requests).toHaveLength(2);
  });

  it('a refused connection: retried', async () => {
    const url = `http://127.0.0.1:${await freePort()}/write`;
    expect(await write(httpOutput({ url }))).toEqual({ outcome: 'retry', reason: `${url}: connection refused` });
  });

  it('no answer within timeout: retried', async () => {
    const receiver = await startReceiver();
    receiver.answers.push('hang');
    const result = await write(httpOutput({ url: receiver.url, timeout: '150ms' }));
    expect(result).toEqual({ outcome: 'retry', reason: `${receiver.url}: no answer within 150ms (timeout)` });
    await receiver.last.closed;
  });

  it('a write the agent abandons (its signal aborts) closes the request at once', async () => {
    const receiver = await startReceiver();
    receiver.answers.push('hang');
    const abandon = new AbortController();
    const pending = write(httpOutput({ url: receiver.url, timeout: '60s' }), [cpu], writeContext({ signal: abandon.signal }));
    await receiver.received(1);
    abandon.abort();
    await receiver.last.closed;
    expect(await pending).toEqual({ outcome: 'retry', reason: `${receiver.url}: abandoned: the write was cancelled by the agent` });
  });

  it('closes a kept-alive connection once it has been idle for idle_conn_timeout', async () => {
    const receiver = await startReceiver();
    const output = httpOutput({ url: receiver.url, idle_conn_timeout: '100ms' });
    await write(output);
    await write(output);
    // Both writes went over the one kept-alive connection, which then closes by itself.
    expect(receiver.openConnections).toBe(1);
    await receiver.allConnectionsClosed();
  });
});

describe('outputs.http: secrets', () => {
  it('keeps header values and credentials out of reasons, even when the server echoes them', async () => {
    const receiver = await startReceiver();
    receiver.answers.push({ status: 401, body: 'bad token tok-123456 (key hdr-987654)' });
    const result = await write(httpOutput({ url: receiver.url, headers: { Authorization: 'tok-123456', 'X-Key': 'hdr-987654' } }));
    expect(result).toEqual({ outcome: 'rejected', reason: `${receiver.url} answered HTTP 401: bad token *** (key ***)` });
  });

  it('sends the credentials of the URL as basic auth and shows the URL with its password blanked', async () => {
    const receiver = await startReceiver();
    receiver.answers.push({ status: 500, body: 'pa55word rejected' });
    const url = receiver.url.replace('http://', 'http://deploy:pa55word@');
    const result = await write(httpOutput({ url }));
    expect(receiver.last.headers.authorization).toBe(`Basic ${Buffer.from('deploy:pa55word').toString('base64')}`);
    expect(result).toEqual({ outcome: 'retry', reason: `${receiver.url.replace('http://', 'http://deploy:***@')} answered HTTP 500: *** rejected` });
  });

  it('blanks the basic auth password from reasons', async () => {
    const receiver = await startReceiver();
    receiver.answers.push({ status: 403, body: 'user agent with password hunter22 may not write' });
    const result = await write(httpOutput({ url: receiver.url, username: 'agent', password: 'hunter22' }));
    expect(result).toEqual({ outcome: 'rejected', reason: `${receiver.url} answered HTTP 403: user *** with password *** may not write` });
  });
});

describe('outputs.http over TLS', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = makeTestCertificates();
  });
  afterAll(() => certs.remove());

  it('trusts the server through tls_ca', async () => {
    const receiver = await startReceiver(serverTls(certs));
    expect(await write(httpOutput({ url: receiver.url, tls_ca: certs.caFile }))).toEqual({ outcome: 'written' });
    expect(receiver.last.body).toBe(CPU_LINE);
  });

  it('refuses a server it cannot verify, and retries: the certificate may be fixed', async () => {
    const receiver = await startReceiver(serverTls(certs));
    expect(await write(httpOutput({ url: receiver.url }))).toEqual({ outcome: 'retry', reason: `${receiver.url}: self-signed certificate in certificate chain` });
    expect(receiver.requests).toHaveLength(0);
  });

  it('accepts any server with insecure_skip_verify', async () => {
    const receiver = await startReceiver(serverTls(certs));
    expect(await write(httpOutput({ url: receiver.url, insecure_skip_verify: true }))).toEqual({ outcome: 'written' });
  });

  it('presents the client certificate of tls_cert and tls_key', async () => {
    const receiver = await startReceiver(serverTls(certs));
    await write(httpOutput({ url: receiver.url, tls_ca: certs.caFile, tls_cert: certs.client.cert, tls_key: certs.client.key }));
    expect(receiver.last.clientCertificate).toBe('vigil-agent');
  });
});
