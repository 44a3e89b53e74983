import { validateHeaderName, validateHeaderValue } from 'node:http';
import { HTTP_CLIENT_SCHEMA_PROPERTIES, httpClientProblems, redactUrlCredentials, type HttpClientOptions, type OptionProblem, type OptionsSchema } from '@vigil/core';

export type DataFormat = 'influx' | 'json';

export interface HttpOutputOptions extends HttpClientOptions {
  url: string;
  method: 'POST' | 'PUT' | 'PATCH';
  data_format: DataFormat;
  headers: Record<string, string>;
  username: string;
  password: string;
  content_encoding: 'identity' | 'gzip';
  /** Milliseconds. */
  timeout: number;
  non_retryable_statuscodes: number[];
}

export const schema: OptionsSchema = {
  type: 'object',
  properties: {
    url: { type: 'string', minLength: 1, default: 'http://127.0.0.1:8080/telegraf', description: 'The `http://` or `https://` URL every batch is sent to. Credentials in it (`https://user:pass@host/`) are sent as basic authentication and shown as `user:***@`.' },
    method: { enum: ['POST', 'PUT', 'PATCH'], default: 'POST', description: 'HTTP method: "POST", "PUT" or "PATCH".' },
    data_format: {
      enum: ['influx', 'json'],
      default: 'influx',
      description: '"influx": line protocol, one line per item; "json": one {"metrics": [...]} document per batch.',
    },
    headers: {
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      secret: true,
      description: 'Request headers. They replace the defaults of the same name (`User-Agent: vigil/<version>`, `Content-Type`). Values are secret: never logged or shown.',
    },
    username: { type: 'string', default: '', secret: true, description: 'Basic authentication user (with `password`).' },
    password: { type: 'string', default: '', secret: true, description: 'Basic authentication password. Secret. `username`/`password` cannot be combined with an `Authorization` header or with credentials in `url`.' },
    content_encoding: { enum: ['identity', 'gzip'], default: 'identity', description: '"gzip" compresses the body; "identity" sends it as it is.' },
    timeout: { duration: true, default: '5s', description: 'How long one request may take, from connecting to the last byte of the answer. Past it the write is retried.' },
    non_retryable_statuscodes: {
      type: 'array',
      items: { type: 'integer', minimum: 100, maximum: 599 },
      uniqueItems: true,
      default: [],
      description: 'Status codes whose batch is dropped instead of retried, whatever their class (e.g. `[409, 413]`). A 2xx code is not allowed.',
    },
    ...HTTP_CLIENT_SCHEMA_PROPERTIES,
  },
};

function urlProblem(url: string): OptionProblem | undefined {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return { option: 'url', message: `option "url": ${JSON.stringify(redactUrlCredentials(url))} is not a URL` };
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    return { option: 'url', message: `option "url": ${JSON.stringify(redactUrlCredentials(url))} must be an http:// or https:// URL` };
  }
  return undefined;
}

function hasCredentials(url: string): boolean {
  try {
    const { username, password } = new URL(url);
    return username !== '' || password !== '';
  } catch {
    return false;
  }
}

/** A header node would refuse at every write, found now instead. Values are never shown. */
function headerProblem(name: string, value: string): OptionProblem | undefined {
  try {
    validateHeaderName(name);
  } catch {
    return { option: 'headers', message: `option "headers": ${JSON.stringify(name)} is not a valid header name` };
  }
  try {
    validateHeaderValue(name, value);
  } catch {
    return { option: 'headers', message: `option "headers": the value of ${JSON.stringify(name)} has characters a header cannot hold (a line break?)` };
  }
  return undefined;
}

/** The problems the schema cannot see: the URL's scheme, headers, TLS files, conflicting options. */
export function checkHttpOutputOptions(o: HttpOutputOptions): OptionProblem[] {
  const problems: (OptionProblem | undefined)[] = [urlProblem(o.url)];
  for (const [name, value] of Object.entries(o.headers)) problems.push(headerProblem(name, value));
  if ((o.username || o.password) && Object.keys(o.headers).some((h) => h.toLowerCase() === 'authorization')) {
    problems.push({ option: 'username', message: 'options "username" and "password" set the Authorization header, which "headers" sets too; keep one' });
  }
  if ((o.username || o.password) && hasCredentials(o.url)) {
    problems.push({ option: 'username', message: 'options "username" and "password" set the credentials the URL holds too; keep one' });
  }
  if (o.timeout <= 0) problems.push({ option: 'timeout', message: 'option "timeout" must be longer than 0s' });
  const successes = o.non_retryable_statuscodes.filter((c) => c >= 200 && c < 300);
  if (successes.length > 0) {
    problems.push({ option: 'non_retryable_statuscodes', message: `option "non_retryable_statuscodes": ${successes.join(', ')} is a success, not an error` });
  }
  problems.push(...httpClientProblems(o));
  return problems.filter((p): p is OptionProblem => p !== undefined);
}
