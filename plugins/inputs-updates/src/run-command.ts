import { execFile } from 'node:child_process';

export interface CommandResult {
  /** The exit code; undefined when the command could not be run (not installed). */
  code: number | undefined;
  stdout: string;
  stderr: string;
  /** Why it could not be run or was stopped: ENOENT, a timeout, the agent stopping. */
  failure?: string;
}

/**
 * Runs a package manager's command with the C locale (its output is parsed) and without a
 * shell. A non-zero exit is a result, not a failure: dnf check-update exits 100 when there
 * are updates.
 */
export function runCommand(file: string, args: string[], timeoutMs: number, signal: AbortSignal): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: timeoutMs, signal, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LANG: 'C', LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        if (!err) return resolve({ code: 0, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
        if (typeof e.code === 'number') return resolve({ code: e.code, stdout, stderr });
        const failure = e.code === 'ENOENT' ? 'not found on PATH' : e.name === 'AbortError' ? 'stopped: the agent is stopping' : e.killed ? `no result within ${timeoutMs / 1000}s (killed)` : e.message;
        resolve({ code: undefined, stdout, stderr, failure });
      },
    );
  });
}

/** The last non-empty line a failing command wrote to stderr, for an error message. */
export function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}
