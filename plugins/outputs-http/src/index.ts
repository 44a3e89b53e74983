import { defineOutput, httpClientSecrets, readSample, redactUrlCredentials, written, type WriteResult } from '@vigil/core';
import { HttpRequest } from './http-request.js';
import { checkHttpOutputOptions, schema, type HttpOutputOptions } from './options.js';
import { requestBody, serializeBatch } from './request-body.js';
import { answerOutcome, requestErrorOutcome } from './response-outcome.js';

/** Every value a log line or reason must not show. */
function secretsOf(o: HttpOutputOptions): string[] {
  return httpClientSecrets(o, { values: [...Object.values(o.headers), o.username, o.password], urls: [o.url] });
}

export default defineOutput<HttpOutputOptions>({
  name: 'http',
  description: 'Sends metrics and logs to an HTTP endpoint as line protocol or JSON',
  accepts: ['metric', 'log'],
  sample: readSample(import.meta.url),
  schema,
  check: checkHttpOutputOptions,
  create(ctx) {
    const o = ctx.options;
    const request = new HttpRequest(o, `vigil/${ctx.agent.version}`);
    const shownUrl = redactUrlCredentials(o.url);
    const secrets = secretsOf(o);
    // A server may echo a header or the credentials back in its error body.
    const redact = (result: WriteResult): WriteResult => {
      if (result.outcome === 'written') return result;
      let reason = ctx.agent.redact(result.reason);
      for (const s of secrets) reason = reason.split(s).join('***');
      return { ...result, reason };
    };
    return {
      async write(batch, context) {
        const text = serializeBatch(batch, o.data_format);
        if (!text) return written();
        const body = await requestBody(text, o);
        try {
          return redact(answerOutcome(await request.send(body, context.signal), shownUrl, o.non_retryable_statuscodes));
        } catch (err) {
          return redact(requestErrorOutcome(err, shownUrl, o.timeout));
        }
      },
      close() {
        request.close();
      },
    };
  },
});
