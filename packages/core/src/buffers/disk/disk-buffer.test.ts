import { readdirSync, readlinkSync } from 'node:fs';
import { open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import {
  addStored,
  drain,
  numbered,
  numbersOf,
  openTestBuffer,
  range,
  receipt,
  removeTempDirs,
  segmentBytes,
  segmentFiles,
  tempDir,
  waitFor,
} from './test-support.js';

afterEach(async () => {
  jest.restoreAllMocks();
  await removeTempDirs();
});

/** Files under `dir` this process has open. */
function openFilesUnder(dir: string): string[] {
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((path) => path.startsWith(dir));
}

const seqOf = (itemId: string) => Number(itemId.slice(itemId.lastIndexOf('-') + 1));

/** The prototype of Node's FileHandle, to count the writes and fsyncs the buffer makes. */
async function fileHandlePrototype(dir: string) {
  const handle = await open(join(dir, 'probe'), 'w');
  await handle.close();
  await rm(join(dir, 'probe'));
  return Object.getPrototypeOf(handle) as { writev: () => unknown; sync: () => unknown };
}

describe('disk buffer', () => {
  it('gives back what was added, in order, in batches, and forgets what was removed', async () => {
    const { buffer } = await openTestBuffer(await tempDir());
    await addStored(buffer, range(1, 10).map(numbered));
    expect(buffer.length).toBe(10);
    const first = (await buffer.nextBatch(4))!;
    expect(first.items).toEqual(range(1, 4).map(numbered));
    expect(await buffer.nextBatch(4)).toBe(first);
    await buffer.remove(first);
    expect(buffer.length).toBe(6);
    const second = (await buffer.nextBatch(100))!;
    expect(numbersOf(second.items)).toEqual(range(5, 10));
    await buffer.remove(second);
    expect(buffer.length).toBe(0);
    expect(await buffer.nextBatch(100)).toBeUndefined();
    expect(await buffer.close()).toBe(0);
  });

  it('settles a receipt only once the write holding its item returned', async () => {
    const dir = await tempDir();
    const { buffer } = await openTestBuffer(dir);
    const r = receipt();
    buffer.add(numbered(1), r);
    expect(r.settled).toBeUndefined();
    expect(await segmentBytes(dir)).toBe(0);
    await waitFor(() => r.settled !== undefined);
    expect(r.settled).toBe(true);
    expect(await segmentBytes(dir)).toBeGreaterThan(0);
    await buffer.close();
  });

  it('writes everything added in one event-loop turn with one write', async () => {
    const dir = await tempDir();
    const proto = await fileHandlePrototype(dir);
    const { buffer } = await openTestBuffer(dir);
    const writes = jest.spyOn(proto, 'writev');
    const receipts = range(1, 500).map(() => receipt());
    receipts.forEach((r, i) => buffer.add(numbered(i + 1), r));
    await waitFor(() => receipts.every((x) => x.settled));
    expect(writes).toHaveBeenCalledTimes(1);
    await buffer.close();
  });

  it('with buffer_sync_interval 0 fsyncs once per commit, else at most once per interval', async () => {
    const dir = await tempDir();
    const proto = await fileHandlePrototype(dir);
    const original = proto.sync;
    let segmentSyncs = 0;
    jest.spyOn(proto, 'sync').mockImplementation(function (this: { fd: number }) {
      if (readlinkSync(`/proc/self/fd/${this.fd}`).endsWith('.seg')) segmentSyncs++;
      return original.call(this);
    });
    const every = await openTestBuffer(join(dir, 'every'), { syncIntervalMs: 0 });
    for (let i = 1; i <= 5; i++) await addStored(every.buffer, [numbered(i)]);
    expect(segmentSyncs).toBe(5);
    await every.buffer.close();

    const timed = await openTestBuffer(join(dir, 'timed'), { syncIntervalMs: 100 });
    segmentSyncs = 0;
    const start = Date.now();
    let commits = 0;
    while (Date.now() - start < 450) await addStored(timed.buffer, [numbered(++commits)]);
    const elapsed = Date.now() - start;
    expect(commits).toBeGreaterThan(10);
    expect(segmentSyncs).toBeLessThanOrEqual(Math.floor(elapsed / 100) + 1);
    await timed.buffer.close();
  });

  it('offers the batch in flight again after a restart, under the same id and with the same items', async () => {
    const dir = await tempDir();
    const first = await openTestBuffer(dir);
    await addStored(first.buffer, range(1, 10).map(numbered));
    const batch = (await first.buffer.nextBatch(4))!;
    first.buffer.add(numbered(11));
    await first.buffer.close();

    const second = await openTestBuffer(dir);
    expect(second.buffer.length).toBe(11);
    const again = (await second.buffer.nextBatch(7))!;
    expect(again.id).toBe(batch.id);
    expect(again.items).toEqual(batch.items);
    expect(again.itemIds).toEqual(batch.itemIds);
    await second.buffer.remove(again);
    await second.buffer.simulateCrash();

    const third = await openTestBuffer(dir);
    expect(numbersOf(await drain(third.buffer))).toEqual(range(5, 11));
    await third.buffer.close();
  });

  it('after a crash, keeps exactly the items whose receipts had settled, and the batch in flight', async () => {
    const dir = await tempDir();
    const first = await openTestBuffer(dir, { syncIntervalMs: 50 });
    await addStored(first.buffer, range(1, 6).map(numbered));
    const batch = (await first.buffer.nextBatch(3))!;
    const late = range(7, 400).map(() => receipt());
    late.forEach((r, i) => first.buffer.add(numbered(i + 7), r));
    await first.buffer.simulateCrash();
    const stored = range(7, 400).filter((n) => late[n - 7]!.settled);

    const second = await openTestBuffer(dir);
    const again = (await second.buffer.nextBatch(100))!;
    expect(again.id).toBe(batch.id);
    expect(numbersOf(again.items)).toEqual([1, 2, 3]);
    await second.buffer.remove(again);
    expect(numbersOf(await drain(second.buffer))).toEqual([4, 5, 6, ...stored]);
    await second.buffer.close();
  });

  it('leaves no file open and no timer running after a simulated crash or a close', async () => {
    const dir = await tempDir();
    for (const stop of ['crash', 'close'] as const) {
      const { buffer } = await openTestBuffer(dir, { syncIntervalMs: 60_000, segmentBytes: 1000 });
      await addStored(buffer, range(1, 30).map(numbered));
      await buffer.remove((await buffer.nextBatch(25))!);
      expect(openFilesUnder(dir).length).toBeGreaterThan(0);
      if (stop === 'crash') await buffer.simulateCrash();
      else await buffer.close();
      expect(openFilesUnder(dir)).toEqual([]);
    }
  });

  it('gives each item an id that stays across restarts and is never reused, even by a re-created directory', async () => {
    const dir = await tempDir();
    const first = await openTestBuffer(dir);
    await addStored(first.buffer, range(1, 4).map(numbered));
    const ids = [...(await first.buffer.nextBatch(2))!.itemIds];
    await first.buffer.close();
    const second = await openTestBuffer(dir);
    const again = (await second.buffer.nextBatch(2))!;
    expect(again.itemIds).toEqual(ids);
    await second.buffer.remove(again);
    ids.push(...(await second.buffer.nextBatch(2))!.itemIds);
    expect(new Set(ids).size).toBe(4);
    expect(ids.map(seqOf)).toEqual([1, 2, 3, 4]);
    await second.buffer.close();

    await rm(dir, { recursive: true });
    const recreated = await openTestBuffer(dir);
    await addStored(recreated.buffer, [numbered(1)]);
    const fresh = (await recreated.buffer.nextBatch(1))!.itemIds[0]!;
    expect(seqOf(fresh)).toBe(1);
    expect(ids).not.toContain(fresh);
    await recreated.buffer.close();
  });

  it('deletes a segment file only once every record in it is acknowledged', async () => {
    const dir = await tempDir();
    const { buffer } = await openTestBuffer(dir, { segmentBytes: 2000 });
    await addStored(buffer, range(1, 60).map(numbered));
    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(3);
    // A file named N holds sequence numbers N up to the next file's first.
    const firstSeqs = files.map((f) => Number(f.slice(f.lastIndexOf('/') + 1, -4)));
    const lastSeqOf = (i: number) => (i + 1 < firstSeqs.length ? firstSeqs[i + 1]! - 1 : 60);
    let acknowledged = 0;
    while (acknowledged < 60) {
      const batch = (await buffer.nextBatch(7))!;
      await buffer.remove(batch);
      acknowledged = seqOf(batch.itemIds[batch.itemIds.length - 1]!);
      const present = await segmentFiles(dir);
      files.forEach((file, i) => {
        if (lastSeqOf(i) > acknowledged) expect(present).toContain(file);
      });
    }
    // All but the last (still appended to) go once acknowledged; deletions come within a second.
    await waitFor(async () => (await segmentFiles(dir)).length === 1, 'the acknowledged segments to be deleted');
    expect(await segmentFiles(dir)).toEqual([files[files.length - 1]]);
    await buffer.close();
  });

  it('measures its size from the files at open', async () => {
    const dir = await tempDir();
    const first = await openTestBuffer(dir, { segmentBytes: 1500 });
    await addStored(first.buffer, range(1, 40).map(numbered));
    await first.buffer.remove((await first.buffer.nextBatch(5))!);
    await first.buffer.close();
    const onDisk = await segmentBytes(dir);

    const second = await openTestBuffer(dir, { segmentBytes: 1500 });
    expect(second.buffer.length).toBe(35);
    expect(second.buffer.bytes).toBeLessThanOrEqual(onDisk);
    expect(second.buffer.bytes).toBeGreaterThan(onDisk - 1500);
    await second.buffer.close();
  });

  it('is full at its item limit or at buffer_max_size', async () => {
    const byCount = await openTestBuffer(await tempDir(), { limit: 3, whenFull: 'drop_newest' });
    await addStored(byCount.buffer, range(1, 2).map(numbered));
    expect(byCount.buffer.full).toBe(false);
    await addStored(byCount.buffer, [numbered(3)]);
    expect(byCount.buffer.full).toBe(true);
    await byCount.buffer.close();

    const dir = await tempDir();
    const byBytes = await openTestBuffer(dir, { maxBytes: 4000, segmentBytes: 1000, whenFull: 'drop_newest' });
    let n = 0;
    while (!byBytes.buffer.full) await addStored(byBytes.buffer, [numbered(++n)]);
    expect(await segmentBytes(dir)).toBeGreaterThanOrEqual(4000);
    expect(byBytes.buffer.bytes).toBe(await segmentBytes(dir));
    await byBytes.buffer.close();
  });

  it('tells when the oldest item held was added', async () => {
    const { buffer } = await openTestBuffer(await tempDir());
    expect(buffer.oldestAt).toBeUndefined();
    const before = Date.now();
    await addStored(buffer, range(1, 3).map(numbered));
    const after = Date.now();
    expect(buffer.oldestAt).toBeGreaterThanOrEqual(before - 1000);
    expect(buffer.oldestAt).toBeLessThanOrEqual(after);
    const batch = (await buffer.nextBatch(3))!;
    expect(buffer.oldestAt).toBeGreaterThanOrEqual(before);
    await buffer.remove(batch);
    expect(buffer.oldestAt).toBeUndefined();
    await buffer.close();
  });

  it('drop_oldest drops the oldest items not in flight, and what it dropped stays dropped after a restart', async () => {
    const dir = await tempDir();
    const first = await openTestBuffer(dir, { limit: 5 });
    const receipts = range(1, 8).map(() => receipt());
    await addStored(first.buffer, range(1, 5).map(numbered));
    const batch = (await first.buffer.nextBatch(2))!;
    receipts.slice(5).forEach((r, i) => first.buffer.add(numbered(i + 6), r));
    await waitFor(() => receipts.slice(5).every((r) => r.settled));
    expect(first.drops).toEqual({ oldest: 3 });
    await first.buffer.simulateCrash();

    const second = await openTestBuffer(dir, { limit: 5 });
    expect(second.buffer.length).toBe(5);
    const again = (await second.buffer.nextBatch(10))!;
    expect(again.id).toBe(batch.id);
    await second.buffer.remove(again);
    expect(numbersOf(await drain(second.buffer))).toEqual([6, 7, 8]);
    await second.buffer.close();
  });

  it('drop_oldest drops the item still waiting for its write when nothing older is stored', async () => {
    const { buffer, drops } = await openTestBuffer(await tempDir(), { limit: 2 });
    const r = range(1, 3).map(() => receipt());
    r.forEach((x, i) => buffer.add(numbered(i + 1), x));
    expect(r[0]!.settled).toBe(true);
    expect(drops).toEqual({ oldest: 1 });
    expect(numbersOf(await drain(buffer))).toEqual([2, 3]);
    await buffer.close();
  });

  it('drop_newest and block drop what arrives at a full buffer, settling its receipt', async () => {
    for (const whenFull of ['drop_newest', 'block'] as const) {
      const { buffer, drops } = await openTestBuffer(await tempDir(), { limit: 3, whenFull });
      await addStored(buffer, range(1, 3).map(numbered));
      const r = receipt();
      buffer.add(numbered(4), r);
      expect(r.settled).toBe(true);
      expect(drops).toEqual({ newest: 1 });
      expect(numbersOf(await drain(buffer))).toEqual([1, 2, 3]);
      await buffer.close();
    }
  });

  it('drop_oldest at buffer_max_size drops the oldest whole segment not in flight', async () => {
    const dir = await tempDir();
    const { buffer, drops } = await openTestBuffer(dir, { maxBytes: 6000, segmentBytes: 1000 });
    await addStored(buffer, range(1, 3).map(numbered));
    const batch = (await buffer.nextBatch(3))!;
    let n = 3;
    while (!drops.oldest) await addStored(buffer, [numbered(++n)]);
    for (let i = 0; i < 30; i++) await addStored(buffer, [numbered(++n)]);
    expect(buffer.bytes).toBeLessThan(6000 + 1000);
    await buffer.remove(batch);
    const rest = numbersOf(await drain(buffer));
    // The newest survive, in order, and everything else was counted.
    expect(rest).toEqual(range(n - rest.length + 1, n));
    expect(3 + rest.length + drops.oldest!).toBe(n);
    await buffer.close();
  });

  it('keeps what is not yet written at close, and sends it first at the next open', async () => {
    const dir = await tempDir();
    const first = await openTestBuffer(dir);
    range(1, 50).forEach((i) => first.buffer.add(numbered(i)));
    expect(await first.buffer.close()).toBe(0);
    const second = await openTestBuffer(dir);
    await addStored(second.buffer, [numbered(51)]);
    expect(numbersOf(await drain(second.buffer, 20))).toEqual(range(1, 51));
    await second.buffer.close();
  });

  it('does not open a directory it cannot make, and says which and why', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a-file'), 'x');
    const where = join(dir, 'a-file', 'buffer');
    await expect(openTestBuffer(where)).rejects.toThrow(`disk buffer directory ${where} cannot be used: ENOTDIR: not a directory`);
  });

  it('drops what arrives after close', async () => {
    const { buffer, drops } = await openTestBuffer(await tempDir());
    await buffer.close();
    const r = receipt();
    buffer.add(numbered(1), r);
    expect(r.settled).toBe(true);
    expect(drops).toEqual({ closed: 1 });
    expect(await buffer.nextBatch(1)).toBeUndefined();
  });

  it('reads back a segment with a record larger than the read block', async () => {
    const { buffer } = await openTestBuffer(await tempDir());
    const big = { ...numbered(2), fields: { i: 2n, blob: 'x'.repeat(3 * 1024 * 1024) } } as ReturnType<typeof numbered>;
    await addStored(buffer, [numbered(1), big, numbered(3)]);
    expect(await drain(buffer)).toEqual([numbered(1), big, numbered(3)]);
    await buffer.close();
  });
});
