import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { checkOptions, makeTestCertificates, type TestCertificates, startConnectProxy, type ConnectProxy } from '@vigil/core/testing';
import { parse } from 'smol-toml';
import { heartbeatOutput } from './index.js';
import type { HeartbeatOptions } from './schema.js';
import { connected, createHeartbeat, startReceiver, stopAll } from './test-harness.js';

let certs: TestCertificates;
let encryptedKey: string;
const servers: Server[] = [];
const proxies: ConnectProxy[] = [];

beforeAll(() => {
  certs = makeTestCertificates();
  encryptedKey = join(certs.dir, 'client-encrypted.key');
  execFileSync('openssl', ['pkey', '-in', certs.client.key, '-aes256', '-passout', 'pass:hb-key-pass-31', '-out', encryptedKey]);
});
afterAll(() => certs.remove());
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await stopAll();
  await Promise.all(servers.splice(0).map((s) => (s.closeAllConnections(), new Promise((resolve) => s.close(resolve)))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A server answering every request with `handler`, recording what it was sent. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
  const url = await listen(
    createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => (seen.push({ headers: req.headers, body }), handler(req, res)));
    }),
  );
  return { url, seen };
}

/** A CONNECT proxy on 127.0.0.1, closed after the test. */
async function connectProxy() {
  const proxy = await startConnectProxy();
  proxies.push(proxy);
  return proxy;
}

const tokenEndpoint = (token: string) => serve((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ access_token: token, token_type: 'bearer', expires_in: 3600 })));

describe("outputs.heartbeat with Telegraf's HTTP-client options", () => {
  it("loads Telegraf's heartbeat block with every client option uncommented", () => {
    const doc = parse(`
[[outputs.heartbeat]]
  url = "https://monitoring.example.com/heartbeat"
  instance_id = "agent-123"
  interval = "1m"
  idle_conn_timeout = "90s"
  max_idle_conn = 100
  max_idle_conn_per_host = 2
  response_timeout = "5s"
  local_address = "127.0.0.1"
  use_system_proxy = false
  http_proxy_url = "http://proxy.example.com:3128"
  tls_enable = true
  tls_ca = "${certs.caFile}"
  tls_cert = "${certs.client.cert}"
  tls_key = "${encryptedKey}"
  tls_key_pwd = "hb-key-pass-31"
  tls_server_name = "monitoring.internal"
  tls_min_version = "TLS12"
  tls_cipher_suites = ["secure"]
  tls_renegotiation_method = "never"
  insecure_skip_verify = false
  client_id = "heartbeat-agent"
  client_secret = "client-secret-1"
  token_url = "https://idp.example.com/oauth2/v1/token"
  audience = "https://monitoring.example.com"
  scopes = ["heartbeat:write"]
  cookie_auth_url = "https://monitoring.example.com/login"
  cookie_auth_method = "POST"
  cookie_auth_username = "agent"
  cookie_auth_password = "login-pass-2"
  cookie_auth_headers = { Content-Type = "application/json" }
  cookie_auth_body = '{"user": "agent"}'
  cookie_auth_renewal = "5m"
`) as { outputs: { heartbeat: Record<string, unknown>[] } };
    const options = checkOptions<HeartbeatOptions>(heartbeatOutput, doc.outputs.heartbeat[0]);
    expect(options).toMatchObject({ idle_conn_timeout: 90_000, response_timeout: 5_000, cookie_auth_renewal: 300_000, tls_cipher_suites: ['secure'], scopes: ['heartbeat:write'] });
  });

  it('names the option of a client setting that cannot work', () => {
    const problems = (options: Record<string, unknown>) => {
      try {
        checkOptions(heartbeatOutput, { url: 'http://127.0.0.1:9/hb', instance_id: 'a', ...options });
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(problems({ http_proxy_url: 'socks5://proxy:1080' })).toContain('option "http_proxy_url": "socks5://proxy:1080" is not an http:// or https:// URL');
    expect(problems({ local_address: 'eth0' })).toContain('option "local_address": "eth0" is not an IP address');
    expect(problems({ client_id: 'a' })).toContain('OAuth2 needs options "client_id", "client_secret" and "token_url" together');
    expect(problems({ token: 'abc', client_id: 'a', client_secret: 'b', token_url: 'http://127.0.0.1:9/t' })).toContain('OAuth2 (option "token_url") sets the Authorization header, which option "token" sets too; keep one');
    expect(problems({ tls_key_pwd: 'x' })).toContain('option "tls_key_pwd" needs option "tls_key"');
  });

  it('beats through http_proxy_url with an OAuth2 token fetched once, and a connection per heartbeat by default', async () => {
    const receiver = await startReceiver();
    const token = await tokenEndpoint('hb-token-1');
    const proxy = await connectProxy();
    const run = createHeartbeat({ url: receiver.url, instance_id: 'agent-123', http_proxy_url: proxy.url, client_id: 'heartbeat-agent', client_secret: 'client-secret-1', token_url: `${token.url}/oauth2/v1/token`, scopes: ['heartbeat:write'], local_address: '127.0.0.1' });
    await connected(run);
    await run.heartbeat.beat();
    expect(run.ownLogs()).toEqual([]);
    expect(receiver.beats.map((b) => [b.body.id, b.headers.authorization])).toEqual([
      ['agent-123', 'Bearer hb-token-1'],
      ['agent-123', 'Bearer hb-token-1'],
    ]);
    expect(token.seen).toHaveLength(1);
    expect(Object.fromEntries(new URLSearchParams(token.seen[0].body))).toEqual({ grant_type: 'client_credentials', scope: 'heartbeat:write' });
    const receiverHost = new URL(receiver.url).host;
    // The token request goes through the proxy too; each heartbeat opens its own tunnel.
    expect(proxy.tunnels).toEqual([new URL(token.url).host, receiverHost, receiverHost]);
  });

  it('keeps the connection between heartbeats with idle_conn_timeout', async () => {
    const receiver = await startReceiver();
    const proxy = await connectProxy();
    const run = createHeartbeat({ url: receiver.url, instance_id: 'a', http_proxy_url: proxy.url, idle_conn_timeout: '30s', max_idle_conn_per_host: 1 });
    await connected(run);
    await run.heartbeat.beat();
    expect(receiver.beats).toHaveLength(2);
    expect(proxy.tunnels).toEqual([new URL(receiver.url).host]);
  });

  it('logs in with cookie_auth_* and sends its cookie with the heartbeat', async () => {
    const receiver = await startReceiver();
    const login = await serve((_req, res) => res.setHeader('set-cookie', 'hb_session=s-77; Path=/').end());
    const run = createHeartbeat({ url: receiver.url, instance_id: 'a', cookie_auth_url: `${login.url}/login`, cookie_auth_username: 'agent', cookie_auth_password: 'login-pass-2', cookie_auth_body: '{"user":"agent"}' });
    await connected(run);
    expect(login.seen[0].headers.authorization).toBe(`Basic ${Buffer.from('agent:login-pass-2').toString('base64')}`);
    expect(login.seen[0].body).toBe('{"user":"agent"}');
    expect(receiver.last.headers.cookie).toBe('hb_session=s-77');
  });

  it('says the token endpoint refused, naming it and not the secret, and sends nothing', async () => {
    const receiver = await startReceiver();
    const token = await serve((_req, res) => res.writeHead(401).end('invalid_client client-secret-1'));
    const run = createHeartbeat({ url: receiver.url, instance_id: 'a', client_id: 'heartbeat-agent', client_secret: 'client-secret-1', token_url: `${token.url}/token` });
    await connected(run);
    expect(receiver.beats).toHaveLength(0);
    expect(run.ownLogs()).toEqual([`error heartbeat to ${receiver.url} failed: OAuth2 token from ${token.url}/token: status 401; next try in 1h`]);
  });

  it('gives up on an answer slower than response_timeout, saying which limit it was', async () => {
    const receiver = await startReceiver();
    receiver.answer = 'hang';
    const run = createHeartbeat({ url: receiver.url, instance_id: 'a', response_timeout: '200ms', timeout: '1m' });
    await connected(run);
    expect(run.ownLogs()).toEqual([`error heartbeat to ${receiver.url} failed: no answer within 200ms of sending (response_timeout); next try in 1h`]);
  });

  it('checks the server against tls_server_name and presents a client certificate whose key needs tls_key_pwd', async () => {
    const named = certs.issue('monitoring', { subjectAltName: 'DNS:monitoring.internal' });
    const receiver = await startReceiver({ cert: readFileSync(named.cert), key: readFileSync(named.key), ca: readFileSync(certs.caFile), requestCert: true, rejectUnauthorized: true });
    const tls = { tls_ca: certs.caFile, tls_cert: certs.client.cert, tls_key: encryptedKey, tls_key_pwd: 'hb-key-pass-31' };
    const refused = createHeartbeat({ url: receiver.url, instance_id: 'a', ...tls });
    await connected(refused);
    expect(refused.ownLogs()[0]).toMatch(/failed: .*(altnames|does not match)/i);
    expect(refused.ownLogs()[0]).not.toContain('hb-key-pass-31');
    const run = createHeartbeat({ url: receiver.url, instance_id: 'a', ...tls, tls_server_name: 'monitoring.internal', tls_min_version: 'TLS12', tls_cipher_suites: ['secure'] });
    await connected(run);
    expect(run.ownLogs()).toEqual([]);
    expect(receiver.last.clientCertificate).toBe('vigil-agent');
  });
});
