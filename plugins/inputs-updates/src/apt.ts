import { lastLine, runCommand } from './run-command.js';
import type { UpdateCounts } from './update-counts.js';

/**
 * `apt-get -s upgrade` (simulate: nothing is installed) prints one line per package it would
 * upgrade, with the origin and suite it comes from:
 *   Inst openssl [3.0.11-1~deb12u1] (3.0.11-1~deb12u2 Debian-Security:12/stable-security [amd64])
 * A package from a suite ending in "-security" is a security update.
 */
export function parseAptSimulation(text: string): { packages: string[]; security: string[] } {
  const packages: string[] = [];
  const security: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^Inst (\S+)(?: \[[^\]]*\])? \((\S+) ([^)]*)\)/.exec(line);
    if (!m) continue;
    packages.push(m[1]);
    const origins = m[3].replace(/\s*\[[^\]]*\]\s*$/, '');
    if (origins.split(/,\s*/).some((o) => /-security\b/i.test(o.split('/')[1] ?? o))) security.push(m[1]);
  }
  return { packages, security };
}

export async function aptUpdates(timeoutMs: number, signal: AbortSignal): Promise<UpdateCounts> {
  const run = await runCommand('apt-get', ['-s', '-q', 'upgrade'], timeoutMs, signal);
  if (run.failure) throw new Error(`apt-get -s upgrade: ${run.failure}`);
  if (run.code !== 0) throw new Error(`apt-get -s upgrade exited with ${run.code}: ${lastLine(run.stderr) || lastLine(run.stdout)}`);
  return parseAptSimulation(run.stdout);
}
