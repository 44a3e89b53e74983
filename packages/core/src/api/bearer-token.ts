import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether an Authorization header carries `Bearer <token>`. Both sides are hashed first, so
 * the comparison takes the same time whatever the length or the first wrong byte.
 */
export function bearerTokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  const given = m ? m[1] : '';
  // Always compare, so a missing header takes as long as a wrong one.
  const same = timingSafeEqual(digest(given), digest(token));
  return same && m !== null;
}
