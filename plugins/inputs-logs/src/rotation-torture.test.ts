import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import type { LogRecord } from '@vigil/core';
import { makeTempDir, startLogs, waitFor, type Running } from './test-support.js';

const LOGROTATE = '/usr/sbin/logrotate';

let tmp: ReturnType<typeof makeTempDir>;
let running: Running | undefined;
beforeEach(() => (tmp = makeTempDir()));
afterEach(async () => {
  await running?.stop();
  running = undefined;
  tmp.remove();
});

/** What is missing from 0…total-1 and what came more than once (the first 20 of each). */
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

/** Every seq number seen at least once. */
function allSeen(records: LogRecord[], total: number): boolean {
  return records.length >= total && gapsAndDuplicates(records, total).missing.length === 0;
}

/** app.log.2 → app.log.3, app.log.1 → app.log.2: three rotations kept, the oldest overwritten. */
function shiftRotations(file: string): void {
  for (let i = 2; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
}

/**
 * Appends numbered lines, 10 every 2 ms (5,000 a second), and calls `rotate` after every
 * `every` lines, without waiting for the reader: a rotation may come before the last lines
 * written were read.
 */
function writeAndRotate(file: string, total: number, every: number, rotate: (round: number) => void): Promise<number> {
  let written = 0;
  let rotations = 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      let chunk = '';
      for (let i = 0; i < 10 && written < total; i++, written++) chunk += `2026-11-23T07:00:01Z INFO seq=${written} ${'x'.repeat(written % 50)}\n`;
      appendFileSync(file, chunk);
      if (written % every === 0 && written < total) rotate(rotations++);
      if (written >= total) {
        clearInterval(timer);
        resolve(rotations);
      }
    }, 2);
  });
}

function logrotate(file: string, directives: string): () => void {
  if (!existsSync(LOGROTATE)) throw new Error('logrotate is not installed: install the Debian package "logrotate"');
  const config = tmp.path('logrotate.conf');
  writeFileSync(config, `${file} {\n  rotate 3\n  missingok\n  ${directives}\n}\n`);
  return () => {
    const run = spawnSync(LOGROTATE, ['-f', '-s', tmp.path('logrotate.state'), config], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`logrotate failed: ${run.stderr}`);
  };
}

describe('rotation torture: every line exactly once', () => {
  test.each([['*.log'], ['app.log*']])(
    'rotated every 1,000 lines, alternating rename-and-create and copytruncate, three kept, with files = ["%s"]',
    async (glob) => {
      const file = tmp.path('app.log');
      writeFileSync(file, '');
      running = await startLogs({ files: [tmp.path(glob)] }, { intervalMs: 500 });
      const r = running;
      const total = 12_000;
      const rotations = await writeAndRotate(file, total, 1_000, (round) => {
        shiftRotations(file);
        if (round % 2 === 0) {
          renameSync(file, `${file}.1`);
          writeFileSync(file, '');
        } else {
          copyFileSync(file, `${file}.1`);
          truncateSync(file, 0);
        }
      });
      expect(rotations).toBe(11);
      await waitFor(() => allSeen(r.records, total), `all ${total} lines`, 30_000);
      expect(gapsAndDuplicates(r.records, total)).toEqual({ missing: [], twice: [] });
      expect(r.records).toHaveLength(total);
    },
    60_000,
  );

  test.each([
    ['rename and create', '*.log', 'create'],
    ['rename and create', 'app.log*', 'create'],
    ['copytruncate', '*.log', 'copytruncate'],
    ['copytruncate', 'app.log*', 'copytruncate'],
    ['compress and delaycompress', 'app.log*', 'compress\n  delaycompress'],
  ])('real logrotate, %s, with files = ["%s"]', async (_, glob, directives) => {
    const file = tmp.path('app.log');
    writeFileSync(file, '');
    const rotate = logrotate(file, directives);
    running = await startLogs({ files: [tmp.path(glob)] }, { intervalMs: 500 });
    const r = running;
    const total = 8_000;
    await writeAndRotate(file, total, 1_000, rotate);
    await waitFor(() => allSeen(r.records, total), `all ${total} lines`, 30_000);
    expect(gapsAndDuplicates(r.records, total)).toEqual({ missing: [], twice: [] });
    expect(r.records).toHaveLength(total);
    if (directives.startsWith('compress')) expect(existsSync(`${file}.2.gz`)).toBe(true);
  }, 60_000);
});
