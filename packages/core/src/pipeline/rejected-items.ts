import { appendFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BufferedBatch } from '../buffers/buffer.js';
import { toJsonObject } from '../model/json.js';

/** The file stops growing here; later rejections are still counted and logged. */
const MAX_REJECTED_FILE_BYTES = 64 * 2 ** 20;

/**
 * Batches a destination rejected for good, kept as JSON lines in
 * `<buffer_directory>/rejected/<output>.jsonl` (at most 64 MiB) so that nothing is lost without a trace.
 */
export class RejectedItems {
  private readonly path: string;
  private failedOnce = false;
  private bytes?: number;

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
      this.bytes ??= existsSync(this.path) ? statSync(this.path).size : 0;
      if (this.bytes + lines.length > MAX_REJECTED_FILE_BYTES) {
        if (!this.failedOnce) this.log.error(`${this.path} is full (64 MiB); later rejected items are counted but not kept`);
        this.failedOnce = true;
        return undefined;
      }
      mkdirSync(join(this.path, '..'), { recursive: true });
      appendFileSync(this.path, lines + '\n');
      this.bytes += Buffer.byteLength(lines) + 1;
      return this.path;
    } catch (err) {
      if (!this.failedOnce) this.log.error(`cannot keep rejected items in ${this.path}: ${(err as Error).message}`);
      this.failedOnce = true;
      return undefined;
    }
  }
}
