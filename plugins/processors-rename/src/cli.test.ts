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

describe('processors.rename through vigil test', () => {
  test('the measurement, a tag and a field of a real check come out renamed', async () => {
    const { code, items } = await vigilTest(
      httpInput(),
      `[[processors.rename]]\n  [[processors.rename.replace]]\n    measurement = "http_response"\n    dest = "site_check"\n  [[processors.rename.replace]]\n    tag = "server"\n    dest = "url"\n  [[processors.rename.replace]]\n    field = "response_time_ms"\n    dest = "rt_ms"`,
    );
    expect(code).toBe(0);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatch(/^site_check,method=GET,name=shop,result=success,status_code=200,url=http:\/\/127\.0\.0\.1:\d+\/ http_response_code=200i,content_length=2i,result_code=0i,up=1i,rt_ms=[\d.]+ \d+$/);
    expect(items[0]).not.toMatch(/response_time_ms|server=/);
  });

  test('a log record is renamed and its source moved into an attribute', async () => {
    const { code, items } = await vigilTest(
      logInput(['web-01 GET /api 200']),
      `[[processors.rename]]\n  [[processors.rename.replace]]\n    measurement = "logs"\n    dest = "app"\n  [[processors.rename.replace]]\n    field = "source"\n    dest = "file"`,
    );
    expect(code).toBe(0);
    expect(items.map((l) => l.replace(/ \d+$/, ''))).toEqual([`app level="info",message="web-01 GET /api 200",file="${join(dir, 'app.log')}"`]);
  });
});
