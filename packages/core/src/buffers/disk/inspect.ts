import { readFile } from 'node:fs/promises';
import { countHeld, heldRanges, readAckState } from './acknowledgements.js';
import { listSegmentFiles, scanSegment } from './segment-files.js';

/** What a disk buffer directory holds, as the next open would find it. */
export interface BufferInspection {
  directory: string;
  /** Segment files. */
  segments: number;
  /** Intact records not yet acknowledged or dropped: what the next open holds. */
  records: number;
  /** Bytes of the segment files, a torn last write included. */
  bytes: number;
  /** When the oldest record held was added (ms since the epoch; at most a second early). */
  oldestAt?: number;
  /** Records lost to damage that were not yet acknowledged. */
  damagedRecords: number;
  /** The sequence number acknowledged through. */
  acknowledgedThrough: number;
}

/** Reads a buffer directory without changing anything in it: safe beside a running agent. */
export async function inspectBuffer(directory: string): Promise<BufferInspection> {
  const state = await readAckState(directory);
  const files = await listSegmentFiles(directory);
  const known = state === 'unreadable' ? undefined : state;
  const acknowledgedThrough = known?.acknowledgedThrough ?? (files[0]?.firstSeq ?? 1) - 1;
  const batch = known?.openBatch && known.openBatch.lastSeq > acknowledgedThrough ? known.openBatch : undefined;
  const held = heldRanges(acknowledgedThrough, batch, known?.droppedThrough ?? acknowledgedThrough);
  const inspection: BufferInspection = { directory, segments: files.length, records: 0, bytes: 0, damagedRecords: 0, acknowledgedThrough };
  for (let i = 0; i < files.length; i++) {
    const { firstSeq, path } = files[i]!;
    const bytes = await readFile(path);
    const { segment } = scanSegment(bytes, firstSeq, path, i + 1 < files.length ? files[i + 1]!.firstSeq - 1 : Infinity);
    inspection.bytes += bytes.length;
    for (const gap of segment.gaps) inspection.damagedRecords += countHeld(held, gap.from, gap.to);
    for (const [from, to] of held) {
      inspection.records += segment.countPresent(from, to);
      if (inspection.oldestAt === undefined) {
        const seq = segment.firstPresentFrom(from);
        if (seq !== undefined && seq <= to) inspection.oldestAt = segment.markAtOrBefore(seq)?.addedAt;
      }
    }
  }
  return inspection;
}
