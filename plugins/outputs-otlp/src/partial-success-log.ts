import type { Logger } from '@vigil/core';
import type { Signal } from './export-settings.js';
import type { PartialSuccess } from './request-body.js';

const UNITS: Record<Signal, string> = { metrics: 'data points', logs: 'log records' };

/** Distinct messages remembered; past this, every partial success is logged at debug only. */
const MAX_MESSAGES = 100;

/**
 * A partial success is written (the OTLP spec forbids sending it again) but says the receiver
 * refused part of it. The core counts `metrics_rejected` for whole batches only, so the refused
 * points are counted here: each distinct message is logged once as a warning, and every partial
 * success after it at debug, with the running total per signal.
 */
export class PartialSuccessLog {
  readonly rejected: Record<Signal, number> = { metrics: 0, logs: 0 };
  private readonly said = new Set<string>();

  constructor(
    private readonly log: Logger,
    private readonly redact: (text: string) => string,
  ) {}

  record(signal: Signal, endpoint: string, partial: PartialSuccess): void {
    this.rejected[signal] += partial.rejected;
    const message = this.redact(partial.message.replace(/\s+/g, ' ').trim().slice(0, 300));
    const unit = UNITS[signal];
    const what = partial.rejected > 0 ? `accepted the export but rejected ${partial.rejected} ${unit}` : 'accepted the export with a warning';
    const line = `${endpoint} ${what}${message ? `: ${message}` : ''} (${this.rejected[signal]} ${unit} rejected since start)`;
    const key = `${signal}\u0000${message}`;
    if (this.said.has(key) || this.said.size >= MAX_MESSAGES) {
      this.log.debug(line);
      return;
    }
    this.said.add(key);
    this.log.warn(`${line}; later answers with this message are logged at debug`);
  }
}
