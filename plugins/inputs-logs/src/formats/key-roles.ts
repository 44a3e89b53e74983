/** What a key of a structured line (JSON, logfmt) stands for, when it is not an attribute. */
export type KeyRole = 'time' | 'level' | 'message';

/**
 * A lookup of the keys with a role. Keys are bucketed by length and compared directly: every
 * key of every line is looked up, and hashing each freshly cut key for a Map costs more.
 */
export function keyRoles(roles: Record<KeyRole, string[]>): (key: string) => KeyRole | undefined {
  const byLength: [string, KeyRole][][] = [];
  for (const [role, keys] of Object.entries(roles) as [KeyRole, string[]][]) {
    for (const key of keys) (byLength[key.length] ??= []).push([key, role]);
  }
  return (key) => {
    const candidates = byLength[key.length];
    if (candidates === undefined) return undefined;
    for (const [name, role] of candidates) if (name === key) return role;
    return undefined;
  };
}
