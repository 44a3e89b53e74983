import { HTTP_CLIENT_SCHEMA_PROPERTIES, httpClientProblems, type HttpClientOptions, type OptionProblem, type OptionsSchema } from '@vigil/core';

export interface HttpOptions extends HttpClientOptions {
  name: string;
  url?: string;
  urls?: string[];
  concurrency: number;
  method: string;
  body: string;
  /** Milliseconds. */
  timeout: number;
  expected_status: number | number[];
  headers: Record<string, string>;
  follow_redirects: boolean;
  response_string_match: string;
  /** Bytes. */
  response_body_max_size: number;
}

const statusCode = { type: 'integer', minimum: 100, maximum: 599 };

export const schema: OptionsSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, description: 'The service name: the `name` tag of its metric.' },
    url: { type: 'string', description: 'The `http://` or `https://` URL to check. Credentials in it (`https://user:pass@host/`) are sent as basic auth and blanked out of the `server` tag.' },
    urls: {
      type: 'array',
      items: { type: 'string' },
      minItems: 1,
      description: 'Several URLs checked with the same settings, one metric each. Set this or `url`.',
    },
    concurrency: { type: 'integer', minimum: 1, default: 20, description: 'How many of `urls` are checked at the same time.' },
    method: { type: 'string', pattern: '^[A-Z]+$', default: 'GET', description: 'HTTP method.' },
    body: { type: 'string', default: '', description: 'Request body; not allowed with GET or HEAD.' },
    timeout: { duration: true, default: '10s', description: 'How long one check may take, from the name lookup to the last byte of the body.' },
    expected_status: {
      anyOf: [statusCode, { type: 'array', items: statusCode, minItems: 1 }],
      default: 200,
      description: 'The status code, or list of codes, that counts as up.',
    },
    headers: {
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      secret: true,
      description: 'Request headers. **Secret**: the values are blanked (`***`) out of every log line and output. A `User-Agent` here replaces vigil\'s (`vigil/<version>`).',
    },
    follow_redirects: { type: 'boolean', default: false, description: 'Follow up to 10 redirects and judge the final answer. When off, a redirect is judged as the 3xx it is. A redirect to an origin (scheme, host, port) that is not one of the block\'s URLs gets none of `headers`, basic auth, the OAuth2 token or cookies: only `User-Agent`, `Accept*` and `Content-*` go along.' },
    response_string_match: { type: 'string', default: '', description: 'A regular expression ([JavaScript syntax](https://developer.mozilla.org/docs/Web/JavaScript/Guide/Regular_expressions)) the body must match; empty: no check.' },
    response_body_max_size: {
      size: true,
      default: '32MiB',
      description: 'The most of a body read (Telegraf\'s option and default). A longer body stops being read there: the check is a `body_read_error` (`error="body longer than N bytes: read stopped there"`), with the status it came with. Memory stays bounded whatever the server sends.',
    },
    ...HTTP_CLIENT_SCHEMA_PROPERTIES,
    insecure_skip_verify: {
      type: 'boolean',
      default: false,
      description: 'Accept a certificate that does not verify. It is still inspected: `tls_cert_valid` says whether it would have verified.',
    },
  },
};

/** The problems the schema cannot express: url xor urls, URL shape, the pattern, the client options. */
export function checkHttpOptions(o: HttpOptions): OptionProblem[] {
  const problems: OptionProblem[] = [];
  if (o.url !== undefined && o.urls !== undefined) problems.push({ option: 'urls', message: 'set either option "url" or option "urls", not both' });
  if (o.url === undefined && o.urls === undefined) problems.push({ option: 'url', message: 'option "url" is required' });
  const option = o.urls !== undefined ? 'urls' : 'url';
  for (const url of targetsOf(o)) {
    if (!isHttpUrl(url)) problems.push({ option, message: `option "${option}": ${JSON.stringify(url)} is not an http:// or https:// URL` });
  }
  if (o.body !== '' && (o.method === 'GET' || o.method === 'HEAD')) {
    problems.push({ option: 'body', message: `option "body" cannot be sent with method ${o.method}` });
  }
  try {
    new RegExp(o.response_string_match);
  } catch (err) {
    problems.push({ option: 'response_string_match', message: `option "response_string_match" is not a valid regular expression: ${(err as Error).message}` });
  }
  problems.push(...httpClientProblems(o));
  return problems;
}

export function targetsOf(o: Pick<HttpOptions, 'url' | 'urls'>): string[] {
  return o.urls ?? (o.url !== undefined ? [o.url] : []);
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
