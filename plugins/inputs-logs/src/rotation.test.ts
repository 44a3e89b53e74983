import { spawn, execFile, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, renameSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { LogRecord } from '@vigil/core';
import { requireTool } from '@vigil/core/testing';
import { makeTempDir, messages, openDescriptors, sleep, startLogs, waitFor, type Running } from './test-support.js';

const execFileAsync = promisify(execFile);
const LOGROTATE = requireTool('logrotate', 'logrotate');

let tmp: ReturnType<typeof makeTempDir>;
let running: Running | undefined;
beforeEach(() => (tmp = makeTempDir()));
afterEach(async () => {
  await running?.stop();
  running = undefined;
  tmp.remove();
});

async function start(options: Record<string, unknown>): Promise<Running> {
  running = await startLogs(options);
  return running;
}

const lines = (prefix: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${prefix} ${from + i}\n`).join('');

/** Every sequence number 0…total-1 exactly once: returns what is missing and what came twice. */
function gapsAndDuplicates(records: LogRecord[], total: number): { missing: number[]; twice: number[] } {
  const seen = new Map<number, number>();
  for (const r of records) {
    const seq = Number(/seq=(\d+)/.exec(r.message)?.[1]);
    seen.set(seq, (seen.get(seq) ?? 0) + 1);
  }
  const missing = [];
  for (let i = 0; i < total; i++) if (!seen.has(i)) missing.push(i);
  return { missing: missing.slice(0, 20), twice: [...seen].filter(([, n]) => n > 1).map(([seq]) => seq).slice(0, 20) };
}

function logrotateConfig(path: string, mode: 'create' | 'copytruncate'): string {
  const config = tmp.path(`logrotate-${mode}.conf`);
  writeFileSync(config, `${path} {\n  rotate 1000\n  ${mode}\n  missingok\n  nocompress\n}\n`);
  return config;
}

describe('rotation', () => {
  test('a file renamed away is read to its end before the new one is followed, and lines written to it later still arrive', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const r = await start({ files: [file] });
    appendFileSync(file, lines('old', 0, 2000));
    renameSync(file, `${file}.1`);
    writeFileSync(file, lines('new', 0, 500));
    await waitFor(() => r.records.length === 2500, 'all lines of both files');
    expect(messages(r.records)).toEqual([...lines('old', 0, 2000).split('\n').slice(0, -1), ...lines('new', 0, 500).split('\n').slice(0, -1)]);
    // The program has not reopened its log yet and writes on to the renamed file.
    appendFileSync(`${file}.1`, 'old late\n');
    await waitFor(() => r.records.length === 2501, 'the late line');
    expect(r.records[2500]).toMatchObject({ message: 'old late', source: file });
  });

  test('a rotated file that ends in an unfinished line is let go once deleted: the line arrives and the descriptor closes', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, 'a\nb-unfinished');
    const r = await start({ files: [file], initial_read_offset: 'beginning' });
    await waitFor(() => r.records.length === 1, 'the finished line');
    renameSync(file, `${file}.1`);
    await sleep(300);
    unlinkSync(`${file}.1`);
    await waitFor(() => r.records.length === 2, 'the unfinished line, once the file is let go');
    expect(messages(r.records)).toEqual(['a', 'b-unfinished']);
    await waitFor(() => !openDescriptors().some((target) => target.startsWith(`${file}.1`)), 'the deleted file closed');
  });

  test('polling, a rotated file let go and found again by a later scan under a name the glob matches is not read again', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, 'l1\nl2\n');
    running = await startLogs({ files: [`${file}*`], watch_method: 'poll', initial_read_offset: 'beginning' }, { intervalMs: 6_500 });
    const r = running;
    await waitFor(() => r.records.length === 2, 'the two lines');
    renameSync(file, `${file}.1`);
    // Quiet for 5 s, the rotated file is let go; the next scan finds it again under its new name.
    const isOpen = () => openDescriptors().includes(`${file}.1`);
    await waitFor(() => !isOpen(), 'the rotated file to be let go', 15_000);
    await waitFor(isOpen, 'a later scan to find it again', 15_000);
    appendFileSync(`${file}.1`, 'l3\n');
    await waitFor(() => r.records.length >= 3, 'the line written after the scan', 10_000);
    await sleep(300);
    expect(messages(r.records)).toEqual(['l1', 'l2', 'l3']);
  }, 30_000);

  test('a rotated file the glob still matches is followed on under its new name, not read again', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const r = await start({ files: [`${file}*`] });
    appendFileSync(file, 'one\n');
    await waitFor(() => r.records.length === 1, 'the first line');
    renameSync(file, `${file}.1`);
    writeFileSync(file, 'new file\n');
    await waitFor(() => r.records.length === 2, 'the new file');
    appendFileSync(`${file}.1`, 'two\n');
    await waitFor(() => r.records.length === 3, 'the line added to the rotated file');
    await sleep(300);
    expect(r.records.map((x) => [x.message, x.source]).sort()).toEqual([
      ['new file', file],
      ['one', file],
      ['two', `${file}.1`],
    ]);
  });

  test('a file truncated in place (copytruncate) is read again from its start', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const r = await start({ files: [file] });
    appendFileSync(file, lines('before', 0, 100));
    await waitFor(() => r.records.length === 100, 'the first lines');
    truncateSync(file, 0);
    await sleep(100);
    appendFileSync(file, 'after 0\nafter 1\n');
    await waitFor(() => r.records.length === 102, 'the lines after the truncation');
    expect(messages(r.records.slice(100))).toEqual(['after 0', 'after 1']);
  });

  test('a file truncated and written past its old size before it was looked at is read from its start', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const r = await start({ files: [file] });
    appendFileSync(file, 'short\n');
    await waitFor(() => r.records.length === 1, 'the first line');
    // Both in one go, so the plugin's next look finds the file already longer than its offset.
    truncateSync(file, 0);
    appendFileSync(file, 'a longer line written after the truncation\nand another\n');
    await waitFor(() => r.records.length === 3, 'the rewritten file');
    expect(messages(r.records)).toEqual(['short', 'a longer line written after the truncation', 'and another']);
  });

  test.each([
    ['delivered at once', {}, false],
    // At most 20 records every 5 ms, 4,000 a second: the reader keeps waiting for room.
    ['with max_undelivered_lines = 20 and deliveries settled every 5 ms', { max_undelivered_lines: 20 }, true],
  ])('renamed away and re-created 30 times, by hand and by logrotate, while a writer appends 5,000 lines a second, %s: every line exactly once', async (_, extra, slowOutput) => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    running = await startLogs({ files: [file], ...extra }, { holdDeliveries: slowOutput });
    const r = running;
    let mostUndelivered = 0;
    const deliver = slowOutput
      ? setInterval(() => {
          const undelivered = r.deliveries.groups.filter((g) => g.settled === undefined).reduce((n, g) => n + g.items.length, 0);
          mostUndelivered = Math.max(mostUndelivered, undelivered);
          r.deliveries.settle(true);
        }, 5)
      : undefined;
    const total = 15_000;
    // Like a program told to reopen its log after rotation, the writer keeps the file open and
    // notices the rename only every 50 ms: lines written meanwhile land in the renamed file.
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'); const path = ${JSON.stringify(file)}; let n = 0;
         let fd = fs.openSync(path, 'a');
         const reopen = setInterval(() => {
           let current; try { current = fs.statSync(path).ino; } catch {}
           if (current !== fs.fstatSync(fd).ino) { fs.closeSync(fd); fd = fs.openSync(path, 'a'); }
         }, 50);
         const write = setInterval(() => {
           let chunk = '';
           for (let i = 0; i < 10 && n < ${total}; i++, n++) chunk += '2026-11-23T07:00:01Z INFO seq=' + n + ' ' + 'x'.repeat(n % 40) + '\\n';
           fs.writeSync(fd, chunk);
           if (n >= ${total}) { clearInterval(write); clearInterval(reopen); fs.closeSync(fd); }
         }, 2);`,
      ],
      { stdio: 'inherit' },
    );
    const exited = new Promise((resolve) => writer.on('exit', resolve));
    const config = logrotateConfig(file, 'create');
    const state = tmp.path('logrotate.state');
    let rotations = 0;
    for (let round = 0; round < 30; round++) {
      await sleep(80);
      if (round % 10 === 5) await execFileAsync(LOGROTATE, ['-f', '-s', state, config]);
      else {
        try {
          renameSync(file, `${file}.manual-${round}`);
        } catch {
          continue; // the writer had not re-created it yet
        }
      }
      rotations++;
    }
    await exited;
    await waitFor(() => r.records.length >= total, `${total} records`, 20_000);
    await sleep(300);
    clearInterval(deliver);
    if (slowOutput) expect(mostUndelivered).toBe(20);
    expect(rotations).toBeGreaterThanOrEqual(25);
    expect(gapsAndDuplicates(r.records, total)).toEqual({ missing: [], twice: [] });
    expect(r.records).toHaveLength(total);
  }, 60_000);

  test('truncated in place 20 times, by hand and by logrotate copytruncate, while lines are appended: every line exactly once', async () => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const r = await start({ files: [file], batch_size: 1 });
    const total = 12_000;
    const config = logrotateConfig(file, 'copytruncate');
    const state = tmp.path('logrotate.state');
    let written = 0;
    let truncations = 0;
    // copytruncate loses whatever was written after the follower's last read (logrotate's
    // manual says so too), so the file is truncated only when every line written so far has
    // been handed on; writing goes on right before and right after.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (r.records.length === written && written > 0 && truncations < 20 && written > (truncations + 1) * 500) {
          if (truncations % 10 === 9) spawnSync(LOGROTATE, ['-f', '-s', state, config]);
          else {
            copyFileSync(file, `${file}.${truncations}`);
            truncateSync(file, 0);
          }
          truncations++;
        }
        let chunk = '';
        for (let i = 0; i < 20 && written < total; i++, written++) chunk += `2026-11-23T07:00:01Z INFO seq=${written}\n`;
        appendFileSync(file, chunk);
        if (written >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 4);
    });
    await waitFor(() => r.records.length >= total, `${total} records`, 20_000);
    await sleep(300);
    expect(truncations).toBe(20);
    expect(gapsAndDuplicates(r.records, total)).toEqual({ missing: [], twice: [] });
    expect(r.records).toHaveLength(total);
  }, 60_000);
});
