/**
 * Logged-in users from the utmp file (utmp(5), glibc on Linux): fixed 384-byte records,
 * `ut_type` a 16-bit integer at offset 0 and `ut_user` 32 bytes at offset 44.
 */
const RECORD_SIZE = 384;
const USER_OFFSET = 44;
const USER_LENGTH = 32;
const USER_PROCESS = 7;

/** The user name of every login session (USER_PROCESS record). */
export function loggedInUsers(utmp: Buffer): string[] {
  const users: string[] = [];
  for (let at = 0; at + RECORD_SIZE <= utmp.length; at += RECORD_SIZE) {
    if (utmp.readInt16LE(at) !== USER_PROCESS) continue;
    const raw = utmp.subarray(at + USER_OFFSET, at + USER_OFFSET + USER_LENGTH);
    const end = raw.indexOf(0);
    users.push(raw.subarray(0, end < 0 ? raw.length : end).toString('utf8'));
  }
  return users;
}

export const UTMP_PATH = '/var/run/utmp';
