/**
 * Telegraf's environment substitution on the raw config text, before TOML parsing:
 *
 * - `$VAR`, `${VAR}`: the value; an unset variable becomes "" and is remembered, so an error
 *   about the option it fed can name it.
 * - `${VAR:-default}` (unset or empty), `${VAR-default}` (unset only): the default instead.
 * - `${VAR:?message}` (unset or empty), `${VAR?message}` (unset only): a config error.
 * - `$$`: a literal `$`. A `$` before anything else is kept as it is.
 *
 * Comments are left alone, so a commented-out `${TOKEN:?…}` asks for nothing. Substituted
 * values never span lines, so line numbers stay true.
 */
export interface UnsetVariable {
  name: string;
  line: number;
}

export interface EnvProblem {
  line: number;
  message: string;
}

export interface EnvSubstitution {
  text: string;
  /** Variables used without a default that were not set, with their lines. */
  unset: UnsetVariable[];
  /** `${VAR:?message}` forms whose variable was missing. */
  problems: EnvProblem[];
}

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const REFERENCE = new RegExp(`\\$(?:\\$|\\{(${NAME})(?:(:?[-?])([^}]*))?\\}|(${NAME}))`, 'g');

function substituteInCode(code: string, line: number, env: NodeJS.ProcessEnv, result: EnvSubstitution): string {
  return code.replace(REFERENCE, (whole, braced?: string, operator?: string, argument?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare)!;
    const value = env[name];
    const missing = value === undefined || (operator?.startsWith(':') === true && value === '');
    if (operator?.endsWith('?') && missing) {
      const why = value === undefined ? 'is not set' : 'is empty';
      result.problems.push({ line, message: `environment variable ${name} ${why}${argument ? `: ${argument}` : ''}` });
      return '';
    }
    if (operator?.endsWith('-') && missing) return oneLine(argument ?? '');
    if (value === undefined) {
      result.unset.push({ name, line });
      return '';
    }
    return oneLine(value);
  });
}

const oneLine = (s: string) => s.replace(/\r?\n/g, ' ');

/**
 * Splits one line into the part before a comment and the comment, given whether a multiline
 * string is open at its start; returns the multiline string open at its end.
 */
function splitComment(line: string, open: '"""' | "'''" | null): { code: string; comment: string; open: '"""' | "'''" | null } {
  let i = 0;
  while (i < line.length) {
    if (open) {
      const end = line.indexOf(open, i);
      if (end < 0) return { code: line, comment: '', open };
      i = end + 3;
      open = null;
      continue;
    }
    const c = line[i];
    if (c === '#') return { code: line.slice(0, i), comment: line.slice(i), open: null };
    if (line.startsWith('"""', i) || line.startsWith("'''", i)) {
      open = line.slice(i, i + 3) as '"""' | "'''";
      i += 3;
    } else if (c === '"' || c === "'") {
      i++;
      while (i < line.length && line[i] !== c) i += c === '"' && line[i] === '\\' ? 2 : 1;
      i++;
    } else i++;
  }
  return { code: line, comment: '', open };
}

export function substituteEnv(text: string, env: NodeJS.ProcessEnv = process.env): EnvSubstitution {
  const result: EnvSubstitution = { text: '', unset: [], problems: [] };
  let open: '"""' | "'''" | null = null;
  const lines = text.split('\n').map((line, index) => {
    const split = splitComment(line, open);
    open = split.open;
    return substituteInCode(split.code, index + 1, env, result) + split.comment;
  });
  result.text = lines.join('\n');
  return result;
}
