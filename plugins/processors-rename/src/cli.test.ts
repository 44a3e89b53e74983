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
    expect(items.map((l) => l.replace(/ \d+$/, ''))).toEqual([`app level="info",message="web-01 GET /api 200",file="${folder.logFile}"`]);
  });
});
