import { createRequire } from 'node:module';
import type { Item } from '../../model/item.js';
import { encodeItem, type ByteWriter } from './item-codec.js';

/**
 * One record: a 24-byte header, then one item's encoding.
 *
 *   u32 payload length · u32 CRC32C of bytes 8..end · u64 sequence number · f64 add time (ms) · payload
 *
 * The checksum covers the sequence number, the add time and the payload, so a reader verifies
 * each record alone and, after damage, resyncs on the next frame whose length fits, whose
 * sequence number is greater than the last good one, and whose checksum matches.
 * CRC32C comes from @node-rs/crc32 (SIMD, prebuilt per platform): about 200 ns for a 150-byte
 * record here, against 320 ns for a table-driven JavaScript loop.
 */
export const HEADER_BYTES = 24;
/** A length above this is damage, not a record; an item whose encoding is larger is not stored. */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
const TWO_32 = 0x1_0000_0000;

type Crc32c = typeof import('@node-rs/crc32').crc32c;
// Required on first use: the native addon adds about 10 MiB of RSS, paid only with a disk buffer.
let crc32c: Crc32c = (...args) => {
  crc32c = (createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: Crc32c }).crc32c;
  return crc32c(...args);
};

/** A plain view is made in 190 ns where Buffer#subarray takes 250: it is made for every record. */
function bytesOf(buf: Buffer, start: number, end: number): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset + start, end - start);
}

/** Encodes `item` as a record at `w.pos` and returns the record's length in bytes. */
export function appendRecord(w: ByteWriter, seq: number, addedAt: number, item: Item): number {
  const start = w.pos;
  w.reserve(HEADER_BYTES);
  w.pos += HEADER_BYTES;
  try {
    encodeItem(w, item);
    const length = w.pos - start - HEADER_BYTES;
    if (length > MAX_PAYLOAD_BYTES) throw new RangeError(`an item of ${length} bytes is larger than a record may be`);
    const view = w.view;
    view.setUint32(start, length, true);
    view.setUint32(start + 8, seq >>> 0, true);
    view.setUint32(start + 12, Math.floor(seq / TWO_32), true);
    view.setFloat64(start + 16, addedAt, true);
    view.setUint32(start + 4, crc32c(bytesOf(w.buf, start + 8, w.pos)), true);
    return w.pos - start;
  } catch (err) {
    w.pos = start;
    throw err;
  }
}

/** What `readFrame` found; one object reused by its caller. */
export interface Frame {
  seq: number;
  addedAt: number;
  payloadStart: number;
  end: number;
}

export function newFrame(): Frame {
  return { seq: 0, addedAt: 0, payloadStart: 0, end: 0 };
}

/**
 * Whether a whole, intact record starts at `off` (within `limit`) with a sequence number in
 * (after, upTo]; fills `frame` if so.
 */
export function readFrame(buf: Buffer, view: DataView, off: number, limit: number, after: number, upTo: number, frame: Frame): boolean {
  if (off + HEADER_BYTES > limit) return false;
  const length = view.getUint32(off, true);
  if (length === 0 || length > MAX_PAYLOAD_BYTES || off + HEADER_BYTES + length > limit) return false;
  const seq = view.getUint32(off + 8, true) + view.getUint32(off + 12, true) * TWO_32;
  if (seq <= after || seq > upTo) return false;
  const end = off + HEADER_BYTES + length;
  if (crc32c(bytesOf(buf, off + 8, end)) !== view.getUint32(off + 4, true)) return false;
  frame.seq = seq;
  frame.addedAt = view.getFloat64(off + 16, true);
  frame.payloadStart = off + HEADER_BYTES;
  frame.end = end;
  return true;
}

/** The offset of the next intact record after damage at `from`, or -1 if there is none before `limit`. */
export function findNextFrame(buf: Buffer, view: DataView, from: number, limit: number, after: number, upTo: number, frame: Frame): number {
  for (let off = from; off + HEADER_BYTES <= limit; off++) {
    if (readFrame(buf, view, off, limit, after, upTo, frame)) return off;
  }
  return -1;
}
