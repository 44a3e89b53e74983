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

describe('processors.filter through vigil test', () => {
  test('debug lines are dropped, the rest pass', async () => {
    const input = logInput(['{"level":"debug","msg":"cache probe"}', '{"level":"info","msg":"started"}', '{"level":"debug","msg":"cache hit"}', '{"level":"error","msg":"disk full","code":28}']);
    const { code, items } = await vigilTest(input, `[[processors.filter]]\n  drop = 'kind == "log" && level == "debug"'`);
    expect(code).toBe(0);
    expect(items.map((l) => l.replace(/,source="[^"]*"/, '').replace(/ \d+$/, ''))).toEqual(['logs level="info",message="started"', 'logs level="error",message="disk full",code=28']);
  });

  test('a condition that does not compile stops the start, naming its line', async () => {
    const { code, stderr } = await vigilTest(logInput(['x']), `[[processors.filter]]\n  pass = 'level =='`);
    expect(code).toBe(1);
    expect(stderr).toContain(`${join(dir, 'vigil.toml')}:9: processors.filter: option "pass": Unexpected token: EOF`);
  });
});
