import type { WriteResult } from '@vigil/core';
import type { Signal } from './export-settings.js';

/** Batches remembered; the agent retries the batch at the front, so a handful is plenty. */
const MAX_BATCHES = 32;

/**
 * Which half of a batch (its metrics, its log records) is already settled, written or rejected,
 * by batch id: a retry of the batch then sends only the half that asked for it, as outputs.file
 * writes a retried batch only to the files that failed. Kept in memory: after a restart the
 * whole batch is sent again.
 */
export class BatchProgress {
  private readonly batches = new Map<string, Map<Signal, WriteResult>>();

  settled(batchId: string, signal: Signal): WriteResult | undefined {
    return this.batches.get(batchId)?.get(signal);
  }

  remember(batchId: string, signal: Signal, result: WriteResult): void {
    let halves = this.batches.get(batchId);
    if (!halves) {
      if (this.batches.size >= MAX_BATCHES) this.batches.delete(this.batches.keys().next().value!);
      halves = new Map();
      this.batches.set(batchId, halves);
    }
    halves.set(signal, result);
  }

  forget(batchId: string): void {
    this.batches.delete(batchId);
  }
}
