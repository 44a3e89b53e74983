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

describe('processors.regex through vigil test', () => {
  test('ids in log messages are replaced and the server tag of a check is cut to its host', async () => {
    const logs = await vigilTest(
      logInput(['GET /api/users/42/orders/7 200', 'GET /health 200']),
      `[[processors.regex]]\n  [[processors.regex.fields]]\n    key = "message"\n    pattern = '/\\d+'\n    replacement = "/:id"`,
    );
    expect(logs.code).toBe(0);
    expect(logs.items.map((l) => /message="([^"]*)"/.exec(l)?.[1])).toEqual(['GET /api/users/:id/orders/:id 200', 'GET /health 200']);
    const checks = await vigilTest(
      httpInput(),
      `[[processors.regex]]\n  [[processors.regex.tags]]\n    key = "server"\n    pattern = '^https?://(?P<host>[^:/]+).*$'\n    replacement = "$\${host}"\n    result_key = "host"`,
    );
    expect(checks.items).toHaveLength(1);
    expect(checks.items[0]).toMatch(/^http_response,host=127\.0\.0\.1,method=GET,name=shop,result=success,server=http:\/\/127\.0\.0\.1:\d+\/,status_code=200 /);
  });
});
