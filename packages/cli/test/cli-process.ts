import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI; `npm test` builds before it runs the tests. */
export const CLI = fileURLToPath(new URL('../dist/main.js', import.meta.url));
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();

/** Kills whatever a failed test left running, so jest never waits on an orphan. */
export function killLeftovers(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export function startCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? REPO, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => (out.stdout += d));
  child.stderr!.on('data', (d) => (out.stderr += d));
  running.add(child);
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => {
      running.delete(child);
      resolve({ code, ...out });
    }),
  );
  return { child, out, done };
}

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** Resolves once `predicate` holds for the output so far; rejects after `ms`. */
export async function waitFor(out: { stdout: string; stderr: string }, predicate: (o: { stdout: string; stderr: string }) => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate(out)) {
    if (Date.now() > until) throw new Error(`timed out waiting; stderr so far:\n${out.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
