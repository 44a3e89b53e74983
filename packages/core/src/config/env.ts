/**
 * Telegraf's environment substitution on the raw config text: `${VAR}` and `${VAR:-default}`
 * (the default also when VAR is set but empty). An unset variable without a default becomes
 * the empty string. Substituted values never span lines, so line numbers stay true.
 */
export function substituteEnv(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback?: string) => {
    const value = env[name];
    const chosen = value === undefined || (value === '' && fallback !== undefined) ? (fallback ?? '') : value;
    return chosen.replace(/\r?\n/g, ' ');
  });
}
