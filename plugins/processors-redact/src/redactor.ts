import { createHmac } from 'node:crypto';
import { compileConfigRegex } from '@vigil/core';
import { NAMED_PATTERNS, type NamedPattern } from './named-patterns.js';

export interface PatternEntry extends NamedPattern {
  name: string;
  /** Regex flags the pattern needs (a custom pattern's leading `(?i)`); '' for the named ones. */
  flags: string;
}

export interface MaskOptions {
  replacement: string;
  /** With a key, `{hash}` in the replacement is an HMAC-SHA256 of the matched text. */
  hashKey?: string;
}

/** Hex characters of the HMAC kept: 64 bits tell values apart without a table to reverse them. */
const HASH_CHARS = 16;

/** Custom patterns as configured: a list (each named "custom") or a table of name → pattern. */
export function customEntries(custom: string[] | Record<string, string>): PatternEntry[] {
  const pairs = Array.isArray(custom) ? custom.map((source) => ['custom', source] as const) : Object.entries(custom);
  return pairs.map(([name, pattern]) => {
    const re = compileConfigRegex(pattern);
    return { name, source: re.source, flags: re.flags, atWordStart: false };
  });
}

export function namedEntries(names: string[]): PatternEntry[] {
  return names.flatMap((name) => NAMED_PATTERNS[name].map((pattern) => ({ name, flags: '', ...pattern })));
}

/**
 * One alternation of patterns sharing flags: `\b(?:word-start patterns)|others`. Group `__rN`
 * tells which pattern matched, `__sN` the part of it to mask.
 */
class CombinedPattern {
  readonly regex: RegExp;
  private readonly entries: PatternEntry[];
  private readonly groupNames: string[];

  constructor(entries: PatternEntry[], flags: string) {
    this.entries = [...entries.filter((e) => e.atWordStart), ...entries.filter((e) => !e.atWordStart)];
    this.groupNames = this.entries.map((_, i) => `__r${i}`);
    const alternatives = this.entries.map((e, i) => `(?<__r${i}>${e.source.replace('(?<secret>', `(?<__s${i}>`)})`);
    const atWordStart = this.entries.filter((e) => e.atWordStart).length;
    const parts = atWordStart > 0 ? [`\\b(?:${alternatives.slice(0, atWordStart).join('|')})`, ...alternatives.slice(atWordStart)] : alternatives;
    this.regex = new RegExp(parts.join('|'), flags + 'g');
  }

  /** The index of the pattern whose group took the match. */
  indexOf(groups: Record<string, string | undefined>): number {
    for (let i = 0; i < this.groupNames.length; i++) if (groups[this.groupNames[i]] !== undefined) return i;
    return 0;
  }

  entry(index: number): PatternEntry {
    return this.entries[index];
  }
}

/**
 * Masks every match of the patterns in a string. Patterns with the same flags — all named ones
 * and most custom ones — are scanned in a single pass; a custom pattern with other flags (`(?i)`)
 * adds one pass for all such patterns, since JavaScript has no per-alternative flags.
 */
export class Redactor {
  private readonly passes: CombinedPattern[] = [];
  private readonly replacement: string;
  private readonly hashKey?: string;
  private readonly usesName: boolean;
  private readonly usesHash: boolean;

  constructor(entries: PatternEntry[], options: MaskOptions) {
    const byFlags = new Map<string, PatternEntry[]>();
    for (const e of entries) byFlags.set(e.flags, [...(byFlags.get(e.flags) ?? []), e]);
    for (const [flags, group] of byFlags) this.passes.push(new CombinedPattern(group, flags));
    this.replacement = options.replacement;
    this.hashKey = options.hashKey;
    this.usesName = options.replacement.includes('{name}');
    this.usesHash = options.hashKey !== undefined && options.replacement.includes('{hash}');
  }

  /** The string with its matches masked; the same string when nothing matched. */
  redact(text: string): string {
    for (const pass of this.passes) text = this.redactPass(pass, text);
    return text;
  }

  private redactPass(pass: CombinedPattern, text: string): string {
    const re = pass.regex;
    re.lastIndex = 0;
    let out = '';
    let done = 0;
    let changed = false;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const end = m.index + m[0].length;
      // A custom pattern may match nothing; step over it so the scan goes on.
      if (end === m.index) re.lastIndex++;
      const index = pass.indexOf(m.groups!);
      const entry = pass.entry(index);
      const start = entry.startsBefore ? entry.startsBefore(text, m.index, done) : m.index;
      const match = start === m.index ? m[0] : text.slice(start, end);
      if (end === start || (entry.accepts && !entry.accepts(match))) continue;
      const spans = this.spansOf(entry, match, m.groups![`__s${index}`]);
      if (spans.length === 0) continue;
      out += text.slice(done, start) + this.maskSpans(entry.name, match, spans);
      done = end;
      changed = true;
    }
    return changed ? out + text.slice(done) : text;
  }

  /** The parts of a match to mask: what `spans` finds, the secret group, or all of it. */
  private spansOf(entry: PatternEntry, match: string, secret: string | undefined): [number, number][] {
    if (entry.spans) return entry.spans(match);
    if (secret === undefined) return [[0, match.length]];
    const at = match.lastIndexOf(secret);
    return [[at, at + secret.length]];
  }

  private maskSpans(name: string, match: string, spans: [number, number][]): string {
    let out = '';
    let done = 0;
    for (const [start, end] of spans) {
      out += match.slice(done, start) + this.mask(name, match.slice(start, end));
      done = end;
    }
    return out + match.slice(done);
  }

  private mask(name: string, match: string): string {
    let out = this.replacement;
    if (this.usesName) out = out.replaceAll('{name}', name);
    if (this.usesHash) out = out.replaceAll('{hash}', createHmac('sha256', this.hashKey!).update(match).digest('hex').slice(0, HASH_CHARS));
    return out;
  }
}
