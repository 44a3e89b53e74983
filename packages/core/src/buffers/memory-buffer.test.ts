import { newMetric, type Item } from '../model/item.js';
import type { Receipt, WhenFull } from './buffer.js';
import { MemoryBuffer } from './memory-buffer.js';

const m = (i: number) => newMetric('m', { i }, {}, i);
const values = (items: Item[] | undefined) => (items ?? []).map((x) => (x.kind === 'metric' ? x.fields.i : undefined));

function buffer(limit: number, whenFull: WhenFull = 'drop_oldest') {
  const drops: string[] = [];
  const b = new MemoryBuffer(limit, whenFull, { dropped: (n, why) => drops.push(`${n} ${why}`) });
  return { b, drops };
}

function receipt(log: string[], name: string): Receipt {
  return { settle: (delivered) => log.push(`${name}:${delivered}`) };
}

describe('memory buffer', () => {
  it('drops the oldest item when full and says so', () => {
    const { b, drops } = buffer(3);
    [1, 2, 3, 4, 5].forEach((i) => b.add(m(i)));
    expect(drops).toEqual(['1 oldest', '1 oldest']);
    expect(values(b.nextBatch(10)?.items)).toEqual([3, 4, 5]);
  });

  it('with drop_newest keeps what it has and drops what arrives', () => {
    const { b, drops } = buffer(3, 'drop_newest');
    [1, 2, 3, 4, 5].forEach((i) => b.add(m(i)));
    expect(drops).toEqual(['1 newest', '1 newest']);
    expect(values(b.nextBatch(10)?.items)).toEqual([1, 2, 3]);
  });

  it('offers a failed batch again, unchanged and under the same id, until it is removed', () => {
    const { b } = buffer(10);
    [1, 2, 3, 4].forEach((i) => b.add(m(i)));
    const first = b.nextBatch(2)!;
    b.add(m(5));
    const again = b.nextBatch(3)!;
    expect(again.id).toBe(first.id);
    expect(values(again.items)).toEqual([1, 2]);
    b.remove(again);
    expect(b.length).toBe(3);
    const next = b.nextBatch(5)!;
    expect(next.id).not.toBe(first.id);
    expect(values(next.items)).toEqual([3, 4, 5]);
  });

  it('never drops the batch in flight on overflow: the oldest waiting item goes instead', () => {
    const { b, drops } = buffer(3);
    [1, 2, 3].forEach((i) => b.add(m(i)));
    const batch = b.nextBatch(2)!; // 1, 2 out for writing
    b.add(m(4)); // drops 3, the oldest not in flight
    expect(drops).toEqual(['1 oldest']);
    b.remove(batch);
    expect(values(b.nextBatch(5)?.items)).toEqual([4]);
  });

  it('drops what arrives when the batch in flight fills the whole buffer', () => {
    const { b, drops } = buffer(2);
    [1, 2].forEach((i) => b.add(m(i)));
    b.nextBatch(2);
    b.add(m(3));
    expect(drops).toEqual(['1 newest']);
    expect(values(b.nextBatch(2)?.items)).toEqual([1, 2]);
  });

  it('settles receipts: written on remove, dropped ones as accounted for, left ones at close as undelivered', () => {
    const log: string[] = [];
    const { b } = buffer(2);
    b.add(m(1), receipt(log, 'a'));
    b.add(m(2), receipt(log, 'b'));
    b.add(m(3), receipt(log, 'c')); // pushes out a
    expect(log).toEqual(['a:true']);
    b.remove(b.nextBatch(1)!); // b written
    expect(log).toEqual(['a:true', 'b:true']);
    expect(b.close()).toBe(1);
    expect(log).toEqual(['a:true', 'b:true', 'c:false']);
  });
});

describe('memory buffer growth', () => {
  it('takes a limit of 2^32 items without allocating it up front', () => {
    const { b } = buffer(2 ** 32);
    [1, 2, 3].forEach((i) => b.add(m(i)));
    expect(b.full).toBe(false);
    expect(values(b.nextBatch(10)?.items)).toEqual([1, 2, 3]);
  });

  it('keeps items in order while it grows around a ring that has wrapped', () => {
    const { b, drops } = buffer(6000);
    let next = 0;
    const taken: unknown[] = [];
    // Take some out as it fills, so the ring's start moves before each growth.
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 1500; i++) b.add(m(next++));
      const batch = b.nextBatch(300)!;
      taken.push(...values(batch.items));
      b.remove(batch);
    }
    while (b.length > 0) {
      const batch = b.nextBatch(1000)!;
      taken.push(...values(batch.items));
      b.remove(batch);
    }
    expect(drops).toEqual([]);
    expect(taken).toEqual(Array.from({ length: 6000 }, (_, i) => i));
  });

  it('still drops the oldest once it has grown to its limit', () => {
    const { b, drops } = buffer(3000);
    for (let i = 0; i < 3002; i++) b.add(m(i));
    expect(drops).toEqual(['1 oldest', '1 oldest']);
    expect(values(b.nextBatch(3)?.items)).toEqual([2, 3, 4]);
    expect(b.length).toBe(3000);
  });
});
