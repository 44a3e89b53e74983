// What a user sees from `vigil test`: the built CLI (npm test builds it first) with the
// processor on real input.
import { fileURLToPath } from 'node:url';
import { VigilTestFolder } from '@vigil/core/testing';

const CLI = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));

let folder: VigilTestFolder;
beforeEach(async () => (folder = await VigilTestFolder.create()));
afterEach(() => folder.remove());
const logInput = (lines: string[]) => folder.logInput(lines);
const vigilTest = (input: string, processors: string) => folder.vigilTest(CLI, input, processors);

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
    expect(stderr).toContain(`${folder.configFile}:9: processors.filter: option "pass": Unexpected token: EOF`);
  });
});
