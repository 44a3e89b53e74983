import type { Logger } from '@vigil/core';

/** Field names told about; past this, new ones are only counted. */
const MAX_NAMED = 1000;

/**
 * String and boolean fields (and non-finite floats) have no OTLP number form and are left out of
 * the export, as influx2otel leaves them out. Each field is named in the log once, at info; the
 * running count is in the debug line each batch that left one out.
 */
export class LeftOutFields {
  private readonly named = new Set<string>();
  /** Field values left out since the output was created. */
  total = 0;

  constructor(private readonly log: Logger) {}

  leaveOut(measurement: string, field: string, value: unknown): void {
    this.total++;
    const key = `${measurement}\u0000${field}`;
    if (this.named.has(key) || this.named.size >= MAX_NAMED) return;
    this.named.add(key);
    const what = typeof value === 'number' ? `${value}, not a finite number` : `a ${typeof value}`;
    this.log.info(`field "${field}" of "${measurement}" is ${what}: OTLP metrics carry finite numbers only, so it is left out (said once per field)`);
  }

  /** Logs what this batch left out, when it left anything out. */
  reportBatch(leftOut: number): void {
    if (leftOut > 0) this.log.debug(`left out ${leftOut} string, boolean or non-finite field values of this batch (${this.total} since start)`);
  }
}
