import { createOutput, makeTestCertificates, serverTls, startFixedAnswerServer, type FixedAnswerServer, type TestCertificates } from '@vigil/core/testing';
import { heartbeatOutput } from './index.js';
import { connected, createHeartbeat, metrics, startReceiver, stopAll } from './test-harness.js';
import { Target } from './target.js';

const servers: FixedAnswerServer[] = [];
const track = (server: FixedAnswerServer) => (servers.push(server), server);

afterEach(async () => {
  await stopAll();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const messagesOf = (logs: { message: string }[]) => logs.map((e) => e.message);

describe('outputs.heartbeat delivery', () => {
  it('logs one line when a URL starts failing, none for the failures after it, and one when it recovers', async () => {
    const receiver = await startReceiver();
    await receiver.stop();
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a' });
    await connected(run);
    await run.heartbeat.beat();
    await run.heartbeat.beat();
    expect(run.ownLogs()).toEqual([`error heartbeat to ${receiver.url} failed: connection refused; next try in 1h`]);
    await receiver.restart();
    await run.heartbeat.beat();
    expect(run.ownLogs()).toEqual([
      `error heartbeat to ${receiver.url} failed: connection refused; next try in 1h`,
      `info heartbeat to ${receiver.url} delivered again after 3 failed attempts`,
    ]);
  });

  it('keeps logs and counts accumulating while the endpoint is down, and sends them all once it is back', async () => {
    const receiver = await startReceiver();
    const run = createHeartbeat({ urls: [receiver.url], instance_id: 'a', include: ['statistics', 'logs', 'status'], logs: { level: 'warn' }, status: { warn: 'log_errors > 0' } });
    const beforeSuccess = Date.now();
    await connected(run);
    const afterSuccess = Date.now();
    expect(receiver.last.body.statistics).toEqual({ errors: 0, warnings: 0, metrics: 0 });

    await receiver.stop();
    run.log('error', 'gather failed');
    run.heartbeat.write(metrics(5));
    await run.heartbeat.beat();
    run.log('warn', 'slow');
    run.heartbeat.write(metrics(2));
    await receiver.restart();
    await run.heartbeat.beat();

    const back = receiver.last.body;
    expect(receiver.beats).toHaveLength(2);
    expect(back.statistics).toEqual({ errors: 2, warnings: 1, metrics: 7 });
    expect(messagesOf(back.logs)).toEqual(['gather failed', `heartbeat to ${receiver.url} failed: connection refused; next try in 1h`, 'slow']);
    expect(back.status).toBe('WARN');
    // After a failure, `last` says when the last success was (Unix seconds).
    expect(back.last).toBeGreaterThanOrEqual(Math.floor(beforeSuccess / 1000));
    expect(back.last).toBeLessThanOrEqual(Math.floor(afterSuccess / 1000));
    expect(receiver.beats[0].body).not.toHaveProperty('last');
    expect(run.ownLogs().at(-1)).toBe(`info heartbeat to ${receiver.url} delivered again after 1 failed attempt`);

    await run.heartbeat.beat();
    expect(receiver.last.body.statistics).toEqual({ errors: 0, warnings: 0, metrics: 0 });
    expect(receiver.last.body).not.toHaveProperty('last');
  });

  it('treats an answer outside 2xx as a failure, logging the status and what the server said', async () => {
    const receiver = await startReceiver();
    receiver.answer = { status: 503, body: 'down for\nmaintenance' };
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', send_logs: true });
    await connected(run);
    receiver.answer = { status: 200 };
    await run.heartbeat.beat();
    expect(run.ownLogs()[0]).toBe(`error heartbeat to ${receiver.url} failed: answered 503 Service Unavailable: down for maintenance; next try in 1h`);
    expect(messagesOf(receiver.last.body.logs)).toEqual([`heartbeat to ${receiver.url} failed: answered 503 Service Unavailable: down for maintenance; next try in 1h`]);
  });

  it('holds a URL back for a Retry-After longer than the interval, says so once, and goes on after it', async () => {
    const busy = await startReceiver();
    const healthy = await startReceiver();
    busy.answer = { status: 503, headers: { 'retry-after': '2' } };
    const run = createHeartbeat({ urls: [busy.url, healthy.url], agent_id: 'a', interval: '500ms' });
    const asked = Date.now();
    await connected(run);
    busy.answer = { status: 204 };
    // Beats within the two seconds leave that URL out, silently; the other is told as usual
    // (by this beat and by any the 500ms timer has started meanwhile).
    await run.heartbeat.beat();
    expect(busy.beats).toHaveLength(1);
    expect(healthy.beats.length).toBeGreaterThanOrEqual(2);
    expect(run.ownLogs()).toEqual([`error heartbeat to ${busy.url} failed: answered 503 Service Unavailable; next try after 2s, as the server asked (Retry-After)`]);

    await busy.received(2);
    expect(Date.now() - asked).toBeGreaterThanOrEqual(2000);
    await run.heartbeat.whenIdle();
    expect(run.ownLogs().at(-1)).toBe(`info heartbeat to ${busy.url} delivered again after 1 failed attempt`);
  });

  it('keeps to its interval when Retry-After is shorter, or comes with a status not worth retrying', async () => {
    const receiver = await startReceiver();
    receiver.answer = { status: 429, body: 'slow down', headers: { 'retry-after': '30' } };
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', interval: '1m' });
    await connected(run);
    receiver.answer = { status: 401, headers: { 'retry-after': '300' } };
    await run.heartbeat.beat();
    await run.heartbeat.beat();
    expect(receiver.beats).toHaveLength(3);
    expect(run.ownLogs()).toEqual([`error heartbeat to ${receiver.url} failed: answered 429 Too Many Requests: slow down; next try in 1m`]);
  });

  it('gives up on a request after timeout and logs it', async () => {
    const receiver = await startReceiver();
    receiver.answer = 'hang';
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', timeout: '150ms' });
    await connected(run);
    expect(run.ownLogs()).toEqual([`error heartbeat to ${receiver.url} failed: no answer within 150ms (timeout); next try in 1h`]);
  });

  it('never lets a URL that does not answer hold up the others, and keeps one request per URL at a time', async () => {
    const stuck = await startReceiver();
    const healthy = await startReceiver();
    stuck.answer = 'hang';
    const run = createHeartbeat({ urls: [stuck.url, healthy.url], agent_id: 'a', timeout: '30s', interval: '20ms' });
    run.heartbeat.connect();
    await healthy.received(3);
    // The stuck URL still has its first request open: no failure yet, and no second request;
    // the beats it missed are said once.
    expect(stuck.beats).toHaveLength(1);
    const skipped = `warn heartbeat to ${stuck.url} skipped: the previous one is still waiting for an answer`;
    expect(run.ownLogs()).toEqual([skipped]);
    await run.heartbeat.close();
    // Closing cancels what is still open; none of it counts as a failure.
    expect(run.ownLogs().filter((l) => !l.endsWith('cancelled: the output is closing (stop or reload)'))).toEqual([skipped]);
  });

  it('gives each URL its own backlog: a refused URL does not stop the other from being told', async () => {
    const down = await startReceiver();
    const up = await startReceiver();
    await down.stop();
    const run = createHeartbeat({ urls: [down.url, up.url], agent_id: 'a', send_logs: true });
    run.log('error', 'input broke');
    await connected(run);
    await run.heartbeat.beat();
    await down.restart();
    await run.heartbeat.beat();

    const failure = `heartbeat to ${down.url} failed: connection refused; next try in 1h`;
    expect(up.beats.map((b) => messagesOf(b.body.logs))).toEqual([['input broke'], [failure], []]);
    expect(down.beats.map((b) => messagesOf(b.body.logs))).toEqual([['input broke', failure]]);
  });

  it('keeps header values, the token and URL passwords out of its logs and messages', async () => {
    const receiver = await startReceiver();
    receiver.answer = { status: 401, body: 'rejected token tok-123456 and key hdr-987654' };
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', send_logs: true, token: 'tok-123456', headers: { 'X-Key': 'hdr-987654' } });
    await connected(run);
    receiver.answer = { status: 204 };
    await run.heartbeat.beat();

    expect(run.ownLogs()[0]).toBe(`error heartbeat to ${receiver.url} failed: answered 401 Unauthorized: rejected token *** and key ***; next try in 1h`);
    expect(receiver.last.headers).toMatchObject({ authorization: 'Bearer tok-123456', 'x-key': 'hdr-987654' });
    const sent = JSON.stringify(receiver.last.body);
    expect(sent).toContain('rejected token *** and key ***');
    expect(sent).not.toMatch(/tok-123456|hdr-987654/);
  });

  it('sends the credentials of a URL as basic auth, and shows the URL without its password', async () => {
    const receiver = await startReceiver();
    receiver.answer = { status: 403 };
    const run = createHeartbeat({ urls: [receiver.url.replace('http://', 'http://deploy:pa55word@')], agent_id: 'a' });
    await connected(run);
    expect(receiver.last.headers.authorization).toBe(`Basic ${Buffer.from('deploy:pa55word').toString('base64')}`);
    expect(run.ownLogs()).toEqual([`error heartbeat to ${receiver.url.replace('http://', 'http://deploy:***@')} failed: answered 403 Forbidden; next try in 1h`]);
  });

  it('cancels the heartbeat in flight at close instead of waiting for its timeout, and starts no other', async () => {
    const receiver = await startReceiver();
    receiver.answer = 'hang';
    // A timeout longer than jest's own: close() can only finish in time by cancelling.
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', timeout: '1h', interval: '20ms' });
    run.heartbeat.connect();
    await receiver.received(1);
    await run.heartbeat.close();
    await run.heartbeat.beat();
    expect(run.ownLogs().filter((l) => !l.includes('skipped'))).toEqual([`info heartbeat to ${receiver.url} cancelled: the output is closing (stop or reload)`]);
    expect(receiver.beats).toHaveLength(1);
  });

  it('holds a URL back for a Retry-After on 429 longer than the interval', async () => {
    const receiver = await startReceiver();
    receiver.answer = { status: 429, headers: { 'retry-after': '120' } };
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', interval: '1m' });
    await connected(run);
    await run.heartbeat.beat();
    expect(receiver.beats).toHaveLength(1);
    expect(run.ownLogs()).toEqual([`error heartbeat to ${receiver.url} failed: answered 429 Too Many Requests; next try after 2m, as the server asked (Retry-After)`]);
  });

  it('reads only the start of an answer\'s body: a 200 with 256 MiB is a success without the rest being downloaded', async () => {
    const total = 256 * 1024 * 1024;
    const server = track(await startFixedAnswerServer({ status: 200, bodyBytes: total }));
    const run = createHeartbeat({ urls: [`${server.origin}/hb`], agent_id: 'a', timeout: '20s' });
    await connected(run);
    expect(run.ownLogs()).toEqual([]);
    expect(server.bodyBytesSent[0]).toBeLessThan(total / 4);
  });

  it('fails on a huge error body the same way, quoting only its start', async () => {
    const server = track(await startFixedAnswerServer({ status: 500, bodyBytes: 256 * 1024 * 1024 }));
    const run = createHeartbeat({ urls: [`${server.origin}/hb`], agent_id: 'a', timeout: '20s' });
    await connected(run);
    expect(run.ownLogs()).toEqual([`error heartbeat to ${server.origin}/hb failed: answered 500 Internal Server Error: ${'x'.repeat(200)}…; next try in 1h`]);
  });
});

describe('outputs.heartbeat over TLS', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = makeTestCertificates();
  });
  afterAll(() => certs.remove());

  it('trusts the server through tls_ca', async () => {
    const receiver = await startReceiver(serverTls(certs));
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a', tls_ca: certs.caFile });
    await connected(run);
    expect(receiver.beats).toHaveLength(1);
    expect(run.ownLogs()).toEqual([]);
  });

  it('refuses a server it cannot verify, and says why', async () => {
    const receiver = await startReceiver(serverTls(certs));
    const run = createHeartbeat({ urls: [receiver.url], agent_id: 'a' });
    await connected(run);
    expect(receiver.beats).toHaveLength(0);
    expect(run.ownLogs()).toEqual([`error heartbeat to ${receiver.url} failed: self-signed certificate in certificate chain; next try in 1h`]);
  });

  it('accepts any server with insecure_skip_verify', async () => {
    const receiver = await startReceiver(serverTls(certs));
    await connected(createHeartbeat({ urls: [receiver.url], agent_id: 'a', insecure_skip_verify: true }));
    expect(receiver.beats).toHaveLength(1);
  });

  it('presents the client certificate of tls_cert and tls_key', async () => {
    const receiver = await startReceiver(serverTls(certs));
    await connected(createHeartbeat({ urls: [receiver.url], agent_id: 'a', tls_ca: certs.caFile, tls_cert: certs.client.cert, tls_key: certs.client.key }));
    expect(receiver.last.clientCertificate).toBe('vigil-agent');
  });

  it('fails at start-up, naming the option, when a TLS file cannot be read', () => {
    expect(() => createOutput(heartbeatOutput, { urls: ['https://127.0.0.1:9/'], agent_id: 'a', tls_ca: `${certs.dir}/missing.pem` })).toThrow(
      `option "tls_ca": cannot read ${certs.dir}/missing.pem: ENOENT`,
    );
  });
});

describe('outputs.heartbeat failure lines', () => {
  const start = { logSeq: 0, counters: { metrics: 0, logErrors: 0, logWarnings: 0 }, snapshot: {} as never };

  it('logs the first failure of a run, then at most one a minute, and again from the first after a success', () => {
    const target = new Target('http://127.0.0.1:9/hb', start, 0);
    const logged = (at: number) => (target.failed(at), target.logsFailure(at));
    expect([logged(1_000), logged(2_000), logged(60_999), logged(61_000), logged(62_000), logged(121_000)]).toEqual([true, false, false, true, false, true]);
    target.succeeded(start, 122_000);
    expect([logged(123_000), logged(124_000)]).toEqual([true, false]);
  });
});
