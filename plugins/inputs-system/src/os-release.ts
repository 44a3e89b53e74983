/** `ID` and `VERSION_ID` of /etc/os-release (or /usr/lib/os-release), unquoted. */
export function parseOsRelease(text: string): { id: string; versionId: string } {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) values.set(m[1], m[2].replace(/^(["'])(.*)\1$/, '$2'));
  }
  return { id: values.get('ID') ?? '', versionId: values.get('VERSION_ID') ?? '' };
}
