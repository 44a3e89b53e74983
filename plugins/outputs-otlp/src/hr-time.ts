import type { HrTime } from '@opentelemetry/api';

/** Milliseconds since the epoch as OTel's [seconds, nanoseconds]. */
export function hrTimeFromMs(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/** Zero: OTLP's "not set", for a gauge's start time. */
export const UNSET_TIME: HrTime = [0, 0];
