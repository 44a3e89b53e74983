/**
 * The string operations, in the order Telegraf applies them whatever the order of the tables
 * in the config. Each returns the new text, or undefined to leave the value as it was.
 */
export const OPERATIONS = ['lowercase', 'uppercase', 'titlecase', 'trim', 'trim_left', 'trim_right', 'trim_prefix', 'trim_suffix', 'replace', 'left', 'base64decode', 'valid_utf8'] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface OperationSettings {
  cutset?: string;
  prefix?: string;
  suffix?: string;
  old?: string;
  new?: string;
  width?: number;
  replacement?: string;
}

const escapeClass = (s: string) => s.replace(/[\\\]^-]/g, '\\$&');

function trimmer(cutset: string | undefined, left: boolean, right: boolean): (s: string) => string {
  if (cutset === undefined) return left && right ? (s) => s.trim() : left ? (s) => s.trimStart() : (s) => s.trimEnd();
  if (cutset === '') return (s) => s;
  const cls = `[${escapeClass(cutset)}]+`;
  const re = new RegExp(left && right ? `^${cls}|${cls}$` : left ? `^${cls}` : `${cls}$`, 'gu');
  return (s) => s.replace(re, '');
}

/** Every word's first letter upper-cased, as Go's strings.Title does. */
const titlecase = (s: string) => s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());

// A JavaScript string holds UTF-16, so the bytes that were not UTF-8 when the text was read
// show as U+FFFD; lone surrogates are the other kind of invalid text it can hold.
const INVALID_TEXT = /\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const STANDARD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64decode(s: string): string | undefined {
  if (s.length % 4 !== 0 || !STANDARD_BASE64.test(s)) return undefined;
  // Like Telegraf, text that does not decode to valid UTF-8 is left as it was.
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(s, 'base64'));
  } catch {
    return undefined;
  }
}

export function operation(op: Operation, settings: OperationSettings): (s: string) => string | undefined {
  switch (op) {
    case 'lowercase':
      return (s) => s.toLowerCase();
    case 'uppercase':
      return (s) => s.toUpperCase();
    case 'titlecase':
      return titlecase;
    case 'trim':
      return trimmer(settings.cutset, true, true);
    case 'trim_left':
      return trimmer(settings.cutset, true, false);
    case 'trim_right':
      return trimmer(settings.cutset, false, true);
    case 'trim_prefix': {
      const prefix = settings.prefix ?? '';
      return (s) => (prefix !== '' && s.startsWith(prefix) ? s.slice(prefix.length) : s);
    }
    case 'trim_suffix': {
      const suffix = settings.suffix ?? '';
      return (s) => (suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s);
    }
    case 'replace': {
      const from = settings.old ?? '';
      const to = settings.new ?? '';
      return (s) => (from === '' ? s : s.replaceAll(from, to));
    }
    case 'left': {
      const width = settings.width ?? 0;
      // Counted in characters (code points), where Telegraf counts bytes and may cut one in two.
      return (s) => {
        const chars = [...s];
        return chars.length <= width ? s : chars.slice(0, width).join('');
      };
    }
    case 'base64decode':
      return base64decode;
    case 'valid_utf8': {
      const replacement = settings.replacement ?? '';
      return (s) => s.replace(INVALID_TEXT, replacement);
    }
  }
}
