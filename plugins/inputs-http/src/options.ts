import type { OptionProblem, OptionsSchema } from '@vigil/core';

export interface HttpOptions {
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
  tls_ca: string;
  tls_cert: string;
  tls_key: string;
  insecure_skip_verify: boolean;
}

const statusCode = { type: 'integer', minimum: 100, maximum: 599 };

export const schema: OptionsSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, description: 'The service name: the `name` tag of its metric.' },
    url: { type: 'string', description: 'The http or https URL to check. Set this or `urls`.' },
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
      description: 'Request headers; their values are secrets, never logged or shown.',
    },
    follow_redirects: { type: 'boolean', default: false, description: 'Follow redirects (up to 10) and judge the final answer.' },
    response_string_match: { type: 'string', default: '', description: 'A regular expression (JavaScript syntax) the body must match.' },
    tls_ca: { type: 'string', default: '', description: 'PEM file of CA certificates to trust instead of the system ones.' },
    tls_cert: { type: 'string', default: '', description: 'PEM file of a client certificate (with `tls_key`).' },
    tls_key: { type: 'string', default: '', description: 'PEM file of the client certificate\'s private key.' },
    insecure_skip_verify: {
      type: 'boolean',
      default: false,
      description: 'Skip certificate verification; the certificate is still reported.',
    },
  },
};

/** The problems the schema cannot express: url xor urls, URL shape, the pattern, TLS pairs. */
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
  if ((o.tls_cert === '') !== (o.tls_key === '')) {
    const [set, missing] = o.tls_cert === '' ? ['tls_key', 'tls_cert'] : ['tls_cert', 'tls_key'];
    problems.push({ option: set, message: `option "${set}" needs option "${missing}"` });
  }
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
