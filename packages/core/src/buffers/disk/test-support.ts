import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { newLogRecord, newMetric, type Item } from '../../model/item.js';
import type { Receipt } from '../buffer.js';
import { DiskBuffer, type DiskBufferOptions } from './disk-buffer.js';

/** A directory under the system temp dir, removed by `removeTempDirs`. */
const made: string[] = [];
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-disk-buffer-'));
  made.push(dir);
  return dir;
}
export async function removeTempDirs(): Promise<void> {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
}

/** A metric whose `i` field numbers it, with the other kinds of value beside it. */
export function numbered(i: number): Item {
  return newMetric('cpu', { i: BigInt(i), idle: i / 4, ok: i % 2 === 0, state: `s${i}` }, { host: `web-${i % 3}` }, 1_700_000_000_000 + i, 'gauge');
}
export const numberOf = (item: Item): number => (item.kind === 'metric' ? Number(item.fields.i) : Number(item.attributes.i));
export const numbersOf = (items: Item[] | undefined): number[] => (items ?? []).map(numberOf);
export const logNumbered = (i: number): Item => newLogRecord({ level: 'warn', message: `line ${i}`, source: '/var/log/x', attributes: { i } }, 'logs');

/** Opens a buffer with a log and drop counts the test can read. */
export async function openTestBuffer(directory: string, options: Partial<DiskBufferOptions> = {}) {
  const lines: string[] = [];
  const drops: Record<string, number> = {};
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line).msg as string) });
  const buffer = await DiskBuffer.open({
    directory,
    limit: 1_000_000,
    maxBytes: 1 << 30,
    whenFull: 'drop_oldest',
    syncIntervalMs: 0,
    log,
    events: { dropped: (n, reason) => (drops[reason] = (drops[reason] ?? 0) + n) },
    ...options,
  });
  return { buffer, lines, drops };
}

/** A receipt that records how it settled. */
export function receipt(): Receipt & { settled?: boolean } {
  const r: Receipt & { settled?: boolean } = { settle: (delivered) => (r.settled = delivered) };
  return r;
}

/** Waits until `check` is true, turn by turn: no fixed sleep. */
export async function waitFor(check: () => boolean | Promise<boolean>, what = 'the condition', timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Adds items and waits until each is stored (its receipt settled). */
export async function addStored(buffer: DiskBuffer, items: Item[]): Promise<void> {
  const receipts = items.map(() => receipt());
  items.forEach((item, i) => buffer.add(item, receipts[i]));
  await waitFor(() => receipts.every((r) => r.settled !== undefined), 'the items to be stored');
}

/** The segment files of a buffer directory, oldest first. */
export async function segmentFiles(directory: string): Promise<string[]> {
  return (await readdir(directory)).filter((name) => name.endsWith('.seg')).sort().map((name) => join(directory, name));
}

export async function segmentBytes(directory: string): Promise<number> {
  let total = 0;
  for (const path of await segmentFiles(directory)) total += (await stat(path)).size;
  return total;
}

/**
 * Where each record of a segment starts and ends, read by the test itself from the frame
 * headers (u32 payload length first, 24 header bytes) rather than by the code under test.
 */
export async function recordSpans(path: string): Promise<{ start: number; end: number }[]> {
  const bytes = await readFile(path);
  const spans: { start: number; end: number }[] = [];
  for (let off = 0; off + 24 <= bytes.length; ) {
    const end = off + 24 + bytes.readUInt32LE(off);
    spans.push({ start: off, end });
    off = end;
  }
  return spans;
}

/** Reads every batch until the buffer is empty, removing each. */
export async function drain(buffer: DiskBuffer, max = 1000): Promise<Item[]> {
  const out: Item[] = [];
  for (let batch = await buffer.nextBatch(max); batch; batch = await buffer.nextBatch(max)) {
    out.push(...batch.items);
    await buffer.remove(batch);
  }
  return out;
}

export const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
