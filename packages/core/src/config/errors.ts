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

/** ` (did you mean "interval"?)` when a known name is close enough, else ''. */
export function didYouMean(wrong: string, known: Iterable<string>): string {
  let best = '';
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(wrong.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? ` (did you mean "${best}"?)` : '';
}
