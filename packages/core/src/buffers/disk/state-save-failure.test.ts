import { mkdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { STATE_FILE } from './acknowledgements.js';
import { TEMP_SUFFIX } from './state-files.js';
import { addStored, numbered, numbersOf, openTestBuffer, range, removeTempDirs, tempDir } from './test-support.js';

afterEach(async () => {
  await removeTempDirs();
});

/**
 * The state is written to a temp file renamed over the old one: a directory in the temp file's
 * place makes every save fail, even for root (whom a read-only folder does not stop).
 */
const blockStateSaves = (dir: string) => mkdir(join(dir, STATE_FILE + TEMP_SUFFIX));
const allowStateSaves = (dir: string) => rmdir(join(dir, STATE_FILE + TEMP_SUFFIX));

describe('disk buffer: a new batch id is handed out only once it is saved', () => {
  it('does not hand out a batch whose id could not be saved; once saving works, the batch it gives keeps its id through a crash', async () => {
    const dir = await tempDir();
    const first = await openTestBuffer(dir);
    await addStored(first.buffer, range(1, 6).map(numbered));

    await blockStateSaves(dir);
    await expect(Promise.resolve(first.buffer.nextBatch(3))).rejects.toThrow(/EISDIR/);
    expect(first.lines.filter((l) => l.includes('cannot save its acknowledgement state'))).toHaveLength(1);

    await allowStateSaves(dir);
    const batch = (await first.buffer.nextBatch(3))!;
    expect(numbersOf(batch.items)).toEqual([1, 2, 3]);
    await first.buffer.simulateCrash();

    const second = await openTestBuffer(dir);
    const again = (await second.buffer.nextBatch(3))!;
    expect(again.id).toBe(batch.id);
    expect(numbersOf(again.items)).toEqual([1, 2, 3]);
    await second.buffer.close();
  });

  it('a batch formed ahead while saving fails is forgotten: the acknowledgement goes on, and the next batch keeps its id through a crash', async () => {
    const dir = await tempDir();
    const first = await openTestBuffer(dir);
    await addStored(first.buffer, range(1, 6).map(numbered));
    const written = (await first.buffer.nextBatch(3))!;

    await blockStateSaves(dir);
    await first.buffer.remove(written);
    await expect(Promise.resolve(first.buffer.nextBatch(3))).rejects.toThrow(/EISDIR/);

    await allowStateSaves(dir);
    const next = (await first.buffer.nextBatch(3))!;
    expect(numbersOf(next.items)).toEqual([4, 5, 6]);
    await first.buffer.simulateCrash();

    const second = await openTestBuffer(dir);
    const again = (await second.buffer.nextBatch(3))!;
    expect(again.id).toBe(next.id);
    expect(numbersOf(again.items)).toEqual([4, 5, 6]);
    await second.buffer.close();
  });
});
