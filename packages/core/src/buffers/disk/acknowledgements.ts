import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFile } from './state-files.js';

/** Where the output has got to, beside the segments; replaced whole, never edited in place. */
export const STATE_FILE = 'acknowledgements.json';

export interface OpenBatch {
  id: string;
  firstSeq: number;
  lastSeq: number;
  count: number;
}

export interface AckState {
  /** Every record through this sequence number was written by the output or rejected for good. */
  acknowledgedThrough: number;
  /**
   * Records after the open batch (or after `acknowledgedThrough`) through this one were dropped
   * by `drop_oldest`.
   */
  droppedThrough: number;
  /** The batch in flight, re-formed with the same bounds and id after a restart. */
  openBatch?: OpenBatch;
}

const isSeq = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

function parseState(text: string): AckState | undefined {
  const raw = JSON.parse(text) as Partial<AckState> | null;
  if (!raw || !isSeq(raw.acknowledgedThrough) || !isSeq(raw.droppedThrough)) return undefined;
  const batch = raw.openBatch;
  if (batch === undefined) return { acknowledgedThrough: raw.acknowledgedThrough, droppedThrough: raw.droppedThrough };
  if (typeof batch.id !== 'string' || !isSeq(batch.firstSeq) || !isSeq(batch.lastSeq) || !isSeq(batch.count)) return undefined;
  return { acknowledgedThrough: raw.acknowledgedThrough, droppedThrough: raw.droppedThrough, openBatch: { ...batch } };
}

/** The state on disk: undefined when there is none yet, 'unreadable' when it is damaged. */
export async function readAckState(directory: string): Promise<AckState | undefined | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(join(directory, STATE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return 'unreadable';
  }
  try {
    return parseState(text) ?? 'unreadable';
  } catch {
    return 'unreadable';
  }
}

export function writeAckState(directory: string, state: AckState, durable: boolean): Promise<void> {
  return replaceFile(directory, STATE_FILE, JSON.stringify(state), durable);
}

/**
 * The sequence numbers still held: those of the batch in flight, then those after it and after
 * whatever `drop_oldest` dropped behind it. A batch starts after what was acknowledged or
 * dropped before it was formed.
 */
export function heldRanges(acknowledgedThrough: number, batch: { firstSeq: number; lastSeq: number } | undefined, droppedThrough: number): [number, number][] {
  if (!batch) return [[Math.max(acknowledgedThrough, droppedThrough) + 1, Infinity]];
  return [
    [batch.firstSeq, batch.lastSeq],
    [Math.max(batch.lastSeq, droppedThrough) + 1, Infinity],
  ];
}

/** How many of the sequence numbers from..to fall in `ranges`. */
export function countHeld(ranges: [number, number][], from: number, to: number): number {
  return ranges.reduce((n, [lo, hi]) => n + Math.max(0, Math.min(to, hi) - Math.max(from, lo) + 1), 0);
}
