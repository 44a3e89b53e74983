import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const LOCK_FILE = 'lock';

/** Whether a process with this pid is running (signal 0 only checks). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Marks the buffer directory as this process's: two agents appending to one buffer would damage
 * each other's segments. A lock left by a process that died (kill -9) is taken over.
 */
export async function claimDirectory(directory: string): Promise<void> {
  const path = join(directory, LOCK_FILE);
  const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
  if (Number.isSafeInteger(holder) && holder !== process.pid && isRunning(holder)) {
    throw new Error(`it is in use by another vigil (process ${holder}; ${path})`);
  }
  await writeFile(path, `${process.pid}\n`);
}

export async function releaseDirectory(directory: string): Promise<void> {
  await unlink(join(directory, LOCK_FILE)).catch(() => undefined);
}
