import { open, type FileHandle } from 'node:fs/promises';
import type { Item } from '../../model/item.js';
import { ItemReader } from './item-codec.js';
import { findNextFrame, HEADER_BYTES, MAX_PAYLOAD_BYTES, newFrame, readFrame } from './record-framing.js';
import type { Segment } from './segment-files.js';

/** Read ahead in blocks this large: one read serves a batch of a few thousand metrics. */
const BLOCK_BYTES = 1024 * 1024;

export interface ReadRecords {
  items: Item[];
  seqs: number[];
  addedAts: number[];
}

/**
 * Told when reading meets damage the open scan had not seen (the file changed since): records
 * from..to are lost. The listener counts them and notes them on the segment (`Segment.lost`).
 */
export type DamageListener = (segment: Segment, from: number, to: number) => void;

function viewOf(buf: Buffer): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

async function readFully(handle: FileHandle, into: Buffer, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(into, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`file ends ${length - done} bytes early`);
    done += bytesRead;
  }
}

/**
 * Reads records back from the segments in sequence order, verifying each. It keeps one file
 * open and one block of bytes, and a cursor so that the next batch continues where the last
 * one ended without a seek.
 */
export class SegmentReader {
  private handle?: FileHandle;
  private handleFor?: Segment;
  private block: Buffer = Buffer.allocUnsafeSlow(BLOCK_BYTES);
  private view = viewOf(this.block);
  private blockFor?: Segment;
  private blockStart = 0;
  private blockEnd = 0;
  private cursor?: { segment: Segment; offset: number; after: number };
  /** The block after the current one, read while the current one is decoded. */
  private ahead?: { segment: Segment; start: number; buf: Buffer; length: number; done: Promise<boolean> };
  private spare: Buffer = Buffer.allocUnsafeSlow(BLOCK_BYTES);
  private readonly frame = newFrame();
  private readonly decoder = new ItemReader();

  constructor(private readonly damageFound: DamageListener) {}

  /** Up to `max` records with sequence numbers in (after, upTo], in order. */
  async read(segments: readonly Segment[], after: number, upTo: number, max: number): Promise<ReadRecords> {
    const out: ReadRecords = { items: [], seqs: [], addedAts: [] };
    let index = segments.findIndex((s) => s.endSeq > after);
    if (index < 0) return out;
    const cursor = this.position(segments[index]!, after);
    const frame = this.frame;
    while (out.items.length < max) {
      const segment = cursor.segment;
      if (cursor.offset >= segment.size) {
        const next = segments[++index];
        if (!next || next.firstSeq > upTo) break;
        cursor.segment = next;
        cursor.offset = 0;
        cursor.after = next.firstSeq - 1;
        continue;
      }
      const skipTo = segment.damage.size > 0 ? segment.damage.get(cursor.offset) : undefined;
      if (skipTo !== undefined) {
        cursor.offset = skipTo;
        continue;
      }
      if (!(await this.frameAt(segment, cursor.offset, cursor.after))) {
        await this.resync(cursor);
        continue;
      }
      if (frame.seq > upTo) break;
      const length = frame.end - (cursor.offset - this.blockStart);
      if (frame.seq > after) {
        let item: Item | undefined;
        try {
          item = this.decoder.decode(this.block, this.view, frame.payloadStart, frame.end);
        } catch {
          // An intact record that does not decode is lost alone, and skipped from now on.
          segment.damage.set(cursor.offset, cursor.offset + length);
          this.damageFound(segment, frame.seq, frame.seq);
        }
        if (item) {
          out.items.push(item);
          out.seqs.push(frame.seq);
          out.addedAts.push(frame.addedAt);
        }
      }
      cursor.after = frame.seq;
      cursor.offset += length;
    }
    return out;
  }

  /** Drops what it holds of a segment that is being deleted. */
  async forget(segment: Segment): Promise<void> {
    if (this.cursor?.segment === segment) this.cursor = undefined;
    if (this.blockFor === segment) this.blockFor = undefined;
    if (this.handleFor === segment) await this.closeFile();
  }

  async close(): Promise<void> {
    this.cursor = undefined;
    this.blockFor = undefined;
    await this.closeFile();
  }

  private async closeFile(): Promise<void> {
    await this.takeBackAhead();
    const handle = this.handle;
    this.handle = this.handleFor = undefined;
    await handle?.close();
  }

  /** Waits for the read ahead, if any, and keeps its buffer as the spare. */
  private async takeBackAhead(): Promise<void> {
    const ahead = this.ahead;
    if (!ahead) return;
    this.ahead = undefined;
    await ahead.done;
    this.spare = ahead.buf;
  }

  /** Continues from the cursor when it is at or before `after` in this segment, else seeks by the marks. */
  private position(segment: Segment, after: number): { segment: Segment; offset: number; after: number } {
    const mark = segment.markAtOrBefore(after + 1);
    const cursor = this.cursor;
    if (cursor && cursor.segment === segment && cursor.after <= after && (!mark || mark.seq - 1 <= cursor.after)) return cursor;
    this.cursor = mark ? { segment, offset: mark.offset, after: mark.seq - 1 } : { segment, offset: 0, after: segment.firstSeq - 1 };
    return this.cursor;
  }

  /** Whether an intact record is at `offset`, reading more of the file when it runs past the block. */
  private async frameAt(segment: Segment, offset: number, after: number): Promise<boolean> {
    if (segment.size - offset < HEADER_BYTES) return false;
    if (this.blockFor !== segment || offset < this.blockStart || offset + HEADER_BYTES > this.blockEnd) {
      await this.load(segment, offset, HEADER_BYTES);
    }
    const local = offset - this.blockStart;
    const limit = this.blockEnd - this.blockStart;
    if (readFrame(this.block, this.view, local, limit, after, segment.endSeq, this.frame)) return true;
    const length = HEADER_BYTES + this.view.getUint32(local, true);
    if (length - HEADER_BYTES > MAX_PAYLOAD_BYTES || offset + length > segment.size || offset + length <= this.blockEnd) return false;
    await this.load(segment, offset, length);
    return readFrame(this.block, this.view, 0, this.blockEnd - this.blockStart, after, segment.endSeq, this.frame);
  }

  private async load(segment: Segment, offset: number, atLeast: number): Promise<void> {
    let length = Math.min(Math.max(BLOCK_BYTES, atLeast), segment.size - offset);
    this.blockFor = undefined;
    const ahead = this.ahead;
    if (ahead?.segment === segment && ahead.start === offset && ahead.length >= length && (await ahead.done)) {
      this.ahead = undefined;
      this.spare = this.block;
      this.block = ahead.buf;
      length = ahead.length;
    } else {
      await this.takeBackAhead();
      if (length > this.block.length) this.block = Buffer.allocUnsafeSlow(length);
      await readFully(await this.fileOf(segment), this.block, length, offset);
    }
    this.view = viewOf(this.block);
    this.blockFor = segment;
    this.blockStart = offset;
    this.blockEnd = offset + length;
    this.readAhead(segment, this.blockEnd);
  }

  private readAhead(segment: Segment, start: number): void {
    const length = Math.min(BLOCK_BYTES, segment.size - start);
    if (length <= 0 || this.handleFor !== segment) return;
    const buf = this.spare.length >= length ? this.spare : Buffer.allocUnsafeSlow(length);
    const done = readFully(this.handle!, buf, length, start).then(
      () => true,
      () => false,
    );
    this.ahead = { segment, start, buf, length, done };
  }

  private async fileOf(segment: Segment): Promise<FileHandle> {
    if (this.handleFor !== segment) {
      await this.closeFile();
      this.handle = await open(segment.path, 'r');
      this.handleFor = segment;
    }
    return this.handle!;
  }

  /** New damage at the cursor: finds the next intact record in the rest of the segment. */
  private async resync(cursor: { segment: Segment; offset: number; after: number }): Promise<void> {
    const { segment, offset, after } = cursor;
    const rest = Buffer.allocUnsafe(segment.size - offset);
    await readFully(await this.fileOf(segment), rest, rest.length, offset);
    const next = findNextFrame(rest, viewOf(rest), 1, rest.length, after, segment.endSeq, this.frame);
    const resume = next < 0 ? segment.size : offset + next;
    const lostTo = next < 0 ? segment.endSeq : this.frame.seq - 1;
    segment.damage.set(offset, resume);
    if (lostTo > after) this.damageFound(segment, after + 1, lostTo);
    cursor.offset = resume;
  }
}
