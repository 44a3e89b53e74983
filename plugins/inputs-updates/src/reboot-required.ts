import { existsSync } from 'node:fs';
import { runCommand } from './run-command.js';

/**
 * Whether the host waits for a reboot to finish an update. Debian and Ubuntu: the file
 * update-notifier and unattended-upgrades create (`/var/run/reboot-required`). dnf-based
 * systems: `needs-restarting -r` (dnf-utils) exits 1 when a reboot is needed, 0 when not.
 * Undefined when neither can tell.
 */
export async function rebootRequired(manager: 'apt' | 'dnf', file: string, timeoutMs: number, signal: AbortSignal): Promise<boolean | undefined> {
  if (manager === 'apt') return existsSync(file);
  const run = await runCommand('needs-restarting', ['-r'], timeoutMs, signal);
  if (run.code === 0) return false;
  if (run.code === 1) return true;
  return undefined;
}
