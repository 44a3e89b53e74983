import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export type Manager = 'apt' | 'dnf';

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** "auto": apt where apt-get is on PATH (Debian, Ubuntu), else dnf (Fedora, RHEL 8+, Rocky, Alma). */
export function detectManager(): Manager | undefined {
  if (onPath('apt-get')) return 'apt';
  if (onPath('dnf')) return 'dnf';
  return undefined;
}
