import { defineInput, readSample } from '@vigil/core';
import { checkingInput } from './check-runner.js';
import { createCheckClient } from './client.js';
import { checkHttpOptions, schema, targetsOf, type HttpOptions } from './options.js';
import { addServiceMetric } from './service-metric.js';

export { default as httpResponse } from './http-response.js';

export default defineInput<HttpOptions>({
  name: 'http',
  description: 'Checks HTTP services: availability, response time, status and TLS certificate',
  sample: readSample(import.meta.url),
  schema,
  check: checkHttpOptions,
  create(ctx) {
    const o = ctx.options;
    const urls = targetsOf(o);
    const client = createCheckClient(o, urls, { method: o.method, headers: o.headers, body: o.body, followRedirects: o.follow_redirects });
    return checkingInput({
      plan: {
        expectedStatus: [o.expected_status].flat(),
        pattern: o.response_string_match === '' ? undefined : new RegExp(o.response_string_match),
        maxBodyBytes: o.response_body_max_size,
        keepBody: false,
        request: client.got,
        tls: client.tls,
      },
      urls,
      concurrency: o.concurrency,
      timeoutMs: o.timeout,
      intervalMs: ctx.intervalMs,
      report: (acc, url, result) => addServiceMetric(acc, o.name, o.method, url, result),
      close: () => client.close(),
    });
  },
});
