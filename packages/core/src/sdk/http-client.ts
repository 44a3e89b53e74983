import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https';
import type { ConnectionOptions, SecureVersion } from 'node:tls';
import got, { type Agents, type BeforeRequestHook, type Got } from 'got';
import { HttpProxyAgent, HttpsProxyAgent, type ProxyAgentRequestOptions } from 'hpagent';
import { getProxyForUrl } from 'proxy-from-env';
import { CookieAuth } from './cookie-auth.js';
import { opensslCipherList, type HttpClientOptions } from './http-client-options.js';
import { TrustedOrigins } from './http-client-origins.js';
import { OAuth2Token } from './oauth2-token.js';
import { readTlsFiles, type TlsFiles } from './tls-files.js';

export interface HttpClientSettings {
  /**
   * The URLs the plugin is configured with. Credentials (its headers, basic auth, the OAuth2
   * token, cookies) go only to their origins: a redirect elsewhere gets none of them.
   */
  urls: string[];
  /** Reuse connections (default). A check that must time each connect and handshake passes false. */
  keepAlive?: boolean;
}

export interface HttpClient {
  /**
   * A got instance with the options applied: proxy, local address, connection pool, TLS,
   * `response_timeout`, OAuth2 and cookie authentication. Extend it with the plugin's own
   * settings: `client.got.extend({ method, headers, timeout: { request }, ... })`.
   */
  got: Got;
  /** The TLS settings every connection gets, for code that opens TLS connections of its own (`tls.connect`). */
  tls: ClientTls;
  /** Sends the credentials to this URL's origin too: one the plugin's server named (an enrollment's ingest URL). */
  trust(url: string): void;
  /** Closes every kept connection; call it from the plugin's stop or close. */
  close(): void;
}

/** The TLS files read, and the other TLS options as Node's `tls.connect` takes them. */
export type ClientTls = TlsFiles & Pick<ConnectionOptions, 'passphrase' | 'servername' | 'minVersion' | 'ciphers'>;

const TLS_VERSIONS: Record<string, SecureVersion> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };

/**
 * Turns a plugin's HTTP-client options (see HTTP_CLIENT_SCHEMA_PROPERTIES, validated by
 * httpClientProblems) into a got instance. TLS files are read now: a missing file throws a
 * message naming the option. Nothing is sent until the plugin makes its first request; the
 * OAuth2 token and the cookie login happen then, and their failures fail that request with a
 * message naming the token or login URL, never a secret.
 */
export function createHttpClient(o: HttpClientOptions, settings: HttpClientSettings): HttpClient {
  const tls = readTlsFiles(o);
  const keepAlive = settings.keepAlive ?? true;
  const agents = new AgentPool(o, tls, keepAlive);
  const systemProxy = o.use_system_proxy && !o.http_proxy_url;
  const chooseProxy: BeforeRequestHook = (options) => {
    if (systemProxy) options.agent = agents.forUrl((options.url as URL).href);
  };
  // Login and token requests go through the same proxy and TLS settings, and follow no redirect.
  const plain = got.extend({ agent: agents.direct, retry: { limit: 0 }, throwHttpErrors: false, followRedirect: false, hooks: { beforeRequest: [chooseProxy] } });
  const oauth = o.token_url
    ? new OAuth2Token({ clientId: o.client_id, clientSecret: o.client_secret, tokenUrl: o.token_url, audience: o.audience, scopes: o.scopes }, plain)
    : undefined;
  const cookies = o.cookie_auth_url
    ? new CookieAuth(
        { url: o.cookie_auth_url, method: o.cookie_auth_method, username: o.cookie_auth_username, password: o.cookie_auth_password, headers: o.cookie_auth_headers, body: o.cookie_auth_body, renewalMs: o.cookie_auth_renewal },
        plain,
      )
    : undefined;
  const trusted = new TrustedOrigins(settings.urls);

  // Runs before every request, a redirected one too: that is where the origin rule applies.
  const credentialsForOrigin: BeforeRequestHook = async (options) => {
    const url = options.url as URL;
    if (!trusted.strip(url, options.headers)) return;
    if (cookies) {
      await cookies.ready();
      const cookie = await cookies.jar.getCookieString(url.href);
      if (cookie) options.headers.cookie = cookie;
    }
    if (oauth) options.headers.authorization = `Bearer ${await oauth.current()}`;
  };

  const client = got.extend({
    agent: agents.direct,
    cookieJar: cookies?.jar,
    timeout: o.response_timeout > 0 ? { response: o.response_timeout } : {},
    hooks: { beforeRequest: [chooseProxy, credentialsForOrigin] },
  });
  return { got: client, tls: agents.tls, trust: (url) => trusted.trust(url), close: () => agents.close() };
}

/** The agents requests go through: direct or through `http_proxy_url`, or chosen per URL from the environment. */
class AgentPool {
  readonly direct: Agents;
  private readonly byProxy = new Map<string, Agents>();
  readonly tls: ClientTls;
  private readonly connectionOptions: HttpsAgentOptions;

  constructor(o: HttpClientOptions, tls: TlsFiles, keepAlive: boolean) {
    const idleLimits = [o.max_idle_conn, o.max_idle_conn_per_host].filter((n) => n > 0);
    this.connectionOptions = {
      keepAlive,
      ...(o.idle_conn_timeout > 0 ? { timeout: o.idle_conn_timeout } : {}),
      ...(idleLimits.length > 0 ? { maxFreeSockets: Math.min(...idleLimits) } : {}),
      ...(o.local_address ? { localAddress: o.local_address } : {}),
      // A check that times every handshake must not resume a session.
      ...(keepAlive ? {} : { maxCachedSessions: 0 }),
    };
    // Given to the agent, whose options Node puts over each request's: every TLS connection,
    // through a proxy or not, gets them.
    this.tls = {
      ...tls,
      ...(o.tls_key_pwd ? { passphrase: o.tls_key_pwd } : {}),
      ...(o.tls_server_name ? { servername: o.tls_server_name } : {}),
      ...(o.tls_min_version ? { minVersion: TLS_VERSIONS[o.tls_min_version] } : {}),
      ...(o.tls_cipher_suites.length > 0 ? { ciphers: opensslCipherList(o.tls_cipher_suites) } : {}),
    };
    this.direct = o.http_proxy_url ? this.throughProxy(o.http_proxy_url) : this.make('');
  }

  /** For `use_system_proxy`: HTTP_PROXY / HTTPS_PROXY / NO_PROXY as they are now. */
  forUrl(url: string): Agents {
    return this.throughProxy(getProxyForUrl(url));
  }

  private throughProxy(proxy: string): Agents {
    let agents = this.byProxy.get(proxy);
    if (!agents) this.byProxy.set(proxy, (agents = this.make(proxy)));
    return agents;
  }

  private make(proxy: string): Agents {
    const connection = this.connectionOptions;
    if (!proxy) return { http: new HttpAgent(connection), https: new HttpsAgent({ ...connection, ...this.tls }) };
    // hpagent hands proxyRequestOptions to the CONNECT request, whose socket then carries the
    // request: local_address applies there. (Its types list only a few of the options it passes.)
    const proxyRequestOptions = (connection.localAddress ? { localAddress: connection.localAddress } : {}) as ProxyAgentRequestOptions;
    const proxied = { ...connection, proxy, proxyRequestOptions };
    return { http: new HttpProxyAgent(proxied), https: new HttpsProxyAgent({ ...proxied, ...this.tls }) };
  }

  close(): void {
    for (const agents of [this.direct, ...this.byProxy.values()]) {
      (agents.http as HttpAgent).destroy();
      (agents.https as HttpsAgent).destroy();
    }
  }
}

