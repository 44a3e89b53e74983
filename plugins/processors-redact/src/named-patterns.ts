import { isIPv6 } from 'node:net';

/**
 * A named pattern: a JavaScript regex source (no flags, so it can sit in one alternation with
 * the others) and, where a regex alone would mask too much, a check of the matched text; a
 * match the check refuses is left as it is. `atWordStart` patterns are tried only where a word
 * starts: the scan shares that one test instead of trying every pattern at every character.
 * A pattern with a `(?<secret>…)` group at its end masks only that part (a key stays).
 * `startsBefore` lets a pattern match from a rare character and find where the match really
 * starts by looking back (not before `limit`, the end of the previous match).
 */
export interface NamedPattern {
  source: string;
  atWordStart: boolean;
  accepts?: (match: string) => boolean;
  startsBefore?: (text: string, at: number, limit: number) => number;
}

/** `[Pp][Aa]…`: the pattern is shared with case-sensitive ones, so no `i` flag. */
const anyCase = (word: string) => [...word].map((c) => `[${c.toUpperCase()}${c.toLowerCase()}]`).join('');

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

/** The card's own check digit: catches most numbers that are not card numbers. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// Issuer prefixes: Visa 4, Mastercard 51–55 and 22–27, Amex 34/37, Diners 300–305/36/38,
// Discover 6011/644–649/65, JCB 35, UnionPay 62. Millisecond timestamps (1…) never qualify.
const CARD_PREFIX = /^(?:4|5[1-5]|2[2-7]|3[47]|30[0-5]|3[568]|6011|64[4-9]|65|62)/;

function isCardNumber(match: string): boolean {
  const digits = match.replace(/[ -]/g, '');
  return digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && passesLuhn(digits);
}

// Not at a word start: "DB_PASSWORD" counts. The look-back follows the first letter so that it
// runs only where a "p" is.
const LOCAL_CHAR = "[A-Za-z0-9._%+'-]";
const isLocalChar = (c: string) => /[A-Za-z0-9._%+'-]/.test(c);
const isWordChar = (c: string) => /\w/.test(c);

/** Back over the local part of an address, then forward to its first letter or digit. */
function localPartStart(text: string, at: number, limit: number): number {
  let start = at;
  while (start > limit && isLocalChar(text[start - 1])) start--;
  while (start < at && !isWordChar(text[start])) start++;
  return start;
}

const PASSWORD_KEY = `[Pp](?<![A-Za-z0-9].)(?:${anyCase('assw')}(?:${anyCase('or')})?[Dd]|[Ww][Dd])`;
const IPV6_TAIL = `(?:\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9A-Fa-f]{1,4})?(?![\\w:])`;
const isIPv6Address = (match: string) => /[0-9A-Fa-f]/.test(match) && isIPv6(match);

/** Each name with its patterns (ipv6 has two: one starts at a word, one with "::"). */
export const NAMED_PATTERNS: Record<string, NamedPattern[]> = {
  // Three dot-separated base64url parts, the first two JSON objects ("eyJ" is `{"` encoded).
  jwt: [{ atWordStart: true, source: 'eyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*' }],
  // Access key ids of long-term (AKIA) and temporary (ASIA) credentials and the other AWS prefixes.
  aws_access_key: [{ atWordStart: true, source: '(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\\b' }],
  // The token after "Bearer " (RFC 6750 characters, 16 or more); "Bearer" itself stays.
  bearer_token: [{ atWordStart: true, source: `${anyCase('bearer')}\\s+(?<secret>[A-Za-z0-9\\-._~+/]{16,}=*)` }],
  // The value after password=, passwd: or "pwd": (quoted or not); the key stays.
  password_kv: [
    {
      atWordStart: false,
      source: `${PASSWORD_KEY}["']?\\s*[=:]\\s*["']?(?<secret>(?<=")[^"]+(?=")|(?<=')[^']+(?=')|(?<!["'])[^\\s"'&,;]+)`,
    },
  ],
  // Matched from the "@", the rarest character of an address, and the local part found by
  // looking back: trying every word as a local part would be the slowest part of the scan.
  email: [{ atWordStart: false, source: `@(?<=${LOCAL_CHAR}@)[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}\\b`, startsBefore: localPartStart, accepts: (m) => m[0] !== '@' }],
  // 13 to 19 digits, optionally grouped by single spaces or dashes, with an issuer prefix and a valid Luhn digit.
  credit_card: [{ atWordStart: true, source: '(?<!-)\\d(?:[ -]?\\d){12,18}(?![\\d-])', accepts: isCardNumber }],
  // A dotted quad of 0–255, not part of a longer dotted number (a version such as 1.2.3.4.5).
  ipv4: [{ atWordStart: true, source: `(?<!\\d\\.)(?:${OCTET}\\.){3}${OCTET}(?!\\d|\\.\\d)` }],
  // Colon-separated hex groups (with ::, or an IPv4 tail) that Node's own parser accepts as IPv6.
  ipv6: [
    { atWordStart: true, source: `(?<![:.])[0-9A-Fa-f]{1,4}:(?:[0-9A-Fa-f]{0,4}:){1,6}${IPV6_TAIL}`, accepts: isIPv6Address },
    { atWordStart: false, source: `(?<![\\w:.])::(?:[0-9A-Fa-f]{1,4}:){0,6}${IPV6_TAIL}`, accepts: isIPv6Address },
  ],
};

export const NAMED_PATTERN_NAMES = Object.keys(NAMED_PATTERNS);
