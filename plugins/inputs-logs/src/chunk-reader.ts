import { read } from 'node:fs';
import { promisify } from 'node:util';

const readAsync = promisify(read);

interface ReadAhead {
  fd: number;
  position: number;
  buffer: Buffer;
  bytes: Promise<number>;
}

/**
 * Reads files a chunk at a time into two buffers in turn. While the lines of one chunk are
 * being split and parsed, the next chunk of the same file is already being read (`readAhead`),
 * so the thread pool's read and the parsing overlap instead of taking turns.
 */
export class ChunkReader {
  private readonly buffers: [Buffer, Buffer];
  /** The buffer whose data was handed out last: the one a read-ahead must not touch. */
  private handedOut = 0;
  private ahead?: ReadAhead;

  constructor(readonly size: number) {
    this.buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
  }

  /** Up to `size` bytes of `fd` from `position`; the view is valid until the next call. */
  async read(fd: number, position: number): Promise<Buffer> {
    const ahead = this.ahead;
    this.ahead = undefined;
    if (ahead) {
      if (ahead.fd === fd && ahead.position === position) return this.handOut(ahead.buffer, await ahead.bytes);
      await ahead.bytes.catch(() => 0);
    }
    const buffer = this.buffers[1 - this.handedOut];
    const { bytesRead } = await readAsync(fd, buffer, 0, this.size, position);
    return this.handOut(buffer, bytesRead);
  }

  /** Starts reading the chunk a later `read(fd, position)` will ask for. */
  readAhead(fd: number, position: number): void {
    if (this.ahead) return;
    const buffer = this.buffers[1 - this.handedOut];
    const bytes = readAsync(fd, buffer, 0, this.size, position).then((r) => r.bytesRead);
    bytes.catch(() => undefined); // reported by the read that uses it
    this.ahead = { fd, position, buffer, bytes };
  }

  /** Waits for a read-ahead on `fd` and drops it: before the descriptor is closed (its number may be reused). */
  async forget(fd: number): Promise<void> {
    const ahead = this.ahead;
    if (ahead?.fd !== fd) return;
    this.ahead = undefined;
    await ahead.bytes.catch(() => 0);
  }

  private handOut(buffer: Buffer, bytes: number): Buffer {
    this.handedOut = buffer === this.buffers[0] ? 0 : 1;
    return buffer.subarray(0, bytes);
  }
}
