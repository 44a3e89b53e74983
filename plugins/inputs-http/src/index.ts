import { setMaxListeners } from 'node:events';
import { defineInput, formatDuration, readSample, readTlsFiles } from '@vigil/core';
import PQueue from 'p-queue';
import { checkService, type CheckPlan, type TimeLimit } from './check.js';
import { createClient } from './client.js';
import { checkHttpOptions, schema, targetsOf, type HttpOptions } from './options.js';

export default defineInput<HttpOptions>({
  name: 'http',
  description: 'Checks HTTP services: availability, response time, status and TLS certificate',
  sample: readSample(import.meta.url),
  schema,
  check: checkHttpOptions,
  create(ctx) {
    const o = ctx.options;
    const tls = readTlsFiles(o);
    const plan: CheckPlan = {
      name: o.name,
      method: o.method,
      expectedStatus: [o.expected_status].flat(),
      pattern: o.response_string_match === '' ? undefined : new RegExp(o.response_string_match),
      request: createClient(o, tls),
      tls,
    };
    const targets = targetsOf(o);
    const queue = new PQueue({ concurrency: o.concurrency });
    return {
      async gather(acc) {
        const gatherEnd = Date.now() + ctx.intervalMs - finishingMargin(ctx.intervalMs);
        const signal = fanOut(acc.signal, targets.length);
        await Promise.all(
          targets.map((url) =>
            queue.add(async () => {
              const { tags, fields } = await checkService(plan, url, timeLimit(o.timeout, gatherEnd, ctx.intervalMs), signal);
              acc.addFields('http_response', fields, tags);
            }),
          ),
        );
      },
    };
  },
});

/**
 * Every request listens to the signal it is given; one signal of our own, following the
 * gather's, takes those listeners so the gather's signal is not warned about as a leak.
 */
function fanOut(gatherSignal: AbortSignal, listeners: number): AbortSignal {
  const controller = new AbortController();
  setMaxListeners(listeners + 1, controller.signal);
  if (gatherSignal.aborted) controller.abort();
  else gatherSignal.addEventListener('abort', () => controller.abort(), { once: true });
  return controller.signal;
}

/** Time kept between the last check's end and the interval's, to hand the metrics over. */
function finishingMargin(intervalMs: number): number {
  return Math.min(250, intervalMs / 10);
}

/**
 * A check's own timeout, shortened when less is left of the gather: a hanging service is
 * then reported as a timeout within this gather instead of making the gather itself time out.
 */
function timeLimit(timeoutMs: number, gatherEnd: number, intervalMs: number): TimeLimit {
  const left = gatherEnd - Date.now();
  if (left < timeoutMs) return { ms: Math.max(Math.floor(left), 0), error: `no answer before the end of the ${durationText(intervalMs)} interval` };
  return { ms: timeoutMs, error: `timeout after ${durationText(timeoutMs)}` };
}

function durationText(ms: number): string {
  return ms % 1000 === 0 ? formatDuration(ms) : `${ms}ms`;
}
