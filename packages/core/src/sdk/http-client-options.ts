import { isIP } from 'node:net';
import { redactUrlCredentials } from '../log/redactor.js';
import type { OptionProblem, OptionsSchema } from './plugin.js';
import { tlsFileProblems, TLS_CLIENT_SCHEMA_PROPERTIES, type TlsFileOptions } from './tls-files.js';

/**
 * Telegraf's HTTP-client options (its `common/http`, `common/tls`, `common/oauth` and
 * `common/cookie` sets), the same in every vigil plugin that makes HTTP requests.
 */
export interface HttpClientOptions extends TlsFileOptions {
  http_proxy_url: string;
  use_system_proxy: boolean;
  local_address: string;
  /** Milliseconds; 0: an idle connection is kept until the server closes it. */
  idle_conn_timeout: number;
  max_idle_conn: number;
  max_idle_conn_per_host: number;
  /** Milliseconds until the response headers; 0: no limit of its own. */
  response_timeout: number;
  tls_enable: boolean;
  tls_server_name: string;
  tls_min_version: '' | 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13';
  tls_cipher_suites: string[];
  tls_key_pwd: string;
  tls_renegotiation_method: 'never' | 'once' | 'freely';
  client_id: string;
  client_secret: string;
  token_url: string;
  audience: string;
  scopes: string[];
  cookie_auth_url: string;
  cookie_auth_method: string;
  cookie_auth_username: string;
  cookie_auth_password: string;
  cookie_auth_headers: Record<string, string>;
  cookie_auth_body: string;
  /** Milliseconds; 0: authenticate once. */
  cookie_auth_renewal: number;
}

/** Go's names of the TLS 1.2 suites Telegraf accepts, with OpenSSL's; TLS 1.3 names are the same in both. */
export const TLS_CIPHER_SUITES: Record<string, string> = {
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_AES_128_GCM_SHA256: 'TLS_AES_128_GCM_SHA256',
  TLS_AES_256_GCM_SHA384: 'TLS_AES_256_GCM_SHA384',
  TLS_CHACHA20_POLY1305_SHA256: 'TLS_CHACHA20_POLY1305_SHA256',
};

/** The suites Go's `tls.InsecureCipherSuites()` lists; every other one is in Telegraf's "secure" set. */
const INSECURE_SUITES = new Set(['TLS_RSA_WITH_AES_128_CBC_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256']);

/** Telegraf's words for sets of suites in `tls_cipher_suites`. */
const SUITE_SETS: Record<string, string[]> = {
  all: Object.keys(TLS_CIPHER_SUITES),
  secure: Object.keys(TLS_CIPHER_SUITES).filter((s) => !INSECURE_SUITES.has(s)),
  insecure: [...INSECURE_SUITES],
};

/** `tls_cipher_suites` (Go's names and Telegraf's "all", "secure", "insecure") as OpenSSL's cipher list. */
export function opensslCipherList(suites: string[]): string {
  const names = suites.flatMap((s) => SUITE_SETS[s] ?? [s]);
  return [...new Set(names.map((s) => TLS_CIPHER_SUITES[s]))].join(':');
}

/**
 * The schema of every HTTP-client option, TLS files included, for a plugin's `properties`:
 * `{ ...HTTP_CLIENT_SCHEMA_PROPERTIES, ...own }`. Secrets are marked `secret`, so the agent
 * blanks them wherever they could be shown.
 */
export const HTTP_CLIENT_SCHEMA_PROPERTIES = {
  ...TLS_CLIENT_SCHEMA_PROPERTIES,
  http_proxy_url: { type: 'string', default: '', description: 'HTTP proxy every request goes through (CONNECT), e.g. "http://user:pass@proxy:3128"; its password is a secret.' },
  use_system_proxy: { type: 'boolean', default: false, description: 'Take the proxy from HTTP_PROXY, HTTPS_PROXY and NO_PROXY (when `http_proxy_url` is not set).' },
  local_address: { type: 'string', default: '', description: 'Local IP address connections are made from.' },
  idle_conn_timeout: { duration: true, default: '0s', description: 'How long an idle keep-alive connection is kept open; 0s: until the server closes it.' },
  max_idle_conn: { type: 'integer', minimum: 0, default: 0, description: 'Most idle connections kept; 0: no limit. Node keeps them per host, so this is the per-host limit too.' },
  max_idle_conn_per_host: { type: 'integer', minimum: 0, default: 0, description: 'Most idle connections kept to one host; 0: no limit.' },
  response_timeout: { duration: true, default: '0s', description: 'How long to wait for the response headers once the request is sent; 0s: only the request timeout applies.' },
  tls_enable: { type: 'boolean', default: false, description: 'Accepted for Telegraf configs; an https:// URL always uses TLS, an http:// one never does.' },
  tls_server_name: { type: 'string', default: '', description: 'Server name sent in the TLS handshake (SNI) and checked against the certificate, instead of the URL\'s host.' },
  tls_min_version: { enum: ['', 'TLS10', 'TLS11', 'TLS12', 'TLS13'], default: '', description: 'Lowest TLS version accepted: "TLS10" … "TLS13"; "": Node\'s default (TLS 1.2).' },
  tls_cipher_suites: { type: 'array', items: { type: 'string' }, default: [], description: 'TLS 1.2 cipher suites offered, by Go\'s names (e.g. "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256") or Telegraf\'s sets "all", "secure", "insecure"; []: Node\'s defaults.' },
  tls_key_pwd: { type: 'string', default: '', secret: true, description: 'Passphrase of an encrypted `tls_key`.' },
  tls_renegotiation_method: { enum: ['never', 'once', 'freely'], default: 'never', description: 'Accepted for Telegraf configs; Node (OpenSSL 3) never renegotiates as a client.' },
  client_id: { type: 'string', default: '', description: 'OAuth2 client-credentials client id (with `client_secret` and `token_url`).' },
  client_secret: { type: 'string', default: '', secret: true, description: 'OAuth2 client secret.' },
  token_url: { type: 'string', default: '', description: 'OAuth2 token endpoint; its token is sent as "Authorization: Bearer …" and reused until it expires.' },
  audience: { type: 'string', default: '', description: 'OAuth2 `audience` parameter of the token request.' },
  scopes: { type: 'array', items: { type: 'string' }, default: [], description: 'OAuth2 scopes asked for.' },
  cookie_auth_url: { type: 'string', default: '', description: 'URL requested before the first request; the cookies it sets go with every request to the same site.' },
  cookie_auth_method: { type: 'string', pattern: '^[A-Z]+$', default: 'POST', description: 'Method of the cookie authentication request.' },
  cookie_auth_username: { type: 'string', default: '', secret: true, description: 'Basic authentication user of the cookie authentication request.' },
  cookie_auth_password: { type: 'string', default: '', secret: true, description: 'Basic authentication password of the cookie authentication request.' },
  cookie_auth_headers: { type: 'object', additionalProperties: { type: 'string' }, default: {}, secret: true, description: 'Headers of the cookie authentication request; values are secrets.' },
  cookie_auth_body: { type: 'string', default: '', description: 'Body of the cookie authentication request.' },
  cookie_auth_renewal: { duration: true, default: '0s', description: 'Authenticate again at the first request this long after the last time; 0s: once.' },
} satisfies OptionsSchema['properties'];

/** For a plugin's `check`: everything the schema cannot see, TLS files included. */
export function httpClientProblems(o: HttpClientOptions): OptionProblem[] {
  const problems = tlsFileProblems(o);
  if (o.http_proxy_url && !isUrl(o.http_proxy_url, ['http:', 'https:'])) {
    problems.push({ option: 'http_proxy_url', message: `option "http_proxy_url": ${JSON.stringify(redactUrlCredentials(o.http_proxy_url))} is not an http:// or https:// URL` });
  }
  if (o.local_address && isIP(o.local_address) === 0) {
    problems.push({ option: 'local_address', message: `option "local_address": ${JSON.stringify(o.local_address)} is not an IP address` });
  }
  for (const suite of o.tls_cipher_suites) {
    if (!TLS_CIPHER_SUITES[suite] && !SUITE_SETS[suite]) problems.push({ option: 'tls_cipher_suites', message: `option "tls_cipher_suites": unknown suite ${JSON.stringify(suite)}` });
  }
  if (o.tls_key_pwd && !o.tls_key) problems.push({ option: 'tls_key_pwd', message: 'option "tls_key_pwd" needs option "tls_key"' });
  const oauth = { client_id: o.client_id, client_secret: o.client_secret, token_url: o.token_url };
  const oauthSet = Object.entries(oauth).filter(([, v]) => v !== '');
  if (oauthSet.length > 0 && oauthSet.length < 3) {
    const missing = Object.keys(oauth).filter((k) => oauth[k as keyof typeof oauth] === '');
    problems.push({ option: oauthSet[0][0], message: `OAuth2 needs options "client_id", "client_secret" and "token_url" together; missing ${missing.map((m) => `"${m}"`).join(', ')}` });
  }
  if (o.token_url && !isUrl(o.token_url, ['http:', 'https:'])) {
    problems.push({ option: 'token_url', message: `option "token_url": ${JSON.stringify(redactUrlCredentials(o.token_url))} is not an http:// or https:// URL` });
  }
  if (o.cookie_auth_url && !isUrl(o.cookie_auth_url, ['http:', 'https:'])) {
    problems.push({ option: 'cookie_auth_url', message: `option "cookie_auth_url": ${JSON.stringify(redactUrlCredentials(o.cookie_auth_url))} is not an http:// or https:// URL` });
  }
  return problems;
}

function isUrl(text: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/**
 * Every value a log line, reason or preview of an HTTP plugin must not show: the shared client's
 * secrets (client secret, key passphrase, cookie login), the plugin's own `values` (tokens,
 * header values, passwords), and the passwords inside `urls` and the client's own URLs, as
 * written and decoded. Longest first, so a secret containing another is blanked whole; values
 * shorter than 3 characters are left out, as the agent's redactor leaves them.
 */
export function httpClientSecrets(o: HttpClientOptions, own: { values?: string[]; urls?: string[] } = {}): string[] {
  const secrets = new Set([...(own.values ?? []), o.client_secret, o.tls_key_pwd, o.cookie_auth_password, ...Object.values(o.cookie_auth_headers ?? {})]);
  for (const url of [...(own.urls ?? []), o.http_proxy_url, o.token_url, o.cookie_auth_url]) {
    try {
      const { password } = new URL(url);
      secrets.add(password);
      secrets.add(decodeURIComponent(password));
    } catch {
      // "" or host:port have no credentials; an undecodable password is blanked as written.
    }
  }
  return [...secrets].filter((s) => typeof s === 'string' && s.length >= 3).sort((a, b) => b.length - a.length);
}
