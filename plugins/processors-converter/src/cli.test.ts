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

describe('processors.converter through vigil test', () => {
  test('a tag becomes an integer field and a field becomes a tag', async () => {
    const { code, items } = await vigilTest(httpInput(), `[[processors.converter]]\n  [processors.converter.tags]\n    integer = ["status_code"]\n  [processors.converter.fields]\n    tag = ["result_code"]`);
    expect(code).toBe(0);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatch(/^http_response,method=GET,name=shop,result=success,result_code=0,server=http:\/\/127\.0\.0\.1:\d+\/ response_time_ms=[\d.]+,http_response_code=200i,content_length=2i,up=1i,status_code=200i \d+$/);
  });

  test("a JSON log line's attributes are typed, moved to a tag and made its time", async () => {
    const { code, items } = await vigilTest(
      logInput(['{"msg":"request done","status":"503","method":"GET","sent_at":"1700000000"}']),
      `[[processors.converter]]\n  [processors.converter.fields]\n    integer = ["status"]\n    tag = ["method"]\n    timestamp = ["sent_at"]\n    timestamp_format = "unix"`,
    );
    expect(code).toBe(0);
    expect(items).toEqual([`logs,method=GET level="info",message="request done",source="${join(dir, 'app.log')}",status=503 1700000000000000000`]);
  });
});
