/**
 * Regular expressions from a config file. They are JavaScript syntax, plus what Telegraf and
 * RE2 users write out of habit: a leading `(?i)`, `(?s)` or `(?m)` becomes a flag and `(?P<name>`
 * a named group. Throws SyntaxError with the engine's reason when the pattern does not compile.
 */
export function compileConfigRegex(pattern: string, flags = ''): RegExp {
  let source = pattern;
  const leading = /^\(\?([ims]+)\)/.exec(source);
  if (leading) {
    source = source.slice(leading[0].length);
    for (const f of leading[1]) if (!flags.includes(f)) flags += f;
  }
  return new RegExp(source.replace(/\(\?P</g, '(?<'), flags);
}

/** Why a config regex does not compile, or undefined when it does. */
export function configRegexProblem(pattern: string): string | undefined {
  try {
    compileConfigRegex(pattern);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * A replacement in Go's `${1}` / `${name}` / `$1` style (Telegraf's) as JavaScript's
 * String.replace reads it: `${1}` → `$1`, `${name}` → `$<name>`; `$$` stays a literal `$`.
 */
export function configReplacement(replacement: string): string {
  return replacement.replace(/\$\$|\$\{(\w+)\}/g, (all, group: string | undefined) => {
    if (group === undefined) return all;
    if (!/^\d+$/.test(group)) return `$<${group}>`;
    // Two digits, so `${1}0` stays group 1 followed by "0".
    return group.length === 1 ? `$0${group}` : `$${group}`;
  });
}
