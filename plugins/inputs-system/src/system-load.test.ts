import { join } from 'node:path';
import { loggedInUsers, ProcFiles } from '@vigil/host';
import { formatUptime, gatherSystem } from './system-load.js';
import { createRecordingAccumulator, fakeRoot, removeFakeRoots } from '@vigil/core/testing';

afterAll(removeFakeRoots);

/** One 384-byte glibc utmp record. */
function utmpRecord(type: number, user: string): Buffer {
  const record = Buffer.alloc(384);
  record.writeInt16LE(type, 0);
  record.write(user, 44, 'utf8');
  return record;
}
const USER_PROCESS = 7;
const LOAD_FILES = { 'proc/loadavg': '0.00 0.00 0.00 1/1 1\n', 'proc/stat': 'cpu  1 1 1 1\ncpu0 1 1 1 1\n', 'proc/uptime': '60.00 60.00\n' };
const LOGIN_PROCESS = 6;

describe('system', () => {
  test('uptime_format follows Telegraf: days, then hours padded to two columns and minutes', () => {
    expect(formatUptime(59)).toBe(' 0:00');
    expect(formatUptime(3 * 3600 + 7 * 60)).toBe(' 3:07');
    expect(formatUptime(86_400 + 23 * 3600 + 59 * 60 + 59)).toBe('1 day, 23:59');
    expect(formatUptime(5 * 86_400 + 10 * 3600 + 5 * 60)).toBe('5 days, 10:05');
  });

  test('n_users counts login sessions in utmp, n_unique_users the distinct names', () => {
    const utmp = Buffer.concat([utmpRecord(USER_PROCESS, 'alice'), utmpRecord(USER_PROCESS, 'alice'), utmpRecord(USER_PROCESS, 'bob'), utmpRecord(LOGIN_PROCESS, 'LOGIN')]);
    expect(loggedInUsers(utmp)).toEqual(['alice', 'alice', 'bob']);
    const root = fakeRoot({ 'var/run/utmp': utmp, ...LOAD_FILES });
    const acc = createRecordingAccumulator();
    gatherSystem(acc, new ProcFiles(root), join(root, 'var/run/utmp'), 0);
    expect(acc.metrics[0].fields).toMatchObject({ n_users: 3n, n_unique_users: 2n });
  });

  test('without a utmp file the user counts are left out rather than reported as 0', () => {
    const root = fakeRoot(LOAD_FILES);
    const acc = createRecordingAccumulator();
    gatherSystem(acc, new ProcFiles(root), join(root, 'var/run/utmp'), 0);
    expect(acc.metrics[0].fields).not.toHaveProperty('n_users');
    expect(acc.metrics[0].fields).not.toHaveProperty('n_unique_users');
  });
});
