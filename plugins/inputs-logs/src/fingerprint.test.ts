import { appendFileSync, copyFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { memoryState } from '@vigil/core/testing';
import { messages, perTest, waitFor } from './test-support.js';

const { tmp, start, stop } = perTest();

const BANNER = '=== service log, format v2 ===\n';

describe('files known by their first line', () => {
  test('two files with the same first line under different names are both read whole', async () => {
    writeFileSync(tmp.path('a.log'), `${BANNER}a1\na2\n`);
    writeFileSync(tmp.path('b.log'), `${BANNER}b1\n`);
    const r = await start({ files: [tmp.path('*.log')], initial_read_offset: 'beginning' });
    await waitFor(() => r.records.length === 5, 'both files');
    expect(messages(r.records).sort()).toEqual([BANNER.trim(), BANNER.trim(), 'a1', 'a2', 'b1']);
  });

  test('a file named like a rotation of another and starting alike is taken for its copy, unless fingerprint_lines tells them apart', async () => {
    writeFileSync(tmp.path('app.log'), `${BANNER}current 1\n`);
    writeFileSync(tmp.path('app.log.old'), `${BANNER}old 1\n`);
    const byFirstLine = await start({ files: [tmp.path('app.log*')], initial_read_offset: 'beginning', path_tag: '' });
    await waitFor(() => byFirstLine.records.length === 2, 'app.log');
    await waitFor(() => byFirstLine.logged().includes(`${tmp.path('app.log.old')}: a copy of ${tmp.path('app.log')} (same fingerprint), not read again`), 'the copy to be recognised');
    await stop(byFirstLine);
    expect(messages(byFirstLine.records)).toEqual([BANNER.trim(), 'current 1']);

    const byTwoLines = await start({ files: [tmp.path('app.log*')], initial_read_offset: 'beginning', fingerprint_lines: 2 });
    await waitFor(() => byTwoLines.records.length === 4, 'both files');
    expect(messages(byTwoLines.records).sort()).toEqual([BANNER.trim(), BANNER.trim(), 'current 1', 'old 1']);
  });

  test('ignored_header_bytes leaves a shared header out of the fingerprint', async () => {
    writeFileSync(tmp.path('app.log'), `${BANNER}current 1\n`);
    writeFileSync(tmp.path('app.log.old'), `${BANNER}old 1\n`);
    const r = await start({ files: [tmp.path('app.log*')], initial_read_offset: 'beginning', ignored_header_bytes: Buffer.byteLength(BANNER) });
    await waitFor(() => r.records.length === 4, 'both files');
    expect(messages(r.records).sort()).toEqual([BANNER.trim(), BANNER.trim(), 'current 1', 'old 1']);
  });

  test('a file too short to fingerprint is held open and read once its first line is complete', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, 'half a fir');
    const r = await start({ files: [tmp.path('*.log')], initial_read_offset: 'beginning' });
    appendFileSync(file, 'st line\nsecond\n');
    await waitFor(() => r.records.length === 2, 'both lines');
    expect(messages(r.records)).toEqual(['half a first line', 'second']);
  });

  test('compressed rotations under the glob are not read', async () => {
    writeFileSync(tmp.path('app.log'), 'plain\n');
    // Not gzip inside: it is the name that marks a compressed rotation.
    writeFileSync(tmp.path('app.log.2.gz'), 'looks like text\n');
    const r = await start({ files: [tmp.path('app.log*')], initial_read_offset: 'beginning' }, { intervalMs: 100 });
    await waitFor(() => r.logged().includes(`${tmp.path('app.log.2.gz')}: a compressed rotation, not read`), 'the compressed file to be passed over');
    await waitFor(() => r.records.length === 1, 'app.log');
    expect(messages(r.records)).toEqual(['plain']);
  });
});

describe('restarts after a rotation while stopped', () => {
  test.each([['*.log'], ['app.log*']])('copytruncate while stopped, files = ["%s"]: the rest of the copy and the new content, nothing twice', async (glob) => {
    const file = tmp.path('app.log');
    writeFileSync(file, 'one\n');
    const state = memoryState();
    const first = await start({ files: [tmp.path(glob)], initial_read_offset: 'saved-or-beginning' }, { state });
    await waitFor(() => first.records.length === 1, 'the first run');
    await stop(first);
    appendFileSync(file, 'two (before the rotation)\n');
    copyFileSync(file, `${file}.1`);
    truncateSync(file, 0);
    appendFileSync(file, 'three (after it)\n');
    const second = await start({ files: [tmp.path(glob)], initial_read_offset: 'saved-or-beginning' }, { state });
    await waitFor(() => second.records.length === 2, 'the rest of the copy and the new content');
    // Each once; which file comes first is not fixed when the glob matches both.
    expect(messages(second.records).sort()).toEqual(['three (after it)', 'two (before the rotation)']);
  });

  test('renamed while stopped with files = ["app.log*"]: found under its new name by its fingerprint and read on', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, 'one\n');
    const state = memoryState();
    const first = await start({ files: [tmp.path('app.log*')], initial_read_offset: 'saved-or-beginning' }, { state });
    await waitFor(() => first.records.length === 1, 'the first run');
    await stop(first);
    appendFileSync(file, 'two\n');
    renameSync(file, `${file}.1`);
    // Copied back under the name: a new inode, so only its fingerprint tells it is the file read.
    copyFileSync(`${file}.1`, `${file}.2`);
    renameSync(`${file}.2`, `${file}.1`);
    writeFileSync(file, 'three\n');
    const second = await start({ files: [tmp.path('app.log*')], initial_read_offset: 'saved-or-beginning' }, { state });
    await waitFor(() => second.records.length === 2, 'the rest and the new file');
    expect(messages(second.records).sort()).toEqual(['three', 'two']);
  });
});
