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

  test('records are handed on batch_size at a time, and the saved offset moves only with them', () => {
    const acc = createRecordingAccumulator();
    const batch = new Batcher(acc, 3);
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
});
