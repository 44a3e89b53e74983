import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { findNextFrame, newFrame, readFrame } from './record-framing.js';

/**
 * Segment files are named by the sequence number of their first record, zero-padded so that
 * they sort in order: `00000000000000000001.seg`.
 */
const SEGMENT_NAME = /^(\d{20})\.seg$/;
/** A new add-time mark is kept once items are this much younger than the last one (see `oldestAt`). */
const MARK_INTERVAL_MS = 1000;

export function segmentFileName(firstSeq: number): string {
  return `${String(firstSeq).padStart(20, '0')}.seg`;
}

export async function listSegmentFiles(directory: string): Promise<{ firstSeq: number; path: string }[]> {
  const found: { firstSeq: number; path: string }[] = [];
  for (const name of await readdir(directory)) {
    const match = SEGMENT_NAME.exec(name);
    if (match) found.push({ firstSeq: Number(match[1]), path: join(directory, name) });
  }
  return found.sort((a, b) => a.firstSeq - b.firstSeq);
}

/** Sequence numbers from..to (inclusive) that a segment should hold but lost to damage. */
export interface SeqGap {
  from: number;
  to: number;
}

/** Where a record starts and when it was added: for `oldestAt` and for seeking. */
export interface AddMark {
  seq: number;
  offset: number;
  addedAt: number;
}

/**
 * What is known of one segment file without holding its records: the sequence numbers it
 * covers, the ones lost to damage, where damage starts and the next intact record after it,
 * and an add-time mark per second of items.
 */
export class Segment {
  /** Committed bytes: the file may be longer only by a torn write. */
  size = 0;
  /** The last sequence number it covers (firstSeq - 1 while empty). */
  endSeq: number;
  readonly gaps: SeqGap[] = [];
  readonly marks: AddMark[] = [];
  /** Offset where damage starts → offset of the next intact record (or of the end). */
  readonly damage = new Map<number, number>();

  constructor(
    readonly firstSeq: number,
    readonly path: string,
  ) {
    this.endSeq = firstSeq - 1;
  }

  /** Records written from `offset` on: `bytes` long, through `lastSeq`, the first added at `addedAt`. */
  appended(offset: number, bytes: number, firstSeq: number, lastSeq: number, addedAt: number): void {
    const last = this.marks[this.marks.length - 1];
    if (!last || addedAt >= last.addedAt + MARK_INTERVAL_MS) this.marks.push({ seq: firstSeq, offset, addedAt });
    this.size = offset + bytes;
    this.endSeq = lastSeq;
  }

  /** Notes from..to as lost to damage (found after the open scan), merged with what was known. */
  lost(from: number, to: number): void {
    const gaps = [...this.gaps, { from, to }].sort((a, b) => a.from - b.from);
    this.gaps.length = 0;
    for (const gap of gaps) {
      const last = this.gaps[this.gaps.length - 1];
      if (last && gap.from <= last.to + 1) last.to = Math.max(last.to, gap.to);
      else this.gaps.push({ ...gap });
    }
  }

  /** How many intact records it holds with sequence numbers in from..to. */
  countPresent(from: number, to: number): number {
    const lo = Math.max(from, this.firstSeq);
    const hi = Math.min(to, this.endSeq);
    if (hi < lo) return 0;
    let n = hi - lo + 1;
    for (const gap of this.gaps) n -= Math.max(0, Math.min(hi, gap.to) - Math.max(lo, gap.from) + 1);
    return n;
  }

  /** The first intact sequence number at or after `from`, if it holds one. */
  firstPresentFrom(from: number): number | undefined {
    let seq = Math.max(from, this.firstSeq);
    for (const gap of this.gaps) if (seq >= gap.from && seq <= gap.to) seq = gap.to + 1;
    return seq <= this.endSeq ? seq : undefined;
  }

  /** The last mark at or before `seq`: its add time is at most a second older than that record's. */
  markAtOrBefore(seq: number): AddMark | undefined {
    let lo = 0;
    let hi = this.marks.length - 1;
    let found: AddMark | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const mark = this.marks[mid]!;
      if (mark.seq <= seq) {
        found = mark;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}

/**
 * Verifies every record of a segment read whole and returns what is known of it and where its
 * last intact record ends. `upTo` is the last sequence number it may hold (the next segment's
 * first minus one, or Infinity for the last segment). Damage costs the records in it alone: the
 * scan resyncs on the next intact frame and notes the sequence numbers skipped as a gap. Damage
 * running to the end of the last segment is a torn write: it is left out (the segment's size
 * stops before it) and not counted, since how many records it held cannot be known.
 */
export function scanSegment(buf: Buffer, firstSeq: number, path: string, upTo: number): { segment: Segment; intactEnd: number } {
  const segment = new Segment(firstSeq, path);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const frame = newFrame();
  let prev = firstSeq - 1;
  let off = 0;
  let intactEnd = 0;
  while (off < buf.length) {
    if (!readFrame(buf, view, off, buf.length, prev, upTo, frame)) {
      const next = findNextFrame(buf, view, off + 1, buf.length, prev, upTo, frame);
      if (next < 0) {
        if (upTo !== Infinity) segment.damage.set(off, buf.length);
        break;
      }
      segment.damage.set(off, next);
      off = next;
    }
    if (frame.seq > prev + 1) segment.gaps.push({ from: prev + 1, to: frame.seq - 1 });
    segment.appended(off, frame.end - off, frame.seq, frame.seq, frame.addedAt);
    prev = frame.seq;
    off = intactEnd = frame.end;
  }
  if (upTo === Infinity) return { segment, intactEnd };
  if (prev < upTo) segment.gaps.push({ from: prev + 1, to: upTo });
  segment.endSeq = upTo;
  segment.size = buf.length;
  return { segment, intactEnd };
}
