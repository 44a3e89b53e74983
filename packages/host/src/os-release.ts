/** `ID` and `VERSION_ID` of /etc/os-release (or /usr/lib/os-release), unquoted. */
export function parseOsRelease(text: string): { id: string; versionId: string } {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) values.set(m[1], m[2].replace(/^(["'])(.*)\1$/, '$2'));
  }
  return { id: values.get('ID') ?? '', versionId: values.get('VERSION_ID') ?? '' };
}

/**
 * The distribution family: the first ID_LIKE entry (ubuntu → debian, rocky → rhel), else ID
 * itself (debian, fedora, alpine are their own family).
 */
export function osFamily(text: string): string {
  const value = (key: string) => new RegExp(`^${key}=(["']?)(.*)\\1$`, 'm').exec(text)?.[2].trim() ?? '';
  return value('ID_LIKE').split(/\s+/)[0] || value('ID');
}
