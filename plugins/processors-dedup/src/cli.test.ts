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
