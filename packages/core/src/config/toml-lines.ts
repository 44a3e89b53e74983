/**
 * smol-toml gives values without positions; this scanner finds the line of every table header
 * and key so errors can say `FILE:LINE`. Paths are dotted with array-of-table indexes:
 * `inputs.system.0.interval`, `outputs.heartbeat.1.status_conditions.warn`.
 */
export type KeyLines = Map<string, number>;

function splitKey(raw: string): string[] {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(?:\.|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < raw.length && (m = re.exec(raw))) parts.push(m[1] ?? m[2] ?? m[3]);
  return parts;
}

/** Tracks strings and bracket depth across a value that may span several lines. */
class ValueScanner {
  depth = 0;
  private multiline: '"""' | "'''" | null = null;
  /** Stack of inline-table key prefixes, so keys inside `headers = { … }` map to headers.X. */
  inlineTables: string[] = [];

  get inside(): boolean {
    return this.depth > 0 || this.multiline !== null;
  }

  scan(text: string, keyPath: string | null): void {
    let i = 0;
    while (i < text.length) {
      if (this.multiline) {
        const end = text.indexOf(this.multiline, i);
        if (end < 0) return;
        i = end + 3;
        this.multiline = null;
        continue;
      }
      const c = text[i];
      if (c === '#') return;
      if (text.startsWith('"""', i) || text.startsWith("'''", i)) {
        this.multiline = text.slice(i, i + 3) as '"""' | "'''";
        i += 3;
      } else if (c === '"' || c === "'") {
        i++;
        while (i < text.length && text[i] !== c) i += c === '"' && text[i] === '\\' ? 2 : 1;
        i++;
      } else {
        if (c === '[' || c === '{') {
          this.depth++;
          if (c === '{') this.inlineTables.push(keyPath ?? '');
        } else if (c === ']' || c === '}') {
          this.depth--;
          if (c === '}') this.inlineTables.pop();
        }
        i++;
      }
    }
  }
}

export function findKeyLines(text: string): KeyLines {
  const lines = new Map<string, number>();
  const arrayIndex = new Map<string, number>();
  let table = '';
  const value = new ValueScanner();
  const tablePath = (segments: string[], isArray: boolean): string => {
    let path = '';
    segments.forEach((seg, i) => {
      path = path ? `${path}.${seg}` : seg;
      const last = i === segments.length - 1;
      if (last && isArray) {
        const idx = (arrayIndex.get(path) ?? -1) + 1;
        arrayIndex.set(path, idx);
        path = `${path}.${idx}`;
      } else if (arrayIndex.has(path)) {
        path = `${path}.${arrayIndex.get(path)}`;
      }
    });
    return path;
  };

  text.split(/\r?\n/).forEach((line, index) => {
    const lineNo = index + 1;
    const trimmed = line.trim();
    if (value.inside) {
      const inInlineTable = value.inlineTables.length > 0 && value.depth === value.inlineTables.length;
      const keyMatch = inInlineTable ? /^((?:"[^"]*"|'[^']*'|[A-Za-z0-9_.-]+\s*)+?)\s*=/.exec(trimmed) : null;
      if (keyMatch) {
        const prefix = value.inlineTables[value.inlineTables.length - 1];
        const path = `${prefix}.${splitKey(keyMatch[1]).join('.')}`;
        lines.set(path, lineNo);
        value.scan(trimmed.slice(keyMatch[0].length), path);
      } else {
        value.scan(trimmed, null);
      }
      return;
    }
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const header = /^\[(\[)?\s*([^\]]+?)\s*\]\]?/.exec(trimmed);
    if (header) {
      table = tablePath(splitKey(header[2]), header[1] === '[');
      if (!lines.has(table)) lines.set(table, lineNo);
      return;
    }
    const keyMatch = /^((?:"[^"]*"|'[^']*'|[A-Za-z0-9_.-]+\s*)+?)\s*=/.exec(trimmed);
    if (!keyMatch) return;
    const path = [table, ...splitKey(keyMatch[1])].filter(Boolean).join('.');
    lines.set(path, lineNo);
    value.scan(trimmed.slice(keyMatch[0].length), path);
  });
  return lines;
}

/**
 * The line of `path`; else the first line inside it (a section known only through its tables,
 * as `input` of `[[input.cpu]]`); else the line of its nearest enclosing key or table.
 */
export function lineOf(lines: KeyLines, path: string): number | undefined {
  if (!lines.has(path)) {
    for (const [key, line] of lines) if (key.startsWith(`${path}.`)) return line;
  }
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const line = lines.get(p);
    if (line !== undefined) return line;
  }
  return undefined;
}
