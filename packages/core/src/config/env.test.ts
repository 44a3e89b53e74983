import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineInput } from '../index.js';
import { Registry } from '../registry.js';
import { substituteEnv } from './env.js';
import { ConfigErrors } from './errors.js';
import { loadConfig } from './load.js';
import { readSources } from './sources.js';

const env = { HOST: 'db.example', EMPTY: '', PORT: '5432', MULTI: 'a\nb' };
const text = (t: string) => substituteEnv(t, env).text;

describe("Telegraf's environment forms", () => {
  it.each([
    ['${HOST}', 'db.example'],
    ['$HOST', 'db.example'],
    ['$HOST:$PORT', 'db.example:5432'],
    ['${NOPE:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${HOST:-fallback}', 'db.example'],
    ['${NOPE-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${MULTI}', 'a b'],
    ['price: $$5', 'price: $5'],
    ['$${HOST}', '${HOST}'],
    ['$$HOST', '$HOST'],
    ['^/var/log/.*$', '^/var/log/.*$'],
    ['cost $ 5', 'cost $ 5'],
  ])('%s becomes %s', (input, expected) => {
    expect(text(`v = "${input}"`)).toBe(`v = "${expected}"`);
  });

  it('fails ${VAR:?message} when the variable is unset or empty, ${VAR?message} only when unset, naming it and the line', () => {
    const { problems } = substituteEnv('a = "${NOPE:?set NOPE to the API token}"\nb = "${EMPTY:?}"\nc = "${EMPTY?must exist}"\nd = "${NOPE?}"\n', env);
    expect(problems).toEqual([
      { line: 1, message: 'environment variable NOPE is not set: set NOPE to the API token' },
      { line: 2, message: 'environment variable EMPTY is empty' },
      { line: 4, message: 'environment variable NOPE is not set' },
    ]);
  });

  it('leaves comments alone, so a commented-out ${VAR:?…} asks for nothing', () => {
    const result = substituteEnv('# token = "${NOPE:?required}"\nurl = "http://x/#$HOST" # at $HOST\n', env);
    expect(result).toEqual({ text: '# token = "${NOPE:?required}"\nurl = "http://x/#db.example" # at $HOST\n', unset: [], problems: [] });
  });

  it('substitutes inside multi-line strings, whose # is no comment', () => {
    expect(text('body = """\n# $HOST\n"""\n')).toBe('body = """\n# db.example\n"""\n');
  });

  it('remembers unset variables without a default, with their lines', () => {
    expect(substituteEnv('a = 1\nurl = "http://${NOPE}:$ALSO_NOPE/"\n', env)).toEqual({
      text: 'a = 1\nurl = "http://:/"\n',
      unset: [
        { name: 'NOPE', line: 2 },
        { name: 'ALSO_NOPE', line: 2 },
      ],
      problems: [],
    });
  });
});

describe('environment variables in a config file', () => {
  const probe = defineInput<{ url: string; name: string; port: number }>({
    name: 'probe',
    description: 'x',
    sample: '',
    schema: {
      type: 'object',
      required: ['url', 'name'],
      properties: { url: { type: 'string', minLength: 1, description: 'where' }, name: { type: 'string', description: 'any text' }, port: { type: 'integer', default: 80, description: 'port' } },
    },
    create: () => ({ gather() {} }),
  });
  const registry = () => {
    const r = new Registry();
    r.add(probe, 'test');
    return r;
  };
  const dir = mkdtempSync(join(tmpdir(), 'vigil-env-'));

  async function errorsOf(config: string): Promise<string[]> {
    const path = join(dir, 'telegraf.conf');
    writeFileSync(path, config);
    try {
      await loadConfig(await readSources([path]), registry());
    } catch (err) {
      if (err instanceof ConfigErrors) return err.errors.map((e) => e.message.replace(dir + '/', ''));
      throw err;
    }
    throw new Error('expected the config to be rejected');
  }

  it('an unset variable in a required value names the variable, the file and the line', async () => {
    delete process.env.VIGIL_TEST_PROBE_URL;
    expect(await errorsOf('[[inputs.probe]]\n  name = "web"\n  url = "${VIGIL_TEST_PROBE_URL}"\n')).toEqual([
      'telegraf.conf:3: inputs.probe: option "url" must NOT have fewer than 1 characters (environment variable VIGIL_TEST_PROBE_URL is not set)',
    ]);
  });

  it('a required option an unset variable left empty is missing, even where "" would do', async () => {
    delete process.env.VIGIL_TEST_PROBE_NAME;
    expect(await errorsOf('[[inputs.probe]]\n  url = "x"\n  name = "${VIGIL_TEST_PROBE_NAME}"\n')).toEqual([
      'telegraf.conf:3: inputs.probe: option "name" is required, but environment variable VIGIL_TEST_PROBE_NAME is not set',
    ]);
  });

  it('an unset variable where a number goes names the variable at the TOML error', async () => {
    delete process.env.VIGIL_TEST_PROBE_PORT;
    const [error] = await errorsOf('[[inputs.probe]]\n  url = "x"\n  name = "web"\n  port = $VIGIL_TEST_PROBE_PORT\n');
    expect(error).toMatch(/^telegraf\.conf:4: TOML syntax error: .*\(environment variable VIGIL_TEST_PROBE_PORT is not set\)$/);
  });

  it('a ${VAR:?message} unset is one line per use, with the message', async () => {
    delete process.env.VIGIL_TEST_TOKEN_X;
    expect(await errorsOf('[[inputs.probe]]\n  name = "web"\n  url = "${VIGIL_TEST_TOKEN_X:?VIGIL_TEST_TOKEN_X must be set}"\n')).toEqual([
      'telegraf.conf:3: environment variable VIGIL_TEST_TOKEN_X is not set: VIGIL_TEST_TOKEN_X must be set',
    ]);
  });
});
