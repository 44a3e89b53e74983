import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOptions } from '@vigil/core/testing';
import { parse } from 'smol-toml';
import http from './index.js';
import { schema, type HttpOutputOptions } from './options.js';

const problemsOf = (options: Record<string, unknown>): string => {
  try {
    checkOptions(http, options);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
};

// Shown with an example value; their default is empty.
const SHOWN_BY_EXAMPLE = new Set(['headers', 'tls_ca', 'tls_cert', 'tls_key']);

describe('outputs.http configuration', () => {
  it('the sample `vigil config` prints loads as it stands, with Telegraf\'s defaults', () => {
    const doc = parse(http.sample) as { outputs: { http: Record<string, unknown>[] } };
    expect(checkOptions<HttpOutputOptions>(http, doc.outputs.http[0])).toEqual({
      url: 'http://127.0.0.1:8080/telegraf',
      method: 'POST',
      data_format: 'influx',
      headers: {},
      username: '',
      password: '',
      content_encoding: 'identity',
      timeout: 5000,
      idle_conn_timeout: 0,
      non_retryable_statuscodes: [],
      tls_ca: '',
      tls_cert: '',
      tls_key: '',
      insecure_skip_verify: false,
      tls_key_pwd: '',
      tls_server_name: '',
      tls_min_version: '',
      tls_cipher_suites: [],
      tls_enable: false,
      tls_renegotiation_method: 'never',
      http_proxy_url: '',
      use_system_proxy: false,
      local_address: '',
      max_idle_conn: 0,
      max_idle_conn_per_host: 0,
      response_timeout: 0,
      client_id: '',
      client_secret: '',
      token_url: '',
      audience: '',
      scopes: [],
      cookie_auth_url: '',
      cookie_auth_method: 'POST',
      cookie_auth_username: '',
      cookie_auth_password: '',
      cookie_auth_headers: {},
      cookie_auth_body: '',
      cookie_auth_renewal: 0,
    });
  });

  it('the sample shows every option commented out, at its default', () => {
    for (const [option, property] of Object.entries(schema.properties)) {
      const line = http.sample.split('\n').find((l) => l.startsWith(`  # ${option} = `) || l.startsWith(`  ${option} = `));
      expect(line).toBeDefined();
      if (SHOWN_BY_EXAMPLE.has(option)) continue;
      expect(line!.replace(/^ {2}(# )?/, '')).toBe(`${option} = ${JSON.stringify(property.default)}`);
    }
  });

  it('refuses a URL that is not http or https, naming the option and blanking its password', () => {
    expect(problemsOf({ url: 'ftp://user:hunter22@example.com/x' })).toBe('option "url": "ftp://user:***@example.com/x" must be an http:// or https:// URL');
    expect(problemsOf({ url: 'not a url' })).toBe('option "url": "not a url" is not a URL');
  });

  it('refuses a TLS file it cannot read, naming the option and the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-outputs-http-options-'));
    try {
      expect(problemsOf({ url: 'https://127.0.0.1/', tls_ca: join(dir, 'missing.pem') })).toBe(`option "tls_ca": cannot read ${join(dir, 'missing.pem')}: ENOENT`);
      writeFileSync(join(dir, 'cert.pem'), 'x');
      expect(problemsOf({ url: 'https://127.0.0.1/', tls_cert: join(dir, 'cert.pem') })).toBe('options "tls_cert" and "tls_key" go together: set both or neither');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a success in non_retryable_statuscodes, and a code outside 100-599', () => {
    expect(problemsOf({ non_retryable_statuscodes: [409, 204] })).toBe('option "non_retryable_statuscodes": 204 is a success, not an error');
    expect(problemsOf({ non_retryable_statuscodes: [99] })).toMatch(/non_retryable_statuscodes/);
  });

  it('refuses a method other than POST, PUT and PATCH', () => {
    expect(problemsOf({ method: 'GET' })).toMatch(/^option "method"/);
  });

  it('refuses basic auth together with an Authorization header', () => {
    expect(problemsOf({ username: 'a', password: 'b', headers: { authorization: 'Token x' } })).toBe(
      'options "username" and "password" set the Authorization header, which "headers" sets too; keep one',
    );
  });

  it('refuses basic auth together with credentials in the URL', () => {
    expect(problemsOf({ url: 'http://a:b@127.0.0.1/', username: 'c', password: 'd' })).toBe('options "username" and "password" set the credentials the URL holds too; keep one');
  });

  it('refuses a header value with a line break, without showing the value', () => {
    const message = problemsOf({ headers: { 'X-Token': 'abc\r\ndef-secret' } });
    expect(message).toBe('option "headers": the value of "X-Token" has characters a header cannot hold (a line break?)');
  });

  it("refuses Telegraf's options this output does not have, naming them", () => {
    expect(problemsOf({ use_batch_format: false })).toMatch(/"use_batch_format" is not allowed/);
  });
});
