import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/**
 * Real input for a processor's `vigil test` run: a temporary folder for the config and a log
 * file, and an HTTP server on 127.0.0.1 answering "ok". Create one per test and remove it after.
 */
export class VigilTestFolder {
  private constructor(
    readonly dir: string,
    private readonly server: Server,
  ) {}

  static async create(): Promise<VigilTestFolder> {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new VigilTestFolder(mkdtempSync(join(tmpdir(), 'vigil-processor-')), server);
  }

  /** The log file `logInput` writes. */
  get logFile(): string {
    return join(this.dir, 'app.log');
  }

  /** Writes `lines` to the log file and returns the inputs.logs block reading it from the start. */
  logInput(lines: string[]): string {
    writeFileSync(this.logFile, lines.join('\n') + '\n');
    return `[[inputs.logs]]\n  files = ["${this.logFile}"]\n  initial_read_offset = "beginning"\n  path_tag = ""\n`;
  }

  /** An inputs.http block named "shop" checking the local server. */
  httpInput(): string {
    return `[[inputs.http]]\n  name = "shop"\n  url = "http://127.0.0.1:${(this.server.address() as AddressInfo).port}/"\n`;
  }

  /** The config file `vigilTest` writes. */
  get configFile(): string {
    return join(this.dir, 'vigil.toml');
  }

  /** Writes a config of the `[agent]` block (no hostname), `input` and `processors`, and runs `vigil test` on it. */
  vigilTest(cli: string, input: string, processors: string): Promise<VigilTestRun> {
    writeFileSync(this.configFile, `[agent]\n  omit_hostname = true\n${input}\n${processors}\n`);
    return runVigilTest(cli, this.configFile);
  }

  async remove(): Promise<void> {
    await new Promise<void>((resolve) => (this.server.closeAllConnections(), this.server.close(() => resolve())));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
