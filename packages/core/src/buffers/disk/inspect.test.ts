import { createHash } from 'node:crypto';
import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectBuffer } from './inspect.js';
import { addStored, numbered, openTestBuffer, range, recordSpans, removeTempDirs, segmentFiles, tempDir } from './test-support.js';

afterEach(removeTempDirs);

/** Names, sizes and contents of everything in the directory. */
async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const bytes = await readFile(join(dir, name));
    out.push(`${name} ${bytes.length} ${createHash('sha256').update(bytes).digest('hex')}`);
  }
  return out;
}

describe('inspectBuffer', () => {
  it('reports segments, records held, bytes, damage and the acknowledged position, changing nothing', async () => {
    const dir = await tempDir();
    const before = Date.now();
    const { buffer } = await openTestBuffer(dir, { segmentBytes: 1500 });
    await addStored(buffer, range(1, 40).map(numbered));
    const after = Date.now();
    await buffer.remove((await buffer.nextBatch(10))!);
    await buffer.close();

    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(3);
    const victim = files[files.length - 2]!;
    const spans = await recordSpans(victim);
    const bytes = await readFile(victim);
    bytes[spans[1]!.start + 40]! ^= 0x0f;
    await writeFile(victim, bytes);
    // The last segment's last record, cut short: a torn write, not counted as damage.
    const last = files[files.length - 1]!;
    const lastSpans = await recordSpans(last);
    await truncate(last, lastSpans[lastSpans.length - 1]!.start + 5);

    let totalBytes = 0;
    for (const file of files) totalBytes += (await stat(file)).size;
    const unchanged = await snapshot(dir);

    const inspection = await inspectBuffer(dir);
    expect(inspection).toEqual({
      directory: dir,
      segments: files.length,
      records: 40 - 10 - 1 - 1,
      bytes: totalBytes,
      oldestAt: expect.any(Number),
      damagedRecords: 1,
      acknowledgedThrough: 10,
    });
    expect(inspection.oldestAt).toBeGreaterThanOrEqual(before - 1000);
    expect(inspection.oldestAt).toBeLessThanOrEqual(after);
    expect(await snapshot(dir)).toEqual(unchanged);
  });

  it('reports an empty directory as holding nothing', async () => {
    const dir = await tempDir();
    expect(await inspectBuffer(dir)).toEqual({ directory: dir, segments: 0, records: 0, bytes: 0, damagedRecords: 0, acknowledgedThrough: 0 });
  });
});
