import { readSync } from 'node:fs';

/**
 * Reads files a chunk at a time into one reused buffer. The read is synchronous on purpose:
 * measured here, a 1 MiB read through the thread pool left the event loop idle a third of the
 * time (0.50 M JSON lines/s) where a synchronous one kept it busy (0.74 M lines/s). A chunk
 * read of a local log file blocks the loop for well under a millisecond.
 */
export class ChunkReader {
  private readonly buffer: Buffer;

  constructor(readonly size: number) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  /** Up to `size` bytes of `fd` from `position`; the view is valid until the next call. */
  read(fd: number, position: number): Buffer {
    return this.buffer.subarray(0, readSync(fd, this.buffer, 0, this.size, position));
  }
}
