import { setMaxListeners } from 'node:events';
import { formatDuration, type Accumulator, type InputPlugin } from '@vigil/core';
import PQueue from 'p-queue';
import { checkUrl, type CheckPlan, type CheckResult, type TimeLimit } from './check.js';

export interface CheckRun {
  plan: CheckPlan;
  urls: string[];
  concurrency: number;
  /** Milliseconds one check may take. */
  timeoutMs: number;
  intervalMs: number;
  /** Adds the metric of one URL's check. */
  report(acc: Accumulator, url: string, result: CheckResult): void;
  close(): void;
}

/** The input both inputs.http and inputs.http_response are: every URL checked once a gather, a few at a time. */
export function checkingInput(run: CheckRun): InputPlugin {
  const queue = new PQueue({ concurrency: run.concurrency });
  return {
    async gather(acc) {
      const gatherEnd = Date.now() + run.intervalMs - finishingMargin(run.intervalMs);
      const signal = fanOut(acc.signal, run.urls.length);
      await Promise.all(
        run.urls.map((url) =>
          queue.add(async () => run.report(acc, url, await checkUrl(run.plan, url, timeLimit(run.timeoutMs, gatherEnd, run.intervalMs), signal))),
        ),
      );
    },
    stop: () => run.close(),
  };
}

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
