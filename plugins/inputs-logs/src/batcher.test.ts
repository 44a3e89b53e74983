import { closeSync, openSync, writeFileSync } from 'node:fs';
import type { LogRecordInit } from '@vigil/core';
import { createRecordingAccumulator } from '@vigil/core/testing';
import { Batcher } from './batcher.js';
import { FollowedFile } from './followed-file.js';
import { makeTempDir } from './test-support.js';

const record = (message: string): LogRecordInit => ({ level: 'info', message });

describe('batches', () => {
  const tmp = makeTempDir();
  let fd: number;
  beforeAll(() => {
    writeFileSync(tmp.path('app.log'), 'a\nb\nc\n\n');
    fd = openSync(tmp.path('app.log'), 'r');
  });
  afterAll(() => {
    closeSync(fd);
    tmp.remove();
  });

  test('records are handed on batch_size at a time, and the saved offset moves only with them (delivered at once here)', () => {
    const acc = createRecordingAccumulator();
    const batch = new Batcher(acc, { batchSize: 3, maxUndelivered: 1000, onSettled: () => undefined });
    const file = new FollowedFile(tmp.path('app.log'), fd, '1:1', 0);
    batch.add(record('a'), file, 2);
    batch.add(record('b'), file, 4);
    expect(acc.logs).toHaveLength(0);
    expect(file.savedPosition().offset).toBe(0);
    batch.add(record('c'), file, 6);
    expect(acc.logs.map((r) => r.message)).toEqual(['a', 'b', 'c']);
    expect(file.savedPosition()).toMatchObject({ offset: 6, check: Buffer.from('a\nb\nc\n').toString('hex') });
    batch.advance(file, 7); // an empty line: no record, but read
    expect(file.savedPosition().offset).toBe(6);
    batch.flush();
    expect(file.savedPosition().offset).toBe(7);
  });

  test('each batch is one delivery group; the saved offset moves when it is delivered, and reading stops while max_undelivered records are out', () => {
    const acc = createRecordingAccumulator({ holdDeliveries: true });
    const moves: boolean[] = [];
    const batch = new Batcher(acc, { batchSize: 2, maxUndelivered: 3, onSettled: (moved) => moves.push(moved) });
    const file = new FollowedFile(tmp.path('app.log'), fd, '1:1', 0);
    batch.add(record('a'), file, 2);
    batch.add(record('b'), file, 4);
    expect(acc.deliveries.groups.map((g) => g.items.length)).toEqual([2]);
    expect(batch.full).toBe(false);
    batch.add(record('c'), file, 6);
    // Full: handed on at once rather than after flush_interval.
    expect(acc.deliveries.groups.map((g) => g.items.length)).toEqual([2, 1]);
    expect(batch.full).toBe(true);
    expect(file.savedPosition().offset).toBe(0);
    acc.deliveries.settle(true, 1);
    expect(moves).toEqual([true]);
    expect(batch.full).toBe(false);
    expect(file.savedPosition()).toMatchObject({ offset: 4, check: Buffer.from('a\nb\n').toString('hex') });
    acc.deliveries.settle(false);
    expect(moves).toEqual([true, false]);
    expect(file.savedPosition().offset).toBe(4);
    expect(batch.undelivered).toBe(0);
  });
});
