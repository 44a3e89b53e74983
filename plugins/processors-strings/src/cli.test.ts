// What a user sees from `vigil test`: the built CLI (npm test builds it first) with the
// processor on real input.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runVigilTest, type VigilTestRun } from '@vigil/core/testing';

const CLI = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vigil-processor-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `lines` to a log file and returns the inputs.logs block that reads it from the start. */
function logInput(lines: string[]): string {
  const log = join(dir, 'app.log');
  writeFileSync(log, lines.join('\n') + '\n');
  return `[[inputs.logs]]\n  files = ["${log}"]\n  initial_read_offset = "beginning"\n  path_tag = ""\n`;
}

/** Runs `vigil test` and returns the items it printed ("> " lines, without the "> "). */
function vigilTest(input: string, processors: string): Promise<VigilTestRun> {
  const config = join(dir, 'vigil.toml');
  writeFileSync(config, `[agent]\n  omit_hostname = true\n${input}\n${processors}\n`);
  return runVigilTest(CLI, config);
}

let server: Server;
beforeEach(async () => {
  server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** An inputs.http block checking the local server. */
function httpInput(): string {
  return `[[inputs.http]]\n  name = "shop"\n  url = "http://127.0.0.1:${(server.address() as AddressInfo).port}/"\n`;
}

describe('processors.strings through vigil test', () => {
  test('log messages are trimmed and shortened, and a tag of a check lowercased', async () => {
    const logs = await vigilTest(
      logInput(['   padded message that goes on and on   ']),
      `[[processors.strings]]\n  [[processors.strings.trim]]\n    field = "message"\n  [[processors.strings.left]]\n    field = "message"\n    width = 14`,
    );
    expect(logs.code).toBe(0);
    expect(logs.items.map((l) => /message="([^"]*)"/.exec(l)?.[1])).toEqual(['padded message']);
    const checks = await vigilTest(httpInput(), `[[processors.strings]]\n  [[processors.strings.lowercase]]\n    tag = "method"\n  [[processors.strings.replace]]\n    measurement = "*"\n    old = "_"\n    new = "-"`);
    expect(checks.items[0]).toMatch(/^http-response,method=get,name=shop,/);
  });
});
