import { mkdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { STATE_FILE } from './acknowledgements.js';
import { addStored, drain, numbered, numbersOf, openTestBuffer, range, recordSpans, removeTempDirs, segmentFiles, tempDir } from './test-support.js';

afterEach(removeTempDirs);

/** A closed buffer holding items 1..n, in segments of about `segmentBytes`. */
async function storedBuffer(n: number, segmentBytes = 1 << 20): Promise<string> {
  const dir = await tempDir();
  const { buffer } = await openTestBuffer(dir, { segmentBytes });
  await addStored(buffer, range(1, n).map(numbered));
  await buffer.close();
  return dir;
}

async function patch(path: string, change: (bytes: Buffer) => void): Promise<void> {
  const bytes = await readFile(path);
  change(bytes);
  await writeFile(path, bytes);
}

const damageLines = (lines: string[]) => lines.filter((line) => line.includes('lost to damage'));

describe('disk buffer damage', () => {
  it('a flipped byte in the middle of a segment costs that record alone, counted and logged once', async () => {
    const dir = await storedBuffer(20);
    const [file] = await segmentFiles(dir);
    const spans = await recordSpans(file!);
    await patch(file!, (bytes) => (bytes[spans[7]!.start + 30]! ^= 0xff));

    const { buffer, drops, lines } = await openTestBuffer(dir);
    expect(drops).toEqual({ damaged: 1 });
    expect(damageLines(lines)).toEqual([`1 records lost to damage in segment ${file}`]);
    expect(buffer.length).toBe(19);
    expect(await drain(buffer, 5)).toEqual(range(1, 20).filter((n) => n !== 8).map(numbered));
    expect(damageLines(lines)).toHaveLength(1);
    await buffer.close();
  });

  it('damage to several records of one segment is one log line with their count', async () => {
    const dir = await storedBuffer(20);
    const [file] = await segmentFiles(dir);
    const spans = await recordSpans(file!);
    await patch(file!, (bytes) => {
      bytes[spans[2]!.start + 2]! ^= 0x01; // the length field
      bytes[spans[9]!.start + 9]! ^= 0x80; // the sequence number
    });
    const { buffer, drops, lines } = await openTestBuffer(dir);
    expect(drops).toEqual({ damaged: 2 });
    expect(damageLines(lines)).toEqual([`2 records lost to damage in segment ${file}`]);
    expect(numbersOf(await drain(buffer))).toEqual(range(1, 20).filter((n) => n !== 3 && n !== 10));
    await buffer.close();
  });

  it('a zero-filled region costs the records it covers', async () => {
    const dir = await storedBuffer(20);
    const [file] = await segmentFiles(dir);
    const spans = await recordSpans(file!);
    const from = spans[4]!.start + 40;
    const to = spans[8]!.start + 10;
    await patch(file!, (bytes) => bytes.fill(0, from, to));
    const covered = spans.map((s, i) => (s.end > from && s.start < to ? i + 1 : 0)).filter((n) => n > 0);
    expect(covered).toEqual([5, 6, 7, 8, 9]);

    const { buffer, drops } = await openTestBuffer(dir);
    expect(drops).toEqual({ damaged: covered.length });
    expect(numbersOf(await drain(buffer))).toEqual(range(1, 20).filter((n) => !covered.includes(n)));
    await buffer.close();
  });

  it('a torn last write is cut at the last whole record, and writing goes on after it', async () => {
    const dir = await storedBuffer(20);
    const [file] = await segmentFiles(dir);
    const spans = await recordSpans(file!);
    await truncate(file!, spans[19]!.start + 10);

    const first = await openTestBuffer(dir);
    expect(first.drops).toEqual({});
    expect(first.lines).toContain(`disk buffer ${dir}: cut 10 bytes of an unfinished write from the end of segment ${file}`);
    expect((await stat(file!)).size).toBe(spans[19]!.start);
    await addStored(first.buffer, [numbered(21)]);
    await first.buffer.close();

    const second = await openTestBuffer(dir);
    expect(second.drops).toEqual({});
    expect(second.lines.filter((l) => l.includes('cut'))).toEqual([]);
    expect(numbersOf(await drain(second.buffer))).toEqual([...range(1, 19), 21]);
    await second.buffer.close();
  });

  it('counts damage at the start of a segment and at the end of the one before it, per segment', async () => {
    const dir = await storedBuffer(40, 1500);
    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(3);
    const firstSpans = await recordSpans(files[0]!);
    const secondSpans = await recordSpans(files[1]!);
    await patch(files[0]!, (bytes) => (bytes[firstSpans[firstSpans.length - 1]!.start + 26]! ^= 0x55));
    await patch(files[1]!, (bytes) => (bytes[secondSpans[0]!.start + 5]! ^= 0x55));
    const lost = [firstSpans.length, firstSpans.length + 1];

    const { buffer, drops, lines } = await openTestBuffer(dir, { segmentBytes: 1500 });
    expect(drops).toEqual({ damaged: 2 });
    expect(damageLines(lines)).toEqual([`1 records lost to damage in segment ${files[0]}`, `1 records lost to damage in segment ${files[1]}`]);
    expect(numbersOf(await drain(buffer))).toEqual(range(1, 40).filter((n) => !lost.includes(n)));
    await buffer.close();
  });

  it('ignores leftover temp files, even ones it cannot read or remove', async () => {
    const dir = await storedBuffer(10);
    const first = await openTestBuffer(dir);
    await first.buffer.remove((await first.buffer.nextBatch(4))!);
    await first.buffer.close();
    await writeFile(join(dir, `${STATE_FILE}.tmp`), Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2]));
    await mkdir(join(dir, 'buffer.json.tmp'));

    const { buffer, drops } = await openTestBuffer(dir);
    expect(drops).toEqual({});
    expect(numbersOf(await drain(buffer))).toEqual(range(5, 10));
    await buffer.close();
  });

  it('with a damaged acknowledgement state, sends again what its segments hold, and says so', async () => {
    const dir = await storedBuffer(10);
    const first = await openTestBuffer(dir);
    await first.buffer.remove((await first.buffer.nextBatch(4))!);
    await first.buffer.close();
    await writeFile(join(dir, STATE_FILE), '{"acknowledgedThrough": 4, "dro');

    const { buffer, lines } = await openTestBuffer(dir);
    expect(lines).toContain(`disk buffer ${dir}: its acknowledgement state is damaged; everything still in its segments will be sent again`);
    expect(numbersOf(await drain(buffer))).toEqual(range(1, 10));
    await buffer.close();
  });

  it('whatever bytes are damaged, opens, and gives back exactly the untouched records, in order', async () => {
    const N = 50;
    const damage = fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), mask: fc.integer({ min: 1, max: 255 }) }),
        fc.record({ kind: fc.constant('zero' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 400 }) }),
      ),
      { minLength: 1, maxLength: 4 },
    );
    await fc.assert(
      fc.asyncProperty(damage, fc.integer({ min: 0, max: 2 }), async (changes, fileIndex) => {
        const dir = await storedBuffer(N, 2000);
        const files = await segmentFiles(dir);
        const file = files[Math.min(fileIndex, files.length - 1)]!;
        const isLast = file === files[files.length - 1];
        const firstNumber = Number(file.slice(file.lastIndexOf('/') + 1, -4));
        const spans = await recordSpans(file);
        const before = await readFile(file);
        await patch(file, (bytes) => {
          for (const change of changes) {
            const at = Math.floor(change.at * (bytes.length - 1));
            if (change.kind === 'flip') bytes[at]! ^= change.mask;
            else bytes.fill(0, at, Math.min(bytes.length, at + change.length));
          }
        });
        const after = await readFile(file);
        const touched = spans.map((s, i) => (before.subarray(s.start, s.end).equals(after.subarray(s.start, s.end)) ? 0 : firstNumber + i)).filter((n) => n > 0);
        // Damage running to the end of the last segment is a torn write: cut, not counted.
        let tail = spans.length;
        while (tail > 0 && touched.includes(firstNumber + tail - 1)) tail--;
        const uncounted = isLast ? touched.filter((n) => n - firstNumber >= tail) : [];

        const { buffer, drops, lines } = await openTestBuffer(dir, { segmentBytes: 2000 });
        const back = await drain(buffer, 7);
        await buffer.close();
        expect(back).toEqual(range(1, N).filter((n) => !touched.includes(n)).map(numbered));
        expect(drops.damaged ?? 0).toBe(touched.length - uncounted.length);
        expect(damageLines(lines).length).toBe(touched.length - uncounted.length > 0 ? 1 : 0);
      }),
      { numRuns: Number(process.env.RUNS ?? 40) },
    );
  });
});
