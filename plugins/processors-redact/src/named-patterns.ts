import { isIPv6 } from 'node:net';

/**
 * A named pattern: a JavaScript regex source (no flags, so it can sit in one alternation with
 * the others) and, where a regex alone would mask too much, a check of the matched text; a
 * match the check refuses is left as it is. `atWordStart` patterns are tried only where a word
 * starts: the scan shares that one test instead of trying every pattern at every character.
 * A pattern with a `(?<secret>…)` group at its end masks only that part (a key stays); one with
 * `spans` masks only the parts of its match that `spans` finds.
 * `startsBefore` lets a pattern match from a rare character and find where the match really
 * starts by looking back (not before `limit`, the end of the previous match).
 */
export interface NamedPattern {
  source: string;
  atWordStart: boolean;
  accepts?: (match: string) => boolean;
  /** Where a match holds what to mask, as [start, end) offsets in it; none refuses the match. */
  spans?: (match: string) => [number, number][];
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

const isCardNumber = (digits: string) => digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && passesLuhn(digits);

/**
 * The card numbers in a run of digit groups joined by single spaces or dashes ("qty 2 4111…",
 * "4111… 123"): whole groups, joined by one kind of separator, of three digits or more when
 * there are several (real cards are grouped 4-4-4-4, 4-6-5 …). A dash binds groups into one
 * word, so a window that a dash continues (an id such as 4111-1111-1111-1111-1111) is no card.
 * From each group the longest window that is a card wins; the search goes on after it.
 */
function cardSpans(run: string): [number, number][] {
  const groups: [number, number][] = [];
  for (let at = 0; at < run.length; at++) {
    const start = at;
    while (at < run.length && run[at] !== ' ' && run[at] !== '-') at++;
    groups.push([start, at]);
  }
  const spans: [number, number][] = [];
  for (let i = 0; i < groups.length; i++) {
    if (run[groups[i][0] - 1] === '-') continue;
    const separator = run[groups[i][1]];
    let digits = '';
    let last = -1;
    for (let j = i; j < groups.length && digits.length <= 19; j++) {
      const [start, end] = groups[j];
      if (j > i && (run[start - 1] !== separator || end - start < 3 || groups[i][1] - groups[i][0] < 3)) break;
      digits += run.slice(start, end);
      if (run[end] !== '-' && isCardNumber(digits)) last = j;
    }
    if (last >= 0) {
      spans.push([groups[i][0], groups[last][1]]);
      i = last;
    }
  }
  return spans;
}

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

// The key starts a word ("DB_PASSWORD") or a camelCase part ("dbPassword", "adminPwd",
// "DBPassword"): "mypassword" is a word of its own and stays. Not at a word start, so each
// look-back follows the letter "p" and runs only where one is.
const PASSWORD_KEY = `(?:[Pp](?<![A-Za-z0-9].)|P(?<=[a-z0-9]P)|P(?<=[A-Z]P)(?=[a-z]))(?:${anyCase('assw')}(?:${anyCase('or')})?[Dd]|[Ww][Dd])`;
// After the key: "=", ":", ":=" or "=>", spaces, and an optional opening quote, which may be
// escaped (a JSON string holding `password=\"x\"`).
const PASSWORD_SEPARATOR = `["']?\\s*(?::=|=>|[=:])\\s*(?:\\\\?["'])?`;
// A quoted value runs to its closing quote (past escaped ones; one opened by \" to the next
// \"), or to the end when the quote is not closed; in a URL query ("?a=1&password=x&b=2") to
// the next "&" or "#"; otherwise to a space or a quote, less a "," or ";" that ends it
// ("pwd: s3cr3t, next").
const PASSWORD_VALUE = `(?<=\\\\")(?:[^"\\\\]|\\\\(?!"))+|(?<=")(?:[^"\\\\]|\\\\.)+|(?<=')[^']+|(?<=[?&][\\w.-]*=)[^\\s&#"']+|(?<!["'])[^\\s"']*[^\\s"',;]`;
const IPV6_TAIL = `(?:\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9A-Fa-f]{1,4})?(?![\\w:])`;
const isIPv6Address = (match: string) => /[0-9A-Fa-f]/.test(match) && isIPv6(match);

/** Each name with its patterns (ipv6 has two: one starts at a word, one with "::"). */
export const NAMED_PATTERNS: Record<string, NamedPattern[]> = {
  // Three dot-separated base64url parts, the first two JSON objects ("eyJ" is `{"` encoded).
  // It starts only where no base64url character is before it: a start inside a run such as
  // "eyJ-eyJ-eyJ-…" would scan the rest of the run again at each "eyJ" (quadratic time).
  jwt: [{ atWordStart: true, source: '(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*' }],
  // Access key ids of long-term (AKIA) and temporary (ASIA) credentials and the other AWS prefixes.
  aws_access_key: [{ atWordStart: true, source: '(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\\b' }],
  // The token after "Bearer " (RFC 6750 characters, 16 or more); "Bearer" itself stays.
  bearer_token: [{ atWordStart: true, source: `${anyCase('bearer')}\\s+(?<secret>[A-Za-z0-9\\-._~+/]{16,}=*)` }],
  // The value after password=, passwd: or "pwd": (quoted or not); the key stays.
  password_kv: [
    {
      atWordStart: false,
      source: `${PASSWORD_KEY}${PASSWORD_SEPARATOR}(?<secret>${PASSWORD_VALUE})`,
    },
  ],
  // Matched from the "@", the rarest character of an address, and the local part found by
  // looking back: trying every word as a local part would be the slowest part of the scan.
  email: [{ atWordStart: false, source: `@(?<=${LOCAL_CHAR}@)[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}\\b`, startsBefore: localPartStart, accepts: (m) => m[0] !== '@' }],
  // A run of 13 to 100 digits, grouped by single spaces or dashes; cardSpans finds the card
  // numbers in it (issuer prefix, Luhn digit). The bound keeps the scan of a long run short.
  credit_card: [{ atWordStart: true, source: '\\d(?:[ -]?\\d){12,99}', spans: cardSpans }],
  // A dotted quad of 0–255, not part of a longer dotted number (a version such as 1.2.3.4.5).
  ipv4: [{ atWordStart: true, source: `(?<!\\d\\.)(?:${OCTET}\\.){3}${OCTET}(?!\\d|\\.\\d)` }],
  // Colon-separated hex groups (with ::, or an IPv4 tail) that Node's own parser accepts as IPv6.
  ipv6: [
    { atWordStart: true, source: `(?<![:.])[0-9A-Fa-f]{1,4}:(?:[0-9A-Fa-f]{0,4}:){1,6}${IPV6_TAIL}`, accepts: isIPv6Address },
    { atWordStart: false, source: `(?<![\\w:.])::(?:[0-9A-Fa-f]{1,4}:){0,6}${IPV6_TAIL}`, accepts: isIPv6Address },
  ],
};

export const NAMED_PATTERN_NAMES = Object.keys(NAMED_PATTERNS);
