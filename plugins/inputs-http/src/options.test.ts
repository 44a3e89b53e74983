import { checkOptions } from '@vigil/core/testing';
import http from './index.js';
import type { HttpOptions } from './options.js';

const check = (options: Record<string, unknown>) => checkOptions<HttpOptions>(http, options);

test('only name and url are required; the rest defaults as the issue says', () => {
  expect(check({ name: 'web', url: 'https://example.com' })).toMatchObject({
    name: 'web',
    url: 'https://example.com',
    concurrency: 20,
    method: 'GET',
    body: '',
    timeout: 10_000,
    expected_status: 200,
    headers: {},
    follow_redirects: false,
    response_string_match: '',
    response_body_max_size: 32 * 1024 * 1024,
    tls_ca: '',
    tls_cert: '',
    tls_key: '',
    insecure_skip_verify: false,
    http_proxy_url: '',
    tls_server_name: '',
    token_url: '',
    cookie_auth_url: '',
  });
});

test.each([
  [{ url: 'https://example.com' }, 'option "name" is required'],
  [{ name: 'web' }, 'option "url" is required'],
  [{ name: 'web', url: 'https://a.example', urls: ['https://b.example'] }, 'set either option "url" or option "urls", not both'],
  [{ name: 'web', url: 'ftp://example.com' }, 'option "url": "ftp://example.com" is not an http:// or https:// URL'],
  [{ name: 'web', urls: ['https://a.example', 'example.com'] }, 'option "urls": "example.com" is not an http:// or https:// URL'],
  [{ name: 'web', url: 'https://a.example', body: 'x' }, 'option "body" cannot be sent with method GET'],
  [{ name: 'web', url: 'https://a.example', method: 'get' }, 'option "method" must match pattern "^[A-Z]+$"'],
  [{ name: 'web', url: 'https://a.example', response_string_match: '(' }, 'option "response_string_match" is not a valid regular expression'],
  [{ name: 'web', url: 'https://a.example', tls_cert: 'client.pem' }, 'options "tls_cert" and "tls_key" go together: set both or neither'],
  [{ name: 'web', url: 'https://a.example', expected_status: '200' }, 'option "expected_status" must be an integer'],
  [{ name: 'web', url: 'https://a.example', expected_status: [200, 42] }, 'option "expected_status.1" must be >= 100'],
  [{ name: 'web', url: 'https://a.example', timeout: 'soon' }, 'option "timeout" must be a duration'],
])('%j is refused: %s', (options, message) => {
  expect(() => check(options)).toThrow(message);
});

test('header values are declared secret, so the agent blanks them everywhere', () => {
  expect(http.schema.properties.headers.secret).toBe(true);
});

test('a tls_ca that cannot be read is refused by validation, naming the option and the file', () => {
  expect(() => check({ name: 'web', url: 'https://a.example', tls_ca: '/nonexistent/ca.pem' })).toThrow('option "tls_ca": cannot read /nonexistent/ca.pem: ENOENT');
});
