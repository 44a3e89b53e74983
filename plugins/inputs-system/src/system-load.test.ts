import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRecordingAccumulator, gatherOnce } from '@vigil/core/testing';
import system from './index.js';
import { formatUptime, gatherSystem } from './system-load.js';
import { loggedInUsers } from './utmp.js';
import { ProcFiles } from './proc-files.js';
import { fakeRoot, removeFakeRoots } from './test-fake-root.js';

afterAll(removeFakeRoots);

/** One 384-byte glibc utmp record. */
function utmpRecord(type: number, user: string): Buffer {
  const record = Buffer.alloc(384);
  record.writeInt16LE(type, 0);
  record.write(user, 44, 'utf8');
  return record;
}
const USER_PROCESS = 7;
const LOGIN_PROCESS = 6;

describe('system', () => {
  test('load, n_cpus (the core count), uptime and uptime_format as Telegraf sends them', async () => {
    const { metrics, errors } = await gatherOnce(system, { collect: ['system'] });
    expect(errors).toEqual([]);
    const gauge = metrics.find((m) => m.type === 'gauge')!;
    const counter = metrics.find((m) => m.type === 'counter')!;
    const untyped = metrics.find((m) => m.type === 'untyped')!;
    expect(metrics.every((m) => m.name === 'system')).toBe(true);
    expect(gauge.fields.n_cpus).toBe(BigInt(cpus().length));
    for (const key of ['load1', 'load5', 'load15']) {
      expect(typeof gauge.fields[key]).toBe('number');
      expect(gauge.fields[key]).toBeGreaterThanOrEqual(0);
    }
    const uptime = Math.floor(Number.parseFloat(readFileSync('/proc/uptime', 'utf8')));
    expect(Number(counter.fields.uptime)).toBeGreaterThanOrEqual(uptime - 2);
    expect(Number(counter.fields.uptime)).toBeLessThanOrEqual(uptime);
    expect(untyped.fields.uptime_format).toBe(formatUptime(Number(counter.fields.uptime)));
  });

  test('uptime_format follows Telegraf: days, then hours padded to two columns and minutes', () => {
    expect(formatUptime(59)).toBe(' 0:00');
    expect(formatUptime(3 * 3600 + 7 * 60)).toBe(' 3:07');
    expect(formatUptime(86_400 + 23 * 3600 + 59 * 60 + 59)).toBe('1 day, 23:59');
    expect(formatUptime(5 * 86_400 + 10 * 3600 + 5 * 60)).toBe('5 days, 10:05');
  });

  test('n_users counts login sessions in utmp, n_unique_users the distinct names', () => {
    const utmp = Buffer.concat([utmpRecord(USER_PROCESS, 'alice'), utmpRecord(USER_PROCESS, 'alice'), utmpRecord(USER_PROCESS, 'bob'), utmpRecord(LOGIN_PROCESS, 'LOGIN')]);
    expect(loggedInUsers(utmp)).toEqual(['alice', 'alice', 'bob']);
    const root = fakeRoot({ 'var/run/utmp': utmp });
    const acc = createRecordingAccumulator();
    gatherSystem(acc, new ProcFiles(), 0, join(root, 'var/run/utmp'));
    expect(acc.metrics[0].fields).toMatchObject({ n_users: 3n, n_unique_users: 2n });
  });

  test('without a utmp file the user counts are left out rather than reported as 0', () => {
    const acc = createRecordingAccumulator();
    gatherSystem(acc, new ProcFiles(), 0, join(fakeRoot({}), 'var/run/utmp'));
    expect(acc.metrics[0].fields).not.toHaveProperty('n_users');
    expect(acc.metrics[0].fields).not.toHaveProperty('n_unique_users');
  });
});
