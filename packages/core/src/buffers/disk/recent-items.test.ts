import { newMetric } from '../../model/item.js';
import { RecentItems } from './recent-items.js';

const m = (i: number) => newMetric('m', { i }, {}, i);
const values = (read: ReturnType<RecentItems['take']>) => read && { seqs: read.seqs, i: read.items.map((x) => (x.kind === 'metric' ? x.fields.i : -1)) };

describe('recent items', () => {
  it('gives a batch from the window only when it holds every item from the asked position on', () => {
    const recent = new RecentItems(4);
    for (let seq = 1; seq <= 6; seq++) recent.push(seq, m(seq * 10), seq);
    expect(values(recent.take(2, 3))).toEqual({ seqs: [3, 4, 5], i: [30, 40, 50] });
    expect(values(recent.take(5, 10))).toEqual({ seqs: [6], i: [60] });
    expect(recent.take(6, 10)).toBeUndefined();
  });

  it('lets the oldest go past twice its capacity, so older batches are read from disk', () => {
    const recent = new RecentItems(2);
    for (let seq = 1; seq <= 5; seq++) recent.push(seq, m(seq), seq);
    expect(recent.take(0, 1)).toBeUndefined();
    expect(recent.take(1, 1)).toBeUndefined();
    expect(values(recent.take(2, 5))).toEqual({ seqs: [3, 4, 5], i: [3, 4, 5] });
  });

  it('forgets items whose write was undone, and starts again after a gap', () => {
    const recent = new RecentItems(10);
    for (let seq = 1; seq <= 5; seq++) recent.push(seq, m(seq), seq);
    recent.forgetFrom(4);
    expect(values(recent.take(2, 5))).toEqual({ seqs: [3], i: [3] });
    recent.push(4, m(44), 4);
    expect(values(recent.take(3, 5))).toEqual({ seqs: [4], i: [44] });
    recent.push(9, m(9), 9);
    expect(recent.take(3, 5)).toBeUndefined();
    expect(values(recent.take(8, 5))).toEqual({ seqs: [9], i: [9] });
  });
});
