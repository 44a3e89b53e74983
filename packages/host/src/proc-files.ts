import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** Every kernel fills a seq_file read from a buffer of at least one 4 KiB page. */
const SEQ_PAGE = 4096;
/** Longer than any line of /proc/net/{tcp,tcp6,udp,udp6}. */
const SEQ_MAX_RECORD = 256;

/** Reused for the many one-read files (/proc/<pid>/stat is well under 1 KiB). */
const smallFileBuffer = Buffer.allocUnsafe(SEQ_PAGE);

/**
 * The /proc and /sys files one gather reads, each read once however many groups need it.
 * Reads are synchronous (but for the socket tables): these files are generated in memory by
 * the kernel, a read costs microseconds, and a synchronous read skips thread-pool round trips
 * that would cost more than the read itself.
 */
export class ProcFiles {
  private readonly cache = new Map<string, string>();
  private readonly tables = new Map<string, Promise<string>>();

  /** `root` is prefixed to every path: tests point it at a prepared directory. */
  constructor(private readonly root = '') {}

  /** The file's text; throws a one-line error naming the file when it cannot be read. */
  read(path: string): string {
    return this.cached(path, () => readFileSync(this.root + path, 'utf8'));
  }

  /** The file's text, or undefined when it is missing or unreadable (optional sources). */
  readOptional(path: string): string | undefined {
    try {
      return this.read(path);
    } catch {
      return undefined;
    }
  }

  /**
   * A socket table (/proc/net/tcp …), read on the thread pool: answering the read that finds
   * the end of the table makes the kernel walk its whole connection hash, milliseconds on a
   * large-memory host, so the tables are read in parallel and off the event loop. A plain
   * read-to-EOF would pay that walk twice; a seq_file read returns less than a page minus one
   * record only when the table has ended, so such a read is taken as the end.
   */
  readSocketTable(path: string): Promise<string> {
    let pending = this.tables.get(path);
    if (!pending) {
      pending = readSeqFile(this.root + path).catch((err: NodeJS.ErrnoException) => {
        throw new Error(`cannot read ${path}: ${err.code ?? err.message}`);
      });
      this.tables.set(path, pending);
    }
    return pending;
  }

  /** A small file that fits one read, such as /proc/<pid>/stat; undefined when it is gone. */
  readSmallOptional(path: string): string | undefined {
    let fd: number;
    try {
      fd = openSync(this.root + path, 'r');
    } catch {
      return undefined;
    }
    try {
      return smallFileBuffer.toString('latin1', 0, readSync(fd, smallFileBuffer, 0, smallFileBuffer.length, null));
    } catch {
      return undefined;
    } finally {
      closeSync(fd);
    }
  }

  /** The names in a directory (such as the process ids in /proc). */
  list(path: string): string[] {
    return readdirSync(this.root + path);
  }

  private cached(path: string, read: () => string): string {
    let text = this.cache.get(path);
    if (text === undefined) {
      try {
        text = read();
      } catch (err) {
        throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      this.cache.set(path, text);
    }
    return text;
  }
}

async function readSeqFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  const buffer = Buffer.allocUnsafe(2 * SEQ_PAGE);
  try {
    let text = '';
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      text += buffer.toString('latin1', 0, bytesRead);
      if (bytesRead <= SEQ_PAGE - SEQ_MAX_RECORD) return text;
    }
  } finally {
    await handle.close();
  }
}
