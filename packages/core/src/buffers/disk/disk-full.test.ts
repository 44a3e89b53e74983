import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WhenFull } from '../buffer.js';
import type { DiskBuffer } from './disk-buffer.js';
import { drain, numbered, numbersOf, openTestBuffer, receipt, removeTempDirs, segmentFiles, tempDir, waitFor } from './test-support.js';

afterEach(removeTempDirs);

/** Whether a small tmpfs can be mounted here (it needs root); the reason when it cannot. */
function tmpfsProblem(): string | undefined {
  const probe = mkdtempSync(join(tmpdir(), 'vigil-tmpfs-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return String((err as { stderr?: Buffer }).stderr ?? err).trim() || 'mount failed';
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const problem = tmpfsProblem();
const onTmpfs = (name: string, test: () => Promise<void>) =>
  problem ? it.skip(`${name} (skipped: a 512k tmpfs cannot be mounted here: ${problem})`, test) : it(name, test);

/** A buffer on its own 512 KiB tmpfs, unmounted afterwards. */
async function withSmallDisk(
  whenFull: WhenFull,
  use: (ctx: { dir: string; mountPoint: string } & Awaited<ReturnType<typeof openTestBuffer>>) => Promise<void>,
): Promise<void> {
  const mountPoint = join(await tempDir(), 'disk');
  mkdirSync(mountPoint);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mountPoint]);
  try {
    const dir = join(mountPoint, 'buffer');
    const opened = await openTestBuffer(dir, { whenFull, segmentBytes: 32 * 1024, maxBytes: 1 << 30, limit: 1_000_000 });
    try {
      await use({ dir, mountPoint, ...opened });
    } finally {
      await opened.buffer.close();
    }
  } finally {
    execFileSync('umount', ['-l', mountPoint]);
  }
}

/** Takes every byte left on the disk, so that not even a small file can be written. */
async function fillDisk(mountPoint: string): Promise<void> {
  const handle = await open(join(mountPoint, 'filler'), 'w');
  try {
    for (const size of [4096, 1]) {
      for (;;) {
        try {
          await handle.write(Buffer.alloc(size));
        } catch {
          break;
        }
      }
    }
  } finally {
    await handle.close();
  }
}

/** Adds `count` items (numbered from `from`) in one turn and waits until each is stored or dropped. */
async function addTurn(buffer: DiskBuffer, from: number, count: number): Promise<void> {
  const receipts = Array.from({ length: count }, () => receipt());
  receipts.forEach((r, i) => buffer.add(numbered(from + i), r));
  await waitFor(() => receipts.every((r) => r.settled === true), 'the items to be stored or dropped');
}

const TURN = 100;

describe('disk buffer on a full disk', () => {
  onTmpfs('logs a full disk once, counts what it could not store, keeps working and recovers when space returns', async () => {
    await withSmallDisk('drop_newest', async ({ dir, mountPoint, buffer, drops, lines }) => {
      let added = 0;
      for (let turn = 0; !drops['disk full'] && turn < 1000; turn++) {
        await addTurn(buffer, added + 1, TURN);
        added += TURN;
      }
      expect(drops['disk full']).toBeGreaterThan(0);
      await fillDisk(mountPoint);
      for (let turn = 0; turn < 5; turn++) {
        await addTurn(buffer, added + 1, TURN);
        added += TURN;
      }
      const writeErrors = lines.filter((line) => line.includes('cannot write'));
      expect(writeErrors).toHaveLength(1);
      expect(writeErrors[0]).toContain('ENOSPC');
      const stored = added - drops['disk full']!;
      expect(buffer.length).toBe(stored);

      // What was stored comes out whole and in order; acknowledging it frees the disk, though
      // saving the acknowledgement needs space too.
      const back = numbersOf(await drain(buffer, 500));
      expect(back).toHaveLength(stored);
      expect(back).toEqual([...back].sort((a, b) => a - b));
      await waitFor(async () => (await segmentFiles(dir)).length <= 1, 'the acknowledged segments to be deleted');

      const dropsBefore = drops['disk full'];
      await addTurn(buffer, added + 1, TURN);
      expect(drops['disk full']).toBe(dropsBefore);
      expect(lines.filter((line) => line.includes('writing works again'))).toHaveLength(1);
      expect(await drain(buffer)).toEqual(Array.from({ length: TURN }, (_, i) => numbered(added + 1 + i)));
    });
  });

  onTmpfs('with drop_oldest, a full disk makes room by dropping the oldest segment, keeping what arrives', async () => {
    await withSmallDisk('drop_oldest', async ({ buffer, drops }) => {
      let added = 0;
      for (let turn = 0; !drops.oldest && turn < 1000; turn++) {
        await addTurn(buffer, added + 1, TURN);
        added += TURN;
      }
      expect(drops.oldest).toBeGreaterThan(0);
      await addTurn(buffer, added + 1, TURN);
      added += TURN;
      const back = numbersOf(await drain(buffer, 500));
      expect(back.slice(-TURN)).toEqual(Array.from({ length: TURN }, (_, i) => added - TURN + 1 + i));
      expect(back.length + drops.oldest! + (drops['disk full'] ?? 0)).toBe(added);
    });
  });
});
