import fc from 'fast-check';
import { LOG_LEVELS, newLogRecord, newMetric, type Item } from '../../model/item.js';
import { ByteWriter, ItemReader } from './item-codec.js';
import { appendRecord, findNextFrame, HEADER_BYTES, newFrame, readFrame } from './record-framing.js';

function roundTrip(item: Item): Item {
  const w = new ByteWriter(16);
  appendRecord(w, 7, 1, item);
  const frame = newFrame();
  expect(readFrame(w.buf, w.view, 0, w.pos, 0, Infinity, frame)).toBe(true);
  expect(frame.end).toBe(w.pos);
  return new ItemReader().decode(w.buf, w.view, frame.payloadStart, frame.end);
}

const key = fc.string({ unit: 'binary', maxLength: 40 }).filter((k) => k !== '__proto__');
const text = fc.string({ unit: 'binary', maxLength: 200 });
const fieldValue = fc.oneof(fc.double(), fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }), text, fc.boolean());
const metric = fc
  .record({
    name: text,
    fields: fc.dictionary(key, fieldValue, { maxKeys: 12 }),
    tags: fc.dictionary(key, text, { maxKeys: 6 }),
    timestamp: fc.double({ noNaN: true }),
    type: fc.constantFrom('gauge' as const, 'counter' as const, 'untyped' as const),
  })
  .map(({ name, fields, tags, timestamp, type }) => newMetric(name, { ...fields }, { ...tags }, timestamp, type));
const logRecord = fc
  .record({
    level: fc.constantFrom(...LOG_LEVELS),
    message: fc.string({ unit: 'binary', maxLength: 3000 }),
    source: text,
    name: text,
    tags: fc.dictionary(key, text, { maxKeys: 4 }),
    attributes: fc.dictionary(key, fc.oneof(fc.double(), text, fc.boolean()), { maxKeys: 8 }),
    timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
  })
  .map((init) => newLogRecord({ ...init, tags: { ...init.tags }, attributes: { ...init.attributes } }));

describe('item codec', () => {
  it('gives back every metric and log record exactly, value kinds included', () => {
    fc.assert(fc.property(fc.oneof(metric, logRecord), (item) => expect(roundTrip(item)).toEqual(item)), { numRuns: 500 });
  });

  it('keeps integers as bigint and floats as number, at the edges of 64 bits and beyond', () => {
    const fields = { a: 0n, b: -(2n ** 63n), c: 2n ** 63n - 1n, d: 2n ** 64n, e: -(2n ** 70n), f: 1, g: -0, h: NaN, i: Infinity, j: 0.1 };
    const back = roundTrip(newMetric('m', fields, {}, 1.5, 'counter'));
    expect(back).toEqual(newMetric('m', fields, {}, 1.5, 'counter'));
    expect(Object.is((back as { fields: Record<string, unknown> }).fields.g, -0)).toBe(true);
  });

  it('refuses a value no item may hold, leaving nothing half-written', () => {
    const w = new ByteWriter(64);
    appendRecord(w, 1, 1, newMetric('ok', { x: 1 }));
    const before = w.pos;
    const bad = newMetric('bad', { x: {} as unknown as number });
    expect(() => appendRecord(w, 2, 1, bad)).toThrow('"x" holds a object');
    expect(w.pos).toBe(before);
  });
});

describe('record framing', () => {
  it('finds a flipped byte anywhere in a record, and the next record after it', () => {
    const w = new ByteWriter(64);
    const a = appendRecord(w, 1, 5, newMetric('a', { x: 1n }, { host: 'h' }));
    appendRecord(w, 2, 5, newMetric('b', { x: 2n }));
    const frame = newFrame();
    for (let at = 0; at < a; at++) {
      const copy = Buffer.from(w.buf.subarray(0, w.pos));
      const view = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
      copy[at]! ^= 0x10;
      expect(readFrame(copy, view, 0, copy.length, 0, Infinity, frame)).toBe(false);
      expect(findNextFrame(copy, view, 1, copy.length, 0, Infinity, frame)).toBe(a);
      expect(frame.seq).toBe(2);
    }
  });

  it('does not take a record for the next one unless its sequence number is greater', () => {
    const w = new ByteWriter(64);
    appendRecord(w, 5, 1, newMetric('a', { x: 1 }));
    const frame = newFrame();
    expect(readFrame(w.buf, w.view, 0, w.pos, 4, Infinity, frame)).toBe(true);
    expect(readFrame(w.buf, w.view, 0, w.pos, 5, Infinity, frame)).toBe(false);
    expect(readFrame(w.buf, w.view, 0, w.pos - 1, 4, Infinity, frame)).toBe(false);
    expect(HEADER_BYTES).toBe(24);
  });
});
