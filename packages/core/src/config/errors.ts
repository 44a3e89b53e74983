/** A user mistake in the configuration: shown as one line, `FILE:LINE: plugin: message`. */
export class ConfigError extends Error {
  constructor(
    readonly where: { file: string; line?: number },
    readonly plugin: string | undefined,
    readonly detail: string,
  ) {
    // Credentials in a URL a message quotes (an option value, a plugin's own check) stay hidden.
    const safe = detail.replace(/(\/\/[^\s/:@"']*:)[^\s/@"']+@/g, '$1***@');
    super(`${where.file}${where.line ? `:${where.line}` : ''}: ${plugin ? `${plugin}: ` : ''}${safe}`);
    this.name = 'ConfigError';
  }
}

/** Several config errors at once, so `vigil validate` can list them all. */
export class ConfigErrors extends Error {
  constructor(readonly errors: ConfigError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'ConfigErrors';
  }
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = above;
    }
  }
  return prev[b.length];
}

/** Longest text a message echoes from the config; a 1 MiB key must not become a 1 MiB line. */
const MAX_ECHOED = 80;

/** `text`, cut to a readable length ("…" and the full length mark the cut). */
export function cut(text: string): string {
  return text.length <= MAX_ECHOED ? text : `${text.slice(0, MAX_ECHOED)}… (${text.length} characters)`;
}

/** A value from the config as JSON, cut. */
export const echo = (value: unknown) => cut(JSON.stringify(value) ?? String(value));

/** A name from the config, quoted and cut. */
export const quoted = (name: string) => `"${cut(name)}"`;

/** ` (did you mean "interval"?)` when a known name is close enough, else ''. */
export function didYouMean(wrong: string, known: Iterable<string>): string {
  // No known name is this long; comparing a huge key with each would take seconds.
  if (wrong.length > MAX_ECHOED) return '';
  let best = '';
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(wrong.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

/**
 * Where a problem a plugin raised while being created belongs: the line of the option its
 * message starts with (`option "tls_ca": cannot read …`), else the plugin's table.
 */
export function whereOfProblem(pc: { where: { file: string; line?: number }; optionLines: Record<string, number | undefined> }, message: string): { file: string; line?: number } {
  const option = /^option "([^"]+)"/.exec(message)?.[1];
  const line = option ? pc.optionLines[option.split('.')[0]] : undefined;
  return line ? { file: pc.where.file, line } : pc.where;
}
