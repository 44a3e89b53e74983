import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { defineInput, HTTP_CLIENT_SCHEMA_PROPERTIES, redactUrlCredentials, type Accumulator, type Fields, type OptionProblem, type OptionsSchema, type Tags } from '@vigil/core';
import type { CheckResult } from './check.js';
import { checkingInput } from './check-runner.js';
import { createCheckClient } from './client.js';
import { checkHttpOptions, schema as httpSchema, type HttpOptions } from './options.js';
import { RESULT_CODES, type Result } from './outcome.js';

/** Telegraf's inputs.http_response options; the HTTP-client ones are shared with inputs.http. */
export interface HttpResponseOptions extends Omit<HttpOptions, 'name' | 'url' | 'urls' | 'concurrency' | 'timeout' | 'expected_status'> {
  urls: string[];
  address: string;
  http_proxy: string;
  response_body_field: string;
  response_status_code: number;
  interface: string;
  username: string;
  password: string;
}

const own = httpSchema.properties!;

export const schema: OptionsSchema = {
  type: 'object',
  properties: {
    urls: { type: 'array', items: { type: 'string' }, default: ['http://localhost'], description: 'The http or https URLs to check, one metric each.' },
    address: { type: 'string', default: '', deprecated: true, description: 'One URL, checked as if it were in `urls` (Telegraf deprecated it too).' },
    http_proxy: { type: 'string', default: '', description: 'HTTP proxy for the checks, as `http_proxy_url`.' },
    method: own.method,
    body: own.body,
    follow_redirects: own.follow_redirects,
    headers: own.headers,
    username: { type: 'string', default: '', secret: true, description: 'Basic authentication user.' },
    password: { type: 'string', default: '', secret: true, description: 'Basic authentication password.' },
    response_string_match: own.response_string_match,
    response_body_field: { type: 'string', default: '', description: 'A field of this name gets the body (up to `response_body_max_size`); "": no body field.' },
    response_body_max_size: own.response_body_max_size,
    response_status_code: { type: 'integer', minimum: 0, maximum: 599, default: 0, description: 'The status expected; 0: any status is a success (a 404 too).' },
    interface: { type: 'string', default: '', description: 'Network interface (e.g. "eth0") whose address checks are made from.' },
    ...HTTP_CLIENT_SCHEMA_PROPERTIES,
    response_timeout: { duration: true, default: '5s', description: 'How long one check may take, from the name lookup to the last byte of the body.' },
  },
};

function targetsOf(o: HttpResponseOptions): string[] {
  return o.address ? [...o.urls, o.address] : o.urls;
}

/** inputs.http's checks with the options mapped onto them, so both report the same problems. */
function asHttpOptions(o: HttpResponseOptions): HttpOptions {
  return {
    ...o,
    name: 'http_response',
    urls: targetsOf(o),
    url: undefined,
    concurrency: 20,
    timeout: o.response_timeout,
    expected_status: [],
    // response_timeout here is the whole check's limit, not inputs.http's wait for headers.
    response_timeout: 0,
    http_proxy_url: o.http_proxy || o.http_proxy_url,
    local_address: o.local_address || interfaceAddress(o.interface),
  };
}

function checkOptions(o: HttpResponseOptions): OptionProblem[] {
  const problems: OptionProblem[] = [];
  if (o.interface && !interfaceAddress(o.interface)) problems.push({ option: 'interface', message: `option "interface": no network interface ${JSON.stringify(o.interface)} with an address here` });
  if (targetsOf(o).length === 0) problems.push({ option: 'urls', message: 'option "urls" needs at least one URL' });
  if (o.http_proxy && o.http_proxy_url) problems.push({ option: 'http_proxy', message: 'options "http_proxy" and "http_proxy_url" both set a proxy; keep one' });
  const mapped = checkHttpOptions({ ...asHttpOptions(o), local_address: '' });
  return [...problems, ...mapped.map((p) => (p.option === 'urls' || p.option === 'url' ? { ...p, option: 'urls' } : p))];
}

/** The first IPv4 address of the interface (IPv6 when it has none), as Telegraf picks it. */
function interfaceAddress(name: string): string {
  if (!name) return '';
  const addresses = networkInterfaces()[name] ?? [];
  return (addresses.find((a) => a.family === 'IPv4') ?? addresses[0])?.address ?? '';
}

export default defineInput<HttpResponseOptions>({
  name: 'http_response',
  description: "Telegraf's inputs.http_response: status, response time and body checks of HTTP URLs",
  sample: readFileSync(new URL('../samples/http_response.toml', import.meta.url), 'utf8'),
  schema,
  check: checkOptions,
  create(ctx) {
    const o = asHttpOptions(ctx.options);
    const { username, password, response_body_field: bodyField, response_status_code: expected } = ctx.options;
    const basic: Record<string, string> = username || password ? { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } : {};
    const urls = o.urls!;
    const client = createCheckClient(o, urls, { method: o.method, headers: { ...basic, ...o.headers }, body: o.body, followRedirects: o.follow_redirects });
    return checkingInput({
      plan: {
        expectedStatus: expected > 0 ? [expected] : undefined,
        pattern: o.response_string_match === '' ? undefined : new RegExp(o.response_string_match),
        maxBodyBytes: o.response_body_max_size,
        keepBody: bodyField !== '',
        request: client.got,
        tls: client.tls,
      },
      urls,
      concurrency: o.concurrency,
      timeoutMs: o.timeout,
      intervalMs: ctx.intervalMs,
      report: (acc, url, result) => addTelegrafMetric(acc, o.method, url, result, bodyField),
      close: () => client.close(),
    });
  },
});

/** Telegraf has no TLS result: a failed handshake is a failed connection there. */
function telegrafResult(result: Result): Result {
  return result === 'tls_error' ? 'connection_failed' : result;
}

/** Telegraf's `http_response` metric, field for field: response_time in seconds, no `up`, `error` or certificate fields. */
function addTelegrafMetric(acc: Accumulator, method: string, url: string, r: CheckResult, bodyField: string): void {
  const result = telegrafResult(r.result);
  const tags: Tags = { server: redactUrlCredentials(url), method, result };
  const fields: Fields = { result_type: result, result_code: BigInt(RESULT_CODES[result]) };
  if (r.statusCode !== undefined) {
    tags.status_code = String(r.statusCode);
    fields.http_response_code = BigInt(r.statusCode);
  }
  if (r.responseTimeMs !== undefined) fields.response_time = r.responseTimeMs / 1000;
  if (r.contentLength !== undefined) fields.content_length = BigInt(r.contentLength);
  if (r.matched !== undefined) fields.response_string_match = r.matched ? 1n : 0n;
  if (r.statusMatched !== undefined) fields.response_status_code_match = r.statusMatched ? 1n : 0n;
  if (bodyField && r.body !== undefined) fields[bodyField] = r.body;
  acc.addFields('http_response', fields, tags);
}
