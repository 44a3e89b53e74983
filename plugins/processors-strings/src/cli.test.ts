// What a user sees from `vigil test`: the built CLI (npm test builds it first) with the
// processor on real input.
import { fileURLToPath } from 'node:url';
import { VigilTestFolder } from '@vigil/core/testing';

const CLI = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));

let folder: VigilTestFolder;
beforeEach(async () => (folder = await VigilTestFolder.create()));
afterEach(() => folder.remove());
const logInput = (lines: string[]) => folder.logInput(lines);
const httpInput = () => folder.httpInput();
const vigilTest = (input: string, processors: string) => folder.vigilTest(CLI, input, processors);

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
