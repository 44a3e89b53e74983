import { appendFileSync, mkdirSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { checkOptions, createRecordingAccumulator, createTestContext, memoryState } from '@vigil/core/testing';
import logs, { type LogsOptions } from './index.js';
import { messages, openDescriptors, perTest, sleep, waitFor } from './test-support.js';

const { tmp, start, stop } = perTest();

describe('reading log files', () => {
  test('lines appended to a file become log records with time, level, message, source, attributes and the path tag', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, 'written before the start: not read\n');
    const r = await start({ files: [tmp.path('*.log')] });
    appendFileSync(file, '2026-11-23T07:00:01.250Z ERROR [db] connection lost\n{"ts":1795417202,"level":"warn","msg":"retrying","attempt":2}\n');
    await waitFor(() => r.records.length === 2, 'two records');
    expect(r.records).toEqual([
      { kind: 'log', name: 'log', tags: { path: file }, timestamp: Date.parse('2026-11-23T07:00:01.250Z'), level: 'error', message: '2026-11-23T07:00:01.250Z ERROR [db] connection lost', source: file, attributes: {} },
      { kind: 'log', name: 'log', tags: { path: file }, timestamp: Date.parse('2026-11-23T07:00:02Z'), level: 'warn', message: 'retrying', source: file, attributes: { attempt: 2 } },
    ]);
  });

  test('a line without a time gets the time it was read; CRLF line ends are dropped; empty lines make no record', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const r = await start({ files: [file] });
    const before = Date.now();
    appendFileSync(file, 'no time here\r\n\n\nsecond\n');
    await waitFor(() => r.records.length === 2, 'two records');
    expect(messages(r.records)).toEqual(['no time here', 'second']);
    expect(r.records[0].timestamp).toBeGreaterThanOrEqual(before);
    expect(r.records[0].timestamp).toBeLessThanOrEqual(Date.now());
  });

  test('a line is handed on only once it is complete', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const r = await start({ files: [file] });
    appendFileSync(file, 'half a li');
    await sleep(300);
    expect(r.records).toHaveLength(0);
    appendFileSync(file, 'ne\n');
    await waitFor(() => r.records.length === 1, 'the completed line');
    expect(r.records[0].message).toBe('half a line');
  });

  test('initial_read_offset: "beginning" reads what a file holds, "end" starts after it', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, 'old 1\nold 2\n');
    const fromStart = await start({ files: [file], initial_read_offset: 'beginning' });
    const fromEnd = await start({ files: [file], initial_read_offset: 'end' });
    appendFileSync(file, 'new\n');
    await waitFor(() => fromStart.records.length === 3 && fromEnd.records.length === 1, 'records from both');
    expect(messages(fromStart.records)).toEqual(['old 1', 'old 2', 'new']);
    expect(messages(fromEnd.records)).toEqual(['new']);
  });

  test('records are handed on batch_size at a time; the partial batch left once the file is read goes at once', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const r = await start({ files: [file], batch_size: 5, flush_interval: '1h' });
    appendFileSync(file, Array.from({ length: 12 }, (_, i) => `line ${i}\n`).join(''));
    await waitFor(() => r.records.length === 12, 'every line, long before flush_interval');
    expect(r.deliveries.groups.map((g) => g.items.length)).toEqual([5, 5, 2]);
    expect(messages(r.records)).toEqual(Array.from({ length: 12 }, (_, i) => `line ${i}`));
  });

  test('multiline_pattern: lines that do not match continue the previous record', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const r = await start({ files: [file], multiline_pattern: '^\\d{4}-' });
    appendFileSync(file, '2026-11-23 07:00:01,000 ERROR boom\nTraceback (most recent call last):\n  File "x.py", line 1\nValueError: bad\n2026-11-23 07:00:02,000 INFO next\n');
    await waitFor(() => r.records.length === 2, 'the stack trace and the last record (after it went quiet)');
    expect(r.records[0]).toMatchObject({ level: 'error', timestamp: Date.parse('2026-11-23T07:00:01Z'), message: '2026-11-23 07:00:01,000 ERROR boom\nTraceback (most recent call last):\n  File "x.py", line 1\nValueError: bad' });
    expect(r.records[1]).toMatchObject({ level: 'info', message: '2026-11-23 07:00:02,000 INFO next' });
  });

  test('a multi-line record is not cut while the reader waits for slow outputs', async () => {
    const file = tmp.path('app.log');
    const record = (n: number) => `2026-11-23 07:00:01,000 ERROR failure ${n}\nTraceback (most recent call last):\n  File "worker.py", line ${n}\nValueError: bad input ${n}\n`;
    writeFileSync(file, Array.from({ length: 3000 }, (_, n) => record(n)).join(''));
    const ctx = createTestContext<LogsOptions>(logs, { files: [file], multiline_pattern: '^\\d{4}-', initial_read_offset: 'beginning', flush_interval: '50ms' });
    const acc = createRecordingAccumulator();
    // Outputs that take a while to make room: several flush intervals pass mid-file.
    const slowAcc = { ...acc, waitForRoom: () => sleep(150) };
    const plugin = logs.create(ctx);
    await plugin.start!(slowAcc);
    try {
      await waitFor(() => acc.logs.length >= 3000, 'every record', 20_000);
      await sleep(200);
      expect(acc.logs).toHaveLength(3000);
      expect(acc.logs.filter((r) => r.message.split('\n').length !== 4)).toEqual([]);
    } finally {
      await plugin.stop!();
    }
  });

  test('path_tag names the tag holding the path; empty leaves it out', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, 'x\n');
    const named = await start({ files: [file], initial_read_offset: 'beginning', path_tag: 'file' });
    const none = await start({ files: [file], initial_read_offset: 'beginning', path_tag: '' });
    await waitFor(() => named.records.length === 1 && none.records.length === 1, 'records');
    expect(named.records[0].tags).toEqual({ file });
    expect(none.records[0].tags).toEqual({});
    expect(none.records[0].source).toBe(file);
  });

  test('format forces one parser; lines it does not fit are read as plain text', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, 'level=error msg=one\n{"level":"error","msg":"two"}\n');
    const r = await start({ files: [file], initial_read_offset: 'beginning', format: 'json' });
    await waitFor(() => r.records.length === 2, 'records');
    expect(r.records.map((x) => [x.level, x.message])).toEqual([
      ['error', 'level=error msg=one'],
      ['error', 'two'],
    ]);
  });
});

describe('finding files', () => {
  test('a file that appears under a glob is picked up and read from its beginning (inotify)', async () => {
    writeFileSync(tmp.path('a.log'), '');
    const r = await start({ files: [tmp.path('*.log')] });
    writeFileSync(tmp.path('b.log'), 'first line of a new file\n');
    writeFileSync(tmp.path('b.txt'), 'not matched\n');
    await waitFor(() => r.records.length === 1, 'the new file');
    expect(r.records[0]).toMatchObject({ message: 'first line of a new file', source: tmp.path('b.log') });
    await sleep(200);
    expect(r.records).toHaveLength(1);
  });

  test('with watch_method = "poll", appended lines and new files are found by polling', async () => {
    writeFileSync(tmp.path('a.log'), '');
    const r = await start({ files: [tmp.path('*.log')], watch_method: 'poll' }, { intervalMs: 300 });
    appendFileSync(tmp.path('a.log'), 'appended\n');
    writeFileSync(tmp.path('b.log'), 'new file\n');
    await waitFor(() => r.records.length === 2, 'both lines');
    expect(messages(r.records).sort()).toEqual(['appended', 'new file']);
  });

  test('the globs are expanded again every interval: ** finds a file in a directory made later', async () => {
    const r = await start({ files: [tmp.path('**/*.log')] }, { intervalMs: 200 });
    mkdirSync(tmp.path('late/deeper'), { recursive: true });
    writeFileSync(tmp.path('late/deeper/app.log'), 'found\n');
    await waitFor(() => r.records.length === 1, 'the file in the new directory');
    expect(r.records[0].source).toBe(tmp.path('late/deeper/app.log'));
  });

  test('a deleted file is let go, and a file created later under its name is read from its start', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const r = await start({ files: [file] });
    appendFileSync(file, 'before delete\n');
    await waitFor(() => r.records.length === 1, 'the first line');
    rmSync(file);
    await waitFor(() => !openDescriptors().some((target) => target.startsWith(file)), 'the descriptor to be closed');
    writeFileSync(file, 'after re-create\n');
    await waitFor(() => r.records.length === 2, 'the re-created file');
    expect(messages(r.records)).toEqual(['before delete', 'after re-create']);
  });
});

describe('files that cannot be read', () => {
  test('a directory, a named pipe, binary data, a file whose read fails and an over-long line are each reported once and skipped; the rest keeps flowing', async () => {
    mkdirSync(tmp.path('dir.log'));
    execFileSync('mkfifo', [tmp.path('pipe.log')]);
    writeFileSync(tmp.path('archive.log'), gzipSync(Buffer.from(Array.from({ length: 1000 }, (_, i) => `compressed log line ${i}\n`).join(''))));
    const good = tmp.path('good.log');
    writeFileSync(good, '');
    // /proc/self/mem opens as a regular, empty file, and reading it at offset 0 fails (EIO).
    const r = await start({ files: [tmp.path('*.log'), '/proc/self/mem'], initial_read_offset: 'beginning', max_line_bytes: 100 }, { intervalMs: 100 });
    appendFileSync(good, `before\n${'x'.repeat(500)}\nafter\n${'y'.repeat(300)}\nlast\n`);
    await waitFor(() => r.records.length === 3, 'the readable lines');
    await sleep(500); // several re-scans: nothing is reported twice
    expect(messages(r.records)).toEqual(['before', 'after', 'last']);
    const logged = r.logged();
    expect(logged.filter((m) => m.startsWith(tmp.path('dir.log')))).toEqual([`${tmp.path('dir.log')}: a directory, not a log file; skipped`]);
    expect(logged.filter((m) => m.startsWith(tmp.path('pipe.log')))).toEqual([`${tmp.path('pipe.log')}: a named pipe, not a log file; skipped`]);
    expect(logged.filter((m) => m.startsWith(tmp.path('archive.log')))).toEqual([`${tmp.path('archive.log')}: binary data (NUL bytes) left out, up to the next line of text`]);
    expect(logged.filter((m) => m.startsWith('/proc/self/mem'))).toEqual(['/proc/self/mem: cannot read (EIO: i/o error); skipped']);
    expect(logged.filter((m) => m.startsWith(good))).toEqual([`${good}: left out a line longer than max_line_bytes (100 bytes)`]);
    expect(logged).toHaveLength(5);
  });

  test('a file skipped as binary is looked at again once truncated, and read when it holds text', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, Buffer.from('x\0y\n'));
    const r = await start({ files: [tmp.path('*.log')], initial_read_offset: 'beginning' }, { intervalMs: 100 });
    await waitFor(() => r.logged().some((m) => m.includes('binary data')), 'the binary verdict');
    truncateSync(file, 0);
    appendFileSync(file, 'plain text now\n');
    await waitFor(() => r.records.length === 1, 'the text line');
    expect(messages(r.records)).toEqual(['plain text now']);
  });
});

describe('stopping', () => {
  test('a stop during a long first scan leaves no file open', async () => {
    for (let i = 0; i < 2000; i++) writeFileSync(tmp.path(`f${i}.log`), 'x\n');
    const ctx = createTestContext<LogsOptions>(logs, { files: [tmp.path('*.log')], initial_read_offset: 'beginning' });
    const plugin = logs.create(ctx);
    const started = plugin.start!(createRecordingAccumulator());
    await waitFor(() => openDescriptors().some((target) => target.startsWith(tmp.dir)), 'the scan to be opening files');
    await plugin.stop!();
    await started;
    expect(openDescriptors().filter((target) => target.startsWith(tmp.dir))).toEqual([]);
  });
});

describe('restarts', () => {
  test('a restart from the saved state reads every line written meanwhile, none twice', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, 'before the first start\n');
    const state = memoryState();
    const first = await start({ files: [file] }, { state });
    appendFileSync(file, 'one\ntwo\n');
    await waitFor(() => first.records.length === 2, 'the first run');
    appendFileSync(file, 'three\nhalf');
    await waitFor(() => first.records.length === 3, 'line three');
    await stop(first);
    appendFileSync(file, ' a line\nfour\n');
    const second = await start({ files: [file] }, { state });
    await waitFor(() => second.records.length === 2, 'the lines written while stopped');
    appendFileSync(file, 'five\n');
    await waitFor(() => second.records.length === 3, 'line five');
    expect(messages(first.records)).toEqual(['one', 'two', 'three']);
    expect(messages(second.records)).toEqual(['half a line', 'four', 'five']);
  });

  test('a file that appeared under the glob while stopped is read from its start', async () => {
    const a = tmp.path('a.log');
    writeFileSync(a, 'a1\n');
    const state = memoryState();
    const first = await start({ files: [tmp.path('*.log')] }, { state });
    appendFileSync(a, 'a2\n');
    await waitFor(() => first.records.length === 1, 'the first run');
    await stop(first);
    await sleep(20);
    writeFileSync(tmp.path('b.log'), 'b1\nb2\n');
    const second = await start({ files: [tmp.path('*.log')] }, { state });
    await waitFor(() => second.records.length === 2, 'the new file');
    await sleep(200);
    expect(messages(second.records)).toEqual(['b1', 'b2']);
  });

  test('a file rotated while stopped is read on from the saved offset, then the new file from its start', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const state = memoryState();
    const first = await start({ files: [file] }, { state });
    appendFileSync(file, 'one\n');
    await waitFor(() => first.records.length === 1, 'the first run');
    await stop(first);
    appendFileSync(file, 'two (before the rotation)\n');
    renameSync(file, `${file}.1`);
    writeFileSync(file, 'three (new file)\n');
    const second = await start({ files: [file] }, { state });
    await waitFor(() => second.records.length === 2, 'both files');
    expect(messages(second.records)).toEqual(['two (before the rotation)', 'three (new file)']);
    expect(second.records.map((x) => x.source)).toEqual([file, file]);
  });

  test('a file truncated and rewritten while stopped is read from its start', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const state = memoryState();
    const first = await start({ files: [file] }, { state });
    appendFileSync(file, 'a rather long first line\n');
    await waitFor(() => first.records.length === 1, 'the first run');
    await stop(first);
    writeFileSync(file, 'rewritten\nand longer than before\n');
    const second = await start({ files: [file] }, { state });
    await waitFor(() => second.records.length === 2, 'the rewritten file');
    expect(messages(second.records)).toEqual(['rewritten', 'and longer than before']);
  });

  test('the state holds each file by fingerprint (a checksum of its first line), device and inode, with its offset', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const r = await start({ files: [file] });
    appendFileSync(file, 'hello\n');
    await waitFor(() => r.records.length === 1, 'the line');
    await stop(r);
    const saved = r.state.load() as { files: { path: string; identity: string; offset: number }[] };
    const { dev, ino } = statSync(file);
    const fingerprint = createHash('sha256').update('hello\n').digest('hex').slice(0, 32);
    expect(saved.files).toEqual([{ path: file, identity: `${dev}:${ino}`, fingerprint, offset: 6, check: Buffer.from('hello\n').toString('hex') }]);
  });
});

describe('configuration', () => {
  test('defaults', () => {
    expect(checkOptions(logs, { files: ['/var/log/*.log'] })).toEqual({
      files: ['/var/log/*.log'],
      initial_read_offset: 'saved-or-end',
      watch_method: 'inotify',
      format: 'auto',
      multiline_pattern: '',
      max_line_bytes: 65536,
      path_tag: 'path',
      batch_size: 1000,
      max_undelivered_lines: 1000,
      fingerprint_lines: 1,
      fingerprint_bytes: 256,
      ignored_header_bytes: 0,
      flush_interval: 1000,
      timezone: 'UTC',
    });
  });

  test('files is required; a bad multiline_pattern is refused', () => {
    expect(() => checkOptions(logs, {})).toThrow(/files/);
    expect(() => checkOptions(logs, { files: ['/x'], multiline_pattern: '(' })).toThrow(/multiline_pattern.*not a valid regular expression/);
  });
});

describe('handing on', () => {
  test('the last lines read are handed on once every file is read, without waiting for flush_interval', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const r = await start({ files: [file], flush_interval: '1h', batch_size: 1000 });
    appendFileSync(file, 'one\ntwo\nthree\n');
    await waitFor(() => r.records.length === 3, 'the three lines, long before an hour');
    expect(messages(r.records)).toEqual(['one', 'two', 'three']);
  });
});
