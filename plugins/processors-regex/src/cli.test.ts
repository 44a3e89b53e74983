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
