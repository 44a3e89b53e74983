import { lastLine, runCommand } from './run-command.js';
import type { UpdateCounts } from './update-counts.js';

/** The name of "openssl-libs.x86_64" or of an NEVRA "openssl-libs-1:3.0.7-27.el9.x86_64". */
function packageName(text: string, nevra: boolean): string {
  const withoutArch = text.replace(/\.[^.]+$/, '');
  return nevra ? withoutArch.replace(/-[^-]+-[^-]+$/, '') : withoutArch;
}

/**
 * `dnf check-update` lists one "name.arch  version  repository" line per pending update (and
 * exits 100 when there are some); a section "Obsoleting Packages" that may follow repeats them.
 */
export function parseCheckUpdate(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    if (/^Obsoleting Packages/i.test(line)) break;
    const m = /^(\S+\.\S+)\s+\S+\s+\S+\s*$/.exec(line);
    if (m) names.push(packageName(m[1], false));
  }
  return [...new Set(names)];
}

/** `dnf updateinfo list --security` lists "ADVISORY  Severity/Sec.  package-NEVRA" lines. */
export function parseSecurityList(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\S+\s+\S+\s+(\S+-\S+-\S+\.\S+)\s*$/.exec(line);
    if (m) names.push(packageName(m[1], true));
  }
  return [...new Set(names)];
}

export async function dnfUpdates(timeoutMs: number, signal: AbortSignal): Promise<UpdateCounts> {
  const check = await runCommand('dnf', ['-q', 'check-update'], timeoutMs, signal);
  if (check.failure) throw new Error(`dnf check-update: ${check.failure}`);
  if (check.code !== 0 && check.code !== 100) throw new Error(`dnf check-update exited with ${check.code}: ${lastLine(check.stderr)}`);
  const packages = check.code === 100 ? parseCheckUpdate(check.stdout) : [];
  const info = await runCommand('dnf', ['-q', 'updateinfo', 'list', '--security'], timeoutMs, signal);
  if (info.failure) throw new Error(`dnf updateinfo list --security: ${info.failure}`);
  if (info.code !== 0) throw new Error(`dnf updateinfo list --security exited with ${info.code}: ${lastLine(info.stderr)}`);
  return { packages, security: parseSecurityList(info.stdout) };
}
