import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { compileSchema } from '../config/validator.js';
import { startConnectProxy, type ConnectProxy } from '../testing/connect-proxy.js';
import { makeTestCertificates, type TestCertificates } from '../testing/test-certificates.js';
import { createHttpClient, type HttpClient } from './http-client.js';
import { HTTP_CLIENT_SCHEMA_PROPERTIES, httpClientProblems, type HttpClientOptions } from './http-client-options.js';

/** Options as a plugin gets them: the schema's defaults applied, durations in milliseconds. */
function clientOptions(given: Record<string, unknown> = {}): HttpClientOptions {
  const options = structuredClone(given);
  const problems = compileSchema({ type: 'object', properties: HTTP_CLIENT_SCHEMA_PROPERTIES }).validate(options);
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('; '));
  return options as unknown as HttpClientOptions;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const servers: Server[] = [];
const proxies: ConnectProxy[] = [];
const clients: HttpClient[] = [];
let certs: TestCertificates;

beforeAll(() => {
  certs = makeTestCertificates();
});
afterAll(() => certs.remove());
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  clients.splice(0).forEach((c) => c.close());
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve).closeAllConnections?.())));
});

/** A real server on 127.0.0.1 recording every request it is sent. */
async function serve(handler: Handler, tls?: { cert: string; key: string }, serverOptions: object = {}): Promise<{ url: string; seen: Seen[] }> {
  const server = tls ? createHttpsServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key), ...serverOptions }) : createServer();
  const seen: Seen[] = [];
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** A CONNECT proxy on 127.0.0.1, closed after the test. */
async function connectProxy() {
  const proxy = await startConnectProxy();
  proxies.push(proxy);
  return proxy;
}

function client(options: Record<string, unknown>, urls: string[]): HttpClient {
  const c = createHttpClient(clientOptions(options), { urls });
  clients.push(c);
  return c;
}

const ok: Handler = (_req, res) => res.end('fine');

describe('createHttpClient', () => {
  it('sends requests through http_proxy_url, to an http and an https service', async () => {
    const plain = await serve(ok);
    const secure = await serve(ok, certs.server);
    const proxy = await connectProxy();
    const c = client({ http_proxy_url: proxy.url, tls_ca: certs.caFile }, [plain.url, secure.url]);
    expect((await c.got(`${plain.url}/a`)).body).toBe('fine');
    expect((await c.got(`${secure.url}/b`)).body).toBe('fine');
    expect(proxy.tunnels).toEqual([new URL(plain.url).host, new URL(secure.url).host]);
    expect(plain.seen.map((s) => s.url)).toEqual(['/a']);
    expect(secure.seen.map((s) => s.url)).toEqual(['/b']);
  });

  it('takes the proxy from HTTPS_PROXY with use_system_proxy, and none for a NO_PROXY host', async () => {
    const secure = await serve(ok, certs.server);
    const proxy = await connectProxy();
    const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
    try {
      process.env.HTTPS_PROXY = proxy.url;
      delete process.env.NO_PROXY;
      const c = client({ use_system_proxy: true, tls_ca: certs.caFile }, [secure.url]);
      await c.got(`${secure.url}/via-proxy`);
      process.env.NO_PROXY = '127.0.0.1';
      await c.got(`${secure.url}/direct`);
    } finally {
      for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
    }
    expect(proxy.tunnels).toEqual([new URL(secure.url).host]);
    expect(secure.seen.map((s) => s.url)).toEqual(['/via-proxy', '/direct']);
  });

  it('fetches one OAuth2 token for many requests and sends it as a bearer token', async () => {
    const token = await serve((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ access_token: 'tok-1', token_type: 'bearer', expires_in: 3600 })));
    const service = await serve(ok);
    const c = client({ client_id: 'agent-7', client_secret: 's3cret:x', token_url: `${token.url}/oauth/token`, scopes: ['read', 'write'], audience: 'https://api.example' }, [service.url]);
    await Promise.all([c.got(service.url), c.got(service.url)]);
    await c.got(service.url);
    expect(token.seen).toHaveLength(1);
    const asked = token.seen[0];
    expect(asked.headers.authorization).toBe(`Basic ${Buffer.from('agent-7:s3cret%3Ax').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(asked.body))).toEqual({ grant_type: 'client_credentials', scope: 'read write', audience: 'https://api.example' });
    expect(service.seen.map((s) => s.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1']);
  });

  it('fetches a new OAuth2 token once the last one has expired', async () => {
    let issued = 0;
    // 10 s is the renewal margin: such a token is stale at once.
    const token = await serve((_req, res) => res.end(JSON.stringify({ access_token: `tok-${++issued}`, expires_in: 10 })));
    const service = await serve(ok);
    const c = client({ client_id: 'a', client_secret: 'b', token_url: token.url }, [service.url]);
    await c.got(service.url);
    await c.got(service.url);
    expect(token.seen).toHaveLength(2);
    expect(service.seen.map((s) => s.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it('fails the request naming the token URL when the token endpoint refuses', async () => {
    const token = await serve((_req, res) => res.writeHead(401).end('bad client'));
    const service = await serve(ok);
    const c = client({ client_id: 'a', client_secret: 'very-secret-value', token_url: `${token.url}/token` }, [service.url]);
    const error = await c.got(service.url).catch((e: Error) => e);
    expect(String(error)).toContain(`OAuth2 token from ${token.url}/token: status 401`);
    expect(String(error)).not.toContain('very-secret-value');
    expect(service.seen).toHaveLength(0);
  });

  it('logs in with cookie_auth_* once and sends the cookie with every request', async () => {
    const login = await serve((_req, res) => res.setHeader('set-cookie', 'session=abc123; Path=/').end());
    const service = await serve(ok);
    const c = client(
      { cookie_auth_url: `${login.url}/login`, cookie_auth_username: 'ops', cookie_auth_password: 'pw', cookie_auth_headers: { 'x-tenant': 't1' }, cookie_auth_body: '{"user":"ops"}' },
      [service.url],
    );
    await c.got(service.url);
    await c.got(service.url);
    expect(login.seen).toHaveLength(1);
    expect(login.seen[0].headers).toMatchObject({ authorization: `Basic ${Buffer.from('ops:pw').toString('base64')}`, 'x-tenant': 't1' });
    expect(login.seen[0].body).toBe('{"user":"ops"}');
    expect(service.seen.map((s) => s.headers.cookie)).toEqual(['session=abc123', 'session=abc123']);
  });

  it('logs in again after cookie_auth_renewal', async () => {
    let sessions = 0;
    const login = await serve((_req, res) => res.setHeader('set-cookie', `session=s${++sessions}; Path=/`).end());
    const service = await serve(ok);
    const c = client({ cookie_auth_url: login.url, cookie_auth_renewal: '1ms' }, [service.url]);
    await c.got(service.url);
    await new Promise((resolve) => setTimeout(resolve, 5)); // past the 1 ms renewal, not a wait for a condition
    await c.got(service.url);
    expect(login.seen).toHaveLength(2);
    expect(service.seen.map((s) => s.headers.cookie)).toEqual(['session=s1', 'session=s2']);
  });

  it('sends tls_server_name in the handshake and checks the certificate against it', async () => {
    const named = certs.issue('named-service', { subjectAltName: 'DNS:service.internal' });
    const secure = await serve(ok, named);
    const refused = await client({ tls_ca: certs.caFile }, [secure.url]).got(secure.url).catch((e: Error) => e);
    expect(String(refused)).toMatch(/altnames|does not match|IP: 127\.0\.0\.1/i);
    const accepted = await client({ tls_ca: certs.caFile, tls_server_name: 'service.internal' }, [secure.url]).got(secure.url);
    expect(accepted.body).toBe('fine');
  });

  it('opens an encrypted tls_key with tls_key_pwd to present the client certificate', async () => {
    const encrypted = join(certs.dir, 'client-encrypted.key');
    execFileSync('openssl', ['pkey', '-in', certs.client.key, '-aes256', '-passout', 'pass:key-pass-4711', '-out', encrypted]);
    let presented = '';
    const secure = await serve((req, res) => {
      presented = String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '');
      res.end('fine');
    }, certs.server, { ca: readFileSync(certs.caFile), requestCert: true, rejectUnauthorized: true });
    const c = client({ tls_ca: certs.caFile, tls_cert: certs.client.cert, tls_key: encrypted, tls_key_pwd: 'key-pass-4711' }, [secure.url]);
    expect((await c.got(secure.url)).body).toBe('fine');
    expect(presented).toBe('vigil-agent');
  });

  it('refuses a server below tls_min_version', async () => {
    const old = await serve(ok, certs.server, { maxVersion: 'TLSv1.2' });
    expect((await client({ tls_ca: certs.caFile, tls_min_version: 'TLS12' }, [old.url]).got(old.url)).body).toBe('fine');
    await expect(client({ tls_ca: certs.caFile, tls_min_version: 'TLS13' }, [old.url]).got(old.url)).rejects.toThrow(/version|protocol/i);
  });

  it('offers Telegraf\'s "secure" suites: a server with only an insecure TLS 1.2 suite is refused, "insecure" reaches it', async () => {
    const weak = await serve(ok, certs.server, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA256' });
    await expect(client({ tls_ca: certs.caFile, tls_cipher_suites: ['secure'] }, [weak.url]).got(weak.url)).rejects.toThrow(/handshake|cipher|alert/i);
    expect((await client({ tls_ca: certs.caFile, tls_cipher_suites: ['insecure'] }, [weak.url]).got(weak.url)).body).toBe('fine');
  });

  it('sends neither headers, token nor cookies to another origin a redirect leads to', async () => {
    const other = await serve(ok);
    const token = await serve((_req, res) => res.end(JSON.stringify({ access_token: 'tok-home', expires_in: 3600 })));
    const home = await serve((_req, res) => res.writeHead(302, { location: `${other.url}/landed` }).end());
    const c = client({ client_id: 'a', client_secret: 'b', token_url: token.url }, [home.url]);
    const answer = await c.got(`${home.url}/start`, { headers: { 'x-api-key': 'key-123', 'user-agent': 'vigil-test' }, username: 'u', password: 'p' });
    expect(answer.body).toBe('fine');
    expect(home.seen[0].headers).toMatchObject({ 'x-api-key': 'key-123', authorization: 'Bearer tok-home' });
    expect(other.seen[0].url).toBe('/landed');
    expect(other.seen[0].headers['x-api-key']).toBeUndefined();
    expect(other.seen[0].headers.authorization).toBeUndefined();
    expect(other.seen[0].headers['user-agent']).toBe('vigil-test');
  });

  it('connects from local_address', async () => {
    let remote = '';
    const service = await serve((req, res) => ((remote = req.socket.remoteAddress ?? ''), res.end()));
    await client({ local_address: '127.0.0.1' }, [service.url]).got(service.url);
    expect(remote).toBe('127.0.0.1');
  });
});

describe('httpClientProblems', () => {
  it('names the options that cannot work', () => {
    const problems = httpClientProblems(
      clientOptions({ http_proxy_url: 'socks5://u:hidden@proxy:1080', local_address: 'eth0', tls_cipher_suites: ['TLS_RSA_WITH_RC4_128_SHA'], client_id: 'a', tls_key_pwd: 'x' }),
    );
    expect(problems.map((p) => p.message)).toEqual([
      'option "http_proxy_url": "socks5://u:***@proxy:1080" is not an http:// or https:// URL',
      'option "local_address": "eth0" is not an IP address',
      'option "tls_cipher_suites": unknown suite "TLS_RSA_WITH_RC4_128_SHA"',
      'option "tls_key_pwd" needs option "tls_key"',
      'OAuth2 needs options "client_id", "client_secret" and "token_url" together; missing "client_secret", "token_url"',
    ]);
  });

  it('accepts Telegraf\'s sample values', () => {
    expect(
      httpClientProblems(
        clientOptions({ idle_conn_timeout: '90s', max_idle_conn: 100, max_idle_conn_per_host: 2, response_timeout: '5s', tls_enable: true, tls_min_version: 'TLS12', tls_cipher_suites: ['secure', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'], tls_renegotiation_method: 'never', scopes: ['urn:opc:idm:__myscopes__'] }),
      ),
    ).toEqual([]);
  });
});
