// What a user sees from `vigil test`: the built CLI (npm test builds it first) with the
// processor on real input.
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

describe('processors.dedup through vigil test', () => {
  test('a log line repeated straight after itself is dropped', async () => {
    const { code, items, stderr } = await vigilTest(
      logInput(['{"level":"error","msg":"disk full"}', '{"level":"error","msg":"disk full"}', '{"level":"error","msg":"disk ok"}', '{"level":"error","msg":"disk full"}']),
      `[[processors.dedup]]\n  dedup_interval = "1m"`,
    );
    expect(code).toBe(0);
    expect(items.map((l) => /message="([^"]*)"/.exec(l)?.[1])).toEqual(['disk full', 'disk ok', 'disk full']);
    expect(stderr).toMatch(/I! \[processors\.dedup\] dropped 1 item in the last \d+s: 1 repeating unchanged values/);
  });
});
