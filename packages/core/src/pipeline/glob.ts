/**
 * Telegraf's filter globs: `*` any run of characters, `?` one character, `[abc]`/`[!abc]` a
 * class, `{a,b}` alternatives. A list matches when any pattern does. Plain names are compared
 * with a Set, which is most filters and the fast path.
 */
export type Matcher = (value: string) => boolean;

/**
 * A glob as a regular expression source. With `paths`, `*` and `?` stop at '/' and `**`
 * crosses it (file patterns); without, `*` matches anything (names, as Telegraf filters do).
 */
export function globSource(glob: string, { paths = false } = {}): string {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (paths && glob[i + 1] === '*') {
        out += '.*';
        i++;
      } else out += paths ? '[^/]*' : '.*';
    } else if (c === '?') out += paths ? '[^/]' : '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        let cls = glob.slice(i + 1, end);
        if (cls.startsWith('!') || cls.startsWith('^')) cls = '^' + cls.slice(1);
        out += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += c.replace(/[.+^$()|\\\]{}]/g, '\\$&');
  }
  return out;
}

export function compileGlobs(patterns: readonly string[]): Matcher {
  const exact = new Set(patterns.filter((p) => !/[*?[{]/.test(p)));
  const globs = patterns.filter((p) => /[*?[{]/.test(p));
  if (globs.length === 0) return (v) => exact.has(v);
  // "prefix*" alone is the commonest glob; startsWith beats a regex.
  if (globs.length === 1 && /^[^*?[{]*\*$/.test(globs[0])) {
    const prefix = globs[0].slice(0, -1);
    return (v) => exact.has(v) || v.startsWith(prefix);
  }
  const re = new RegExp(`^(?:${globs.map((g) => globSource(g)).join('|')})$`, 's');
  return (v) => exact.has(v) || re.test(v);
}
