import { newMetric, type Item } from '../model/item.js';
import { MemoryBuffer } from './buffer.js';

const m = (i: number) => newMetric('m', { i }, {}, i);
const values = (items: Item[]) => items.map((x) => (x.kind === 'metric' ? x.fields.i : undefined));

describe('memory buffer', () => {
  it('drops the oldest item when full and says so', () => {
    const b = new MemoryBuffer(3);
    const dropped = [1, 2, 3, 4, 5].map((i) => b.add(m(i)));
    expect(dropped).toEqual([0, 0, 0, 1, 1]);
    expect(values(b.batch(10))).toEqual([3, 4, 5]);
  });

  it('keeps a rejected batch at the front and removes an accepted one', () => {
    const b = new MemoryBuffer(10);
    [1, 2, 3, 4].forEach((i) => b.add(m(i)));
    b.batch(2);
    b.reject();
    expect(values(b.batch(2))).toEqual([1, 2]);
    b.accept();
    expect(b.length).toBe(2);
    expect(values(b.batch(5))).toEqual([3, 4]);
  });

  it('accepts only what is left of a batch that overflow pushed out meanwhile', () => {
    const b = new MemoryBuffer(3);
    [1, 2, 3].forEach((i) => b.add(m(i)));
    b.batch(2); // 1, 2 out for writing
    b.add(m(4)); // drops 1
    b.accept(); // 2 written: only it leaves
    expect(values(b.batch(5))).toEqual([3, 4]);
  });
});
