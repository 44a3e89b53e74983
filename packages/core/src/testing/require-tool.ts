import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where Debian puts programs; searched after $PATH, since an ordinary user's PATH lacks the sbin ones. */
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function isProgram(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The absolute path of `command`, which a test is about to run; throws one line naming the
 * Debian package that provides it when it is not installed, instead of a child process's stack
 * trace. `scripts/install-test-deps.sh` installs every such package.
 */
export function requireTool(command: string, debianPackage: string): string {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...SYSTEM_DIRS];
  for (const dir of dirs) {
    const path = join(dir, command);
    if (isProgram(path)) return path;
  }
  throw new Error(`this test needs "${command}": install the Debian package ${debianPackage} (sudo scripts/install-test-deps.sh installs all the tests use)`);
}
