import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { createAgentLogger } from './logger.js';
import { LogRing } from './ring.js';
import { Redactor } from './redactor.js';
import { Stats } from '../stats/stats.js';

function logger(logfile: string, rotation: { intervalMs?: number; maxBytes?: number; maxArchives?: number }) {
  return createAgentLogger(
    { level: 'info', logfile, format: 'text', timezone: '', rotation: { intervalMs: 0, maxBytes: 0, maxArchives: 5, ...rotation } },
    { ring: new LogRing(), counts: new Stats().logCounts, redactor: new Redactor() },
  );
}

const ARCHIVE = /^vigil\.\d{4}-\d{2}-\d{2}-\d{10}(\.\d+)?\.log$/;

describe('logfile rotation ([agent] logfile_rotation_*)', () => {
  it('rotates by size, keeps the newest archives up to max_archives, and loses no line it keeps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-logrot-'));
    const path = join(dir, 'vigil.log');
    const log = logger(path, { maxBytes: 2000, maxArchives: 2 });
    // Each line is about 100 bytes: 20 to a file, so 100 lines make five files.
    for (let i = 0; i < 100; i++) log.info(`line ${String(i).padStart(3, '0')} ${'x'.repeat(60)}`);

    const names = readdirSync(dir).sort();
    const archives = names.filter((n) => n !== 'vigil.log');
    expect(names).toContain('vigil.log');
    expect(archives).toHaveLength(2);
    for (const a of archives) expect(a).toMatch(ARCHIVE);
    for (const a of archives) expect(statSync(join(dir, a)).size).toBeGreaterThanOrEqual(2000);
    expect(statSync(path).size).toBeLessThan(2000);

    // What is kept is the newest lines, in order, each whole, up to line 099.
    const byAge = archives.sort((a, b) => statSync(join(dir, a)).mtimeMs - statSync(join(dir, b)).mtimeMs);
    const kept = [...byAge.map((a) => readFileSync(join(dir, a), 'utf8')), readFileSync(path, 'utf8')].join('').trim().split('\n');
    const numbers = kept.map((l) => Number(/ I! line (\d{3}) x{60}$/.exec(l)?.[1]));
    expect(numbers.at(-1)).toBe(99);
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0] + i));
    expect(numbers[0]).toBeGreaterThan(0);
  });

  it('counts what the file already held when it was opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-logrot-'));
    const path = join(dir, 'vigil.log');
    writeFileSync(path, 'x'.repeat(1990) + '\n');
    logger(path, { maxBytes: 2000 }).info('this line takes the file past 2000 bytes');
    expect(readdirSync(dir).filter((n) => ARCHIVE.test(n))).toHaveLength(1);
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('with max_archives = -1 removes no archive', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-logrot-'));
    const log = logger(join(dir, 'vigil.log'), { maxBytes: 200, maxArchives: -1 });
    for (let i = 0; i < 30; i++) log.info(`line ${i} ${'y'.repeat(250)}`);
    expect(readdirSync(dir).filter((n) => ARCHIVE.test(n))).toHaveLength(30);
  });

  it('rotates by interval: the line written once the interval has passed closes the file, the next goes to a new one', () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 11, 1, 12, 0, 0) });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-logrot-'));
      const path = join(dir, 'vigil.log');
      const log = logger(path, { intervalMs: 3_600_000 });
      log.info('before');
      jest.setSystemTime(Date.UTC(2026, 11, 1, 12, 59, 59));
      log.info('still within the hour');
      expect(readdirSync(dir)).toEqual(['vigil.log']);
      jest.setSystemTime(Date.UTC(2026, 11, 1, 13, 0, 0));
      log.info('an hour later');
      log.info('after');
      const archive = readdirSync(dir).find((n) => n !== 'vigil.log')!;
      expect(archive).toBe(`vigil.2026-12-01-${Date.UTC(2026, 11, 1, 13) / 1000}.log`);
      expect(readFileSync(join(dir, archive), 'utf8')).toMatch(/before\n.*still within the hour\n.*an hour later\n$/);
      expect(readFileSync(path, 'utf8')).toMatch(/^\S+ I! after\n$/);
    } finally {
      jest.useRealTimers();
    }
  });
});
