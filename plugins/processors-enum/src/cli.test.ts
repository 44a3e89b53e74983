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

describe('processors.enum through vigil test', () => {
  test('an integer status code is mapped, by its text, into a new field', async () => {
    const { code, items } = await vigilTest(
      httpInput(),
      `[[processors.enum]]\n  [[processors.enum.mapping]]\n    fields = ["http_response_code"]\n    dest = "status_class"\n    default = "other"\n    [processors.enum.mapping.value_mappings]\n      200 = "ok"\n      503 = "unavailable"`,
    );
    expect(code).toBe(0);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatch(/ response_time_ms=[\d.]+,http_response_code=200i,content_length=2i,result_code=0i,up=1i,status_class="ok" \d+$/);
  });

  test("a log record's level is mapped into a number attribute", async () => {
    const { code, items } = await vigilTest(
      logInput(['{"level":"warn","msg":"slow request"}', '{"level":"debug","msg":"probe"}']),
      `[[processors.enum]]\n  [[processors.enum.mapping]]\n    fields = ["level"]\n    dest = "severity_number"\n    [processors.enum.mapping.value_mappings]\n      warn = 13`,
    );
    expect(code).toBe(0);
    expect(items.map((l) => l.replace(/,source="[^"]*"/, '').replace(/ \d+$/, ''))).toEqual(['logs level="warn",message="slow request",severity_number=13', 'logs level="debug",message="probe"']);
  });
});
