import { open, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';

/** One place a batch is written to: standard output or error, or a file appended to. */
export interface WriteTarget {
  name: string;
  /**
   * The batch id this target last wrote in full. A batch is retried until it is written before
   * the next one is taken, so one id is enough to skip, on a retry, the targets that took it.
   */
  lastWrittenBatch?: string;
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

export function streamTarget(name: string, stream: Writable): WriteTarget {
  return {
    name,
    write: (text) =>
      new Promise((resolve, reject) => {
        stream.write(text, (err) => (err ? reject(err) : resolve()));
      }),
    close: async () => {},
  };
}

/**
 * A file opened for appending. After a failed write its handle is dropped and the path opened
 * again at the next write, so a path fixed meanwhile (space freed, folder re-created, a device
 * replaced by a file) is written to without a restart.
 */
export async function fileTarget(path: string): Promise<WriteTarget> {
  let handle: FileHandle | undefined = await open(path, 'a');
  const drop = async () => {
    const h = handle;
    handle = undefined;
    await h?.close().catch(() => {});
  };
  return {
    name: path,
    write: async (text) => {
      handle ??= await open(path, 'a');
      try {
        await handle.appendFile(text);
      } catch (err) {
        await drop();
        throw err;
      }
    },
    close: drop,
  };
}
