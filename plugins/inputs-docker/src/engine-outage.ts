/**
 * Counts gathers that could not reach the engine, so that its return is logged once with
 * how long it was away.
 */
export class EngineOutage {
  private failedGathers = 0;
  private since = 0;

  failed(now = Date.now()): void {
    if (this.failedGathers === 0) this.since = now;
    this.failedGathers++;
  }

  /** After a good gather: the line to log if the engine had been failing, else undefined. */
  recovered(endpoint: string, now = Date.now()): string | undefined {
    if (this.failedGathers === 0) return undefined;
    const seconds = Math.round((now - this.since) / 1000);
    const line = `the Docker engine at ${endpoint} answers again, after ${this.failedGathers} failed gather${this.failedGathers === 1 ? '' : 's'} over ${seconds}s`;
    this.failedGathers = 0;
    return line;
  }
}
