import { spawn } from 'node:child_process';

export interface VigilTestRun {
  code: number | null;
  /** The items `vigil test` printed: its "> " lines, without the "> ". */
  items: string[];
  stdout: string;
  stderr: string;
}

/**
 * Runs `vigil test --config <config>` as a child process with the CLI script at `cli` (vigil's
 * dist/main.js, or the installed package's bin), for tests of what a user sees from a plugin.
 */
export function runVigilTest(cli: string, config: string, testWaitSeconds = 1): Promise<VigilTestRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'test', '--config', config, '--test-wait', String(testWaitSeconds)]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, items: stdout.split('\n').filter((l) => l.startsWith('> ')).map((l) => l.slice(2)) }));
  });
}
