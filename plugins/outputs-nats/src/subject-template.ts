import type { Item } from '@vigil/core';

/** A piece of a subject: text as written, the item's name, or the value of one of its tags. */
type SubjectPart = { text: string } | { name: true } | { tag: string };

const SUPPORTED = 'the subject template knows {{ .Name }} and {{ .Tag "key" }} (also spelled {{ .GetTag "key" }})';

/** `"key"` (with \" and \\ escapes) or `` `key` ``, as Go templates write strings. */
const STRING = /^(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`)$/;

function unquote(literal: string): string | undefined {
  const m = STRING.exec(literal);
  if (!m) return undefined;
  if (m[2] !== undefined) return m[2];
  return m[1].replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t' })[c] ?? c);
}

function parseAction(action: string): SubjectPart {
  const body = action.trim();
  if (body === '.Name') return { name: true };
  const tag = /^\.(?:Tag|GetTag)\s+(.+)$/.exec(body);
  const key = tag ? unquote(tag[1].trim()) : undefined;
  if (key !== undefined) return { tag: key };
  throw new Error(`{{ ${body} }} is not supported: ${SUPPORTED}`);
}

/**
 * The value of a placeholder as one subject token: characters a subject cannot hold there
 * (`.`, which would split it, the wildcards `*` and `>`, whitespace) become `_`, and a missing
 * or empty tag is `_`, so every placeholder is exactly one token and `a.*.b` matches it.
 */
export function subjectToken(value: string | undefined): string {
  if (!value) return '_';
  return value.replace(/[.*>\s]/g, '_');
}

/** Why `subject` is not a subject one can publish to (or, with `wildcards`, subscribe a stream to); undefined when it is. */
export function subjectProblem(subject: string, wildcards = false): string | undefined {
  if (subject === '') return 'is empty';
  if (/\s/.test(subject)) return 'has whitespace';
  const tokens = subject.split('.');
  if (tokens.some((t) => t === '')) return 'has an empty token (a leading, trailing or doubled ".")';
  if (!wildcards && tokens.some((t) => t.includes('*') || t.includes('>'))) return 'has a wildcard ("*" or ">"), which a message cannot be published to';
  if (wildcards) {
    if (tokens.some((t) => t.length > 1 && (t.includes('*') || t.includes('>')))) return 'has a wildcard inside a token ("*" and ">" stand alone)';
    if (tokens.slice(0, -1).includes('>')) return 'has ">" before its last token';
  }
  return undefined;
}

/**
 * Whether every subject `subject` stands for is matched by `pattern`; both may hold wildcards
 * (`*` one token, `>` one or more at the end).
 */
export function subjectCovers(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || s[i] === '>') return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/**
 * Telegraf's subject template, the part of Go's text/template it is used with: text,
 * `{{ .Name }}` and `{{ .Tag "key" }}` (`{{ .GetTag "key" }}`), with `{{-`/`-}}` trimming.
 * Anything else (`.Field`, pipelines, functions) is refused when the configuration loads.
 */
export class SubjectTemplate {
  /** Every subject rendered matches this: each token holding a placeholder is `*`. */
  readonly pattern: string;

  private constructor(
    readonly source: string,
    private readonly parts: SubjectPart[],
  ) {
    const marked = parts.map((p) => ('text' in p ? p.text : '\u0000')).join('');
    this.pattern = marked
      .split('.')
      .map((token) => (token.includes('\u0000') ? '*' : token))
      .join('.');
  }

  /** Throws a message saying what is wrong with the template (without the option's name). */
  static parse(source: string): SubjectTemplate {
    const parts: SubjectPart[] = [];
    let rest = source;
    let trimNext = false;
    while (rest.length > 0) {
      const open = rest.indexOf('{{');
      let text = open < 0 ? rest : rest.slice(0, open);
      if (trimNext) text = text.trimStart();
      if (open < 0) {
        if (text.includes('}}')) throw new Error('has "}}" without "{{"');
        if (text) parts.push({ text });
        break;
      }
      const close = rest.indexOf('}}', open + 2);
      if (close < 0) throw new Error('has "{{" without "}}"');
      let action = rest.slice(open + 2, close);
      if (/^-\s/.test(action)) {
        text = text.trimEnd();
        action = action.slice(1);
      }
      trimNext = /\s-$/.test(action);
      if (trimNext) action = action.slice(0, -1);
      if (text.includes('}}')) throw new Error('has "}}" without "{{"');
      if (text) parts.push({ text });
      parts.push(parseAction(action));
      rest = rest.slice(close + 2);
    }
    const template = new SubjectTemplate(source, parts);
    const problem = subjectProblem(template.render({ kind: 'metric', name: 'x', tags: {}, fields: {}, timestamp: 0, type: 'untyped' }));
    if (problem) throw new Error(`${JSON.stringify(source)} ${problem}`);
    return template;
  }

  /** Whether the subject is the same for every item. */
  get isStatic(): boolean {
    return this.parts.every((p) => 'text' in p);
  }

  render(item: Item): string {
    let out = '';
    for (const part of this.parts) {
      if ('text' in part) out += part.text;
      else if ('name' in part) out += subjectToken(item.name);
      else out += subjectToken(item.tags[part.tag]);
    }
    return out;
  }
}
