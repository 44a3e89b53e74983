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
    expect(items).toEqual([`logs,method=GET level="info",message="request done",source="${folder.logFile}",status=503 1700000000000000000`]);
  });
});
