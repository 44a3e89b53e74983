import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BufferedBatch } from '../buffers/buffer.js';
import { toJsonObject } from '../model/json.js';

/**
 * Batches a destination rejected for good, kept as JSON lines in
 * `<buffer_directory>/rejected/<output>.jsonl` so that nothing is lost without a trace.
 */
export class RejectedItems {
  private readonly path: string;
  private failedOnce = false;

  constructor(
    directory: string,
    folderName: string,
    private readonly log: Logger,
  ) {
    this.path = join(directory, 'rejected', `${folderName}.jsonl`);
  }

  /** Appends the batch; returns the file, or undefined when it could not be written (logged once). */
  keep(batch: BufferedBatch, reason: string): string | undefined {
    const rejectedAt = new Date().toISOString();
    const lines = batch.items.map((item) => JSON.stringify({ rejected_at: rejectedAt, reason, batch_id: batch.id, item: toJsonObject(item) })).join('\n');
    try {
      mkdirSync(join(this.path, '..'), { recursive: true });
      appendFileSync(this.path, lines + '\n');
      return this.path;
    } catch (err) {
      if (!this.failedOnce) this.log.error(`cannot keep rejected items in ${this.path}: ${(err as Error).message}`);
      this.failedOnce = true;
      return undefined;
    }
  }
}
