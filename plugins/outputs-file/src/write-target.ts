import { statSync, writeSync } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';

/** One place a batch is written to: standard output or error, or a file appended to. */
export interface WriteTarget {
  name: string;
  /**
   * The batch id this target last wrote in full. A batch is retried until it is written before
   * the next one is taken, so one id is enough to skip, on a retry, the targets that took it.
   */
  lastWrittenBatch?: string;
  /** Set once the target can never be written again (its reader closed standard output). */
  ended?: string;
  /** Writes `bytes`, which may be reused once the promise settles. */
  write(bytes: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** Says what happened to a file target (removed and re-created), once each time it happens. */
export type TargetNotice = (message: string) => void;

/**
 * Standard output or error. A reader that goes away (`vigil | head -1`) makes writes fail with
 * EPIPE for good: the target ends, and the stream's 'error' event, which would otherwise end
 * the process, is taken here.
 */
export function streamTarget(name: string, stream: Writable): WriteTarget {
  const target: WriteTarget = {
    name,
    write: (bytes) =>
      new Promise((resolve, reject) => {
        if (target.ended) return reject(new Error(target.ended));
        // A copy of its own: a write outliving the output's timeout must not see the next batch's bytes.
        const own = Buffer.allocUnsafe(bytes.length);
        bytes.copy(own);
        stream.write(own, (err) => {
          if (!err) return resolve();
          if (isClosed(err)) end();
          reject(err);
        });
      }),
    close: async () => {},
  };
  const end = (): void => {
    target.ended ??= `${name} was closed by its reader (EPIPE): nothing more is written there; the agent and its other outputs keep running`;
  };
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (isClosed(err)) end();
  });
  return target;
}

function isClosed(err: NodeJS.ErrnoException): boolean {
  return err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED';
}

/**
 * A file opened for appending, written whole lines or nothing: a write that fails part-way (a
 * full disk) is cut back to where it started, so the retry does not follow a half line. Before
 * each write the path is checked to still name the open file: one removed, or whose folder was
 * removed, is told once and re-created (folder included) rather than written to unseen. After a
 * failed write the handle is dropped and the path opened again at the next write, so a path
 * fixed meanwhile (space freed, a device replaced by a file) is written to without a restart.
 */
export async function fileTarget(path: string, notice: TargetNotice): Promise<WriteTarget> {
  let handle: FileHandle | undefined;
  /** `dev:ino` of the open file. */
  let identity = '';
  /** Where the file ended after the last whole write: a failed one is cut back to here. */
  let end = 0;
  let regular = false;
  /** A failed write could not be cut back at once: do it before the next one. */
  let cutPending = false;

  const openFile = async (): Promise<FileHandle> => {
    const opened = await open(path, 'a');
    try {
      const st = await opened.stat();
      identity = `${st.dev}:${st.ino}`;
      regular = st.isFile();
      if (cutPending && regular && st.size > end) await opened.truncate(end);
      else end = st.size;
      cutPending = false;
    } catch (err) {
      await opened.close().catch(() => {});
      throw err;
    }
    handle = opened;
    return opened;
  };
  /** Opens the path again after a failure or a removal; a folder removed since it was opened is made again. */
  const reopen = async (): Promise<FileHandle> => {
    try {
      return await openFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(dirname(path), { recursive: true });
      return openFile();
    }
  };
  const drop = async () => {
    const h = handle;
    handle = undefined;
    await h?.close().catch(() => {});
  };
  /** The path no longer names the open file (removed, renamed away, its folder removed): open it anew. */
  const reopenIfGone = async () => {
    const st = statSync(path, { throwIfNoEntry: false });
    if (st && `${st.dev}:${st.ino}` === identity) return;
    await drop();
    cutPending = false;
    end = 0;
    if (!st) notice(`${path} was removed (or its folder was): re-creating it`);
  };

  await openFile();
  return {
    name: path,
    write: async (bytes) => {
      if (handle) await reopenIfGone();
      const h = handle ?? (await reopen());
      let done = 0;
      try {
        // Synchronous, as the reads of inputs.logs: into the page cache it takes well under a
        // millisecond, where a hop through the thread pool left the loop idle between batches.
        while (done < bytes.length) done += writeSync(h.fd, bytes, done, bytes.length - done);
        if (regular) end += bytes.length;
      } catch (err) {
        if (done > 0 && regular) {
          cutPending = true;
          await h.truncate(end).then(
            () => (cutPending = false),
            () => {},
          );
        }
        await drop();
        throw err;
      }
    },
    close: drop,
  };
}
