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
