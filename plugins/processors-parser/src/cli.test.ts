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

describe('processors.parser through vigil test', () => {
  test('a JSON message inside a plain log line becomes attributes and a tag', async () => {
    const input = logInput(['{"status":503,"path":"/api/orders","region":"eu","user":{"id":42}}']);
    const { code, items } = await vigilTest(
      input.replace('initial_read_offset', 'format = "plain"\n  initial_read_offset'),
      `[[processors.parser]]\n  parse_fields = ["message"]\n  merge = "override"\n  data_format = "json"\n  json_string_fields = ["path"]\n  tag_keys = ["region"]`,
    );
    expect(code).toBe(0);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatch(/^logs,region=eu level="info",message="\{\\"status\\":503,.*\}",source="[^"]+",status=503,path="\/api\/orders",user_id=42 \d+$/);
  });

  test('line protocol in a log file becomes metrics with their own time', async () => {
    const input = logInput(['cpu,host=web-01 usage_idle=97.5,procs=12i 1700000000000000000', 'not line protocol']);
    const { code, items, stderr } = await vigilTest(input, `[[processors.parser]]\n  parse_fields = ["message"]\n  drop_original = true\n  data_format = "influx"`);
    expect(code).toBe(0);
    expect(items).toEqual(['cpu,host=web-01 usage_idle=97.5,procs=12i 1700000000000000000']);
    expect(stderr).toMatch(/W! \[processors\.parser\] could not parse field "message": line protocol: /);
  });
});
