import { fstat } from 'node:fs';
import { promisify } from 'node:util';
import type { Batcher } from './batcher.js';
import type { FollowedFile } from './followed-file.js';
import type { FollowedFiles } from './followed-files.js';
import type { RecordBuilder } from './record-builder.js';
import type { RotatedCopies } from './rotated-copies.js';
import type { StartPositions } from './saved-state.js';

const fstatAsync = promisify(fstat);

/**
 * Keeps lines a rotation would lose: a file rotated while the agent was stopped is read on
 * from its saved position, and a truncated file's unread rest is read from the copy made
 * before the truncation.
 */
export class RotationRecovery {
  constructor(
    private readonly files: FollowedFiles,
    private readonly copies: RotatedCopies,
    private readonly records: RecordBuilder,
    private readonly batch: Batcher,
    private readonly positions: StartPositions,
  ) {}

  /**
   * Files saved by the last run that are no longer under their name: rotated while the agent
   * was stopped. Each found beside its old name is read from the saved offset to the end.
   */
  async recoverRotatedWhileStopped(): Promise<void> {
    for (const saved of this.positions.unclaimed()) {
      const file = await this.copies.rotatedWhileStopped(saved);
      if (file) this.files.add(file);
    }
  }

  /**
   * copytruncate: what was read stays handed on; everything now in the file is new. The copy
   * made just before the truncation holds the lines not read yet: when it is found beside the
   * file (whether or not the globs match it), it is read from where reading stopped first.
   */
  async restartAfterTruncation(file: FollowedFile): Promise<void> {
    this.records.finishPending(file);
    this.batch.flush();
    const copy = await this.copies.copyOf(file);
    if (copy) {
      this.files.add(copy);
      file.startAnew();
      this.files.changed = true;
    } else if (file.restartFromBeginning()) this.files.changed = true;
  }

  /**
   * Files waiting for room are not read, so a truncation is looked for by size. (One refilled
   * past the read offset meanwhile is still caught by the read, by its bytes.)
   */
  async noticeTruncationsWhileWaiting(): Promise<void> {
    for (const file of [...this.files.toRead]) {
      if (file.finishing || (file.pending && this.batch.full)) continue;
      const size = await fstatAsync(file.fd).then((st) => st.size, () => Infinity);
      if (size < file.readOffset && this.files.withIdentity(file.identity) === file) await this.restartAfterTruncation(file);
    }
  }
}
