import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineInput, defineOutput, readTlsFiles, TLS_CLIENT_SCHEMA_PROPERTIES, type TlsFileOptions } from '../index.js';
import { Agent } from '../agent/agent.js';
import { createEnvironment } from '../agent/environment.js';
import { Registry } from '../registry.js';
import { loadConfig } from './load.js';
import { readSources } from './sources.js';
import { ConfigErrors } from './errors.js';

const dummyInput = defineInput<{ url: string; timeout: number; headers: Record<string, string>; count: number }>({
  name: 'dummy',
  description: 'test input',
  sample: '[[inputs.dummy]]\n',
  schema: {
    type: 'object',
    required: ['url'],
    properties: {
      url: { type: 'string', description: 'where' },
      timeout: { duration: true, default: '5s', description: 'how long' },
      headers: { type: 'object', additionalProperties: { type: 'string' }, default: {}, secret: true, description: 'headers' },
      count: { type: 'integer', default: 1, description: 'how many' },
      codes: { anyOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer', minimum: 100 } }], description: 'one or several' },
    },
  },
  check: (o) => (o.count > 10 ? { option: 'count', message: 'option "count" must be at most 10' } : undefined),
  create: () => ({ gather() {} }),
});
const nullOutput = defineOutput({ name: 'null', description: 'x', sample: '', accepts: ['metric'], schema: { type: 'object', properties: {} }, create: () => ({ write() {} }) });

function registry(): Registry {
  const r = new Registry();
  r.add(dummyInput, 'test');
  r.add(nullOutput, 'test');
  return r;
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-load-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function load(text: string, name = 'vigil.toml') {
  const path = file(name, text);
  return loadConfig(await readSources([path]), registry());
}

async function errorsOf(text: string): Promise<string[]> {
  try {
    await load(text, 'bad.toml');
  } catch (err) {
    if (err instanceof ConfigErrors) return err.errors.map((e) => e.message.replace(dir + '/', ''));
    throw err;
  }
  throw new Error('expected the config to be rejected');
}

describe('config loading', () => {
  it('applies Telegraf defaults and turns durations into milliseconds', async () => {
    const config = await load('[agent]\n  interval = "1m30s"\n[[inputs.dummy]]\n  url = "http://x"\n');
    expect(config.agent).toMatchObject({ interval: 90_000, flush_interval: 10_000, metric_batch_size: 1000, metric_buffer_limit: 10000, round_interval: true });
    expect(config.inputs[0].options).toEqual({ url: 'http://x', timeout: 5000, headers: {}, count: 1 });
  });

  it('names the file, the line of the key and the nearest option for a misspelt option', async () => {
    expect(await errorsOf('[[inputs.dummy]]\n  url = "x"\n  intervall = "10s"\n')).toEqual([
      'bad.toml:3: inputs.dummy: option "intervall" is not allowed (did you mean "interval"?)',
    ]);
  });

  it('reports a wrong type, a bad duration and a missing option, each on its own line', async () => {
    const errors = await errorsOf('[[inputs.dummy]]\n  url = "x"\n  count = "3"\n\n[[inputs.dummy]]\n  timeout = "soon"\n');
    expect(errors).toEqual([
      'bad.toml:3: inputs.dummy: option "count" must be an integer, got string "3"',
      'bad.toml:5: inputs.dummy: option "url" is required',
      'bad.toml:6: inputs.dummy: option "timeout" must be a duration such as "10s", "1m" or "500ms", got string "soon"',
    ]);
  });

  it('for an option of several forms, reports the problem of the form that came closest', async () => {
    expect(await errorsOf('[[inputs.dummy]]\n  url = "x"\n  codes = [200, 42]\n')).toEqual(['bad.toml:3: inputs.dummy: option "codes.1" must be >= 100']);
  });

  it('never shows the value of a secret option, nor the password of a URL, in an error', async () => {
    const errors = await errorsOf('[[inputs.dummy]]\n  url = "x"\n  headers = "Bearer hunter2-secret"\n  count = "ftp://bob:S3cretPw2@h/"\n');
    expect(errors).toEqual([
      'bad.toml:3: inputs.dummy: option "headers" must be an object, got a value of another type',
      'bad.toml:4: inputs.dummy: option "count" must be an integer, got string "ftp://bob:***@h/"',
    ]);
  });

  it('rejects a zero interval, a duration no timer can hold, a bad glob and a plugins list that is not a list', async () => {
    expect(await errorsOf('[agent]\n  interval = "0s"\n  shutdown_timeout = "30d"\n  plugins = "ab"\n[[inputs.dummy]]\n  url = "x"\n  namepass = ["{a,b"]\n')).toEqual([
      'bad.toml:4: agent: option "plugins" must be an array, got string "ab"',
      'bad.toml:3: agent: option "shutdown_timeout" must be at most 24 days (the longest timer Node.js can set), got string "30d"',
      'bad.toml:2: agent: option "interval" must be more than 0s',
      'bad.toml:7: inputs.dummy: option "namepass" holds a glob that is not valid: ["{a,b"]',
    ]);
  });

  it('points a TOML syntax error at its line', async () => {
    const [error] = await errorsOf('[agent]\n  interval = "10s"\n  debug = tru\n');
    expect(error).toMatch(/^bad\.toml:3: TOML syntax error: /);
  });

  it('suggests the nearest plugin for an unknown one and the nearest section for an unknown table', async () => {
    expect(await errorsOf('[[inputs.dumy]]\n[agnt]\n')).toEqual([
      'bad.toml:2: unknown section "agnt" (did you mean "agent"?); expected one of agent, api, global_tags, inputs, processors, outputs',
      'bad.toml:1: inputs.dumy: unknown plugin (did you mean "dummy"?); `vigil plugins` lists those available',
    ]);
  });

  it('gives the line of a section known only through its tables, and of a plugin section that holds no tables', async () => {
    expect(await errorsOf('[agent]\n  interval = "10s"\n\n[[input.dummy]]\n  url = "x"\n')).toEqual([
      'bad.toml:4: unknown section "input" (did you mean "inputs"?); expected one of agent, api, global_tags, inputs, processors, outputs',
    ]);
    expect(await errorsOf('[agent]\n  interval = "10s"\n[[outputs]]\n  name = "null"\n')).toEqual(['bad.toml:3: "outputs" must hold tables such as [[outputs.name]], got an array']);
  });

  it('cuts what it echoes: a 1 MiB key is named by its start and its length', async () => {
    const key = 'k'.repeat(1 << 20);
    const errors = await errorsOf(`[[inputs.dummy]]\n  url = "x"\n  ${key} = 1\n`);
    expect(errors).toEqual([`bad.toml:3: inputs.dummy: option "${'k'.repeat(80)}… (1048576 characters)" is not allowed`]);
    const [long] = await errorsOf(`[[inputs.dummy]]\n  url = "x"\n  count = "${'v'.repeat(5000)}"\n`);
    expect(long).toBe(`bad.toml:3: inputs.dummy: option "count" must be an integer, got string "${'v'.repeat(79)}… (5002 characters)`);
  });

  it('names an alias as Telegraf does, "kind.name::alias"', async () => {
    const config = await load('[[inputs.dummy]]\n  url = "x"\n  alias = "mydocker"\n');
    expect(config.inputs[0].id).toBe('inputs.dummy::mydocker');
  });

  it('reports a file a plugin cannot read when created at the line of the option naming it', async () => {
    const tlsOutput = defineOutput<TlsFileOptions>({
      name: 'tls',
      description: 'reads its TLS files when created',
      sample: '',
      accepts: ['metric'],
      schema: { type: 'object', properties: { ...TLS_CLIENT_SCHEMA_PROPERTIES } },
      create: (ctx) => (readTlsFiles(ctx.options), { write() {} }),
    });
    const r = registry();
    r.add(tlsOutput, 'test');
    const config = await loadConfig(await readSources([file('tls.toml', `[[outputs.tls]]\n  alias = "secure"\n\n  tls_ca = "${dir}/missing-ca.pem"\n`)]), r);
    expect(() => new Agent(config, createEnvironment({ ...config.agent, quiet: true }))).toThrow(`${dir}/tls.toml:4: outputs.tls::secure: option "tls_ca": cannot read ${dir}/missing-ca.pem: ENOENT`);
  });

  it("reports a plugin's own check at the option's line", async () => {
    expect(await errorsOf('[[inputs.dummy]]\n  url = "x"\n  count = 11\n')).toEqual(['bad.toml:3: inputs.dummy: option "count" must be at most 10']);
  });

  it('substitutes ${VAR} and ${VAR:-default} and collects secret option values', async () => {
    process.env.VIGIL_TEST_TOKEN = 'tok-123456';
    const config = await load('[[inputs.dummy]]\n  url = "${VIGIL_TEST_URL:-http://fallback}"\n  headers = { Authorization = "Bearer ${VIGIL_TEST_TOKEN}" }\n');
    expect(config.inputs[0].options).toMatchObject({ url: 'http://fallback', headers: { Authorization: 'Bearer tok-123456' } });
    expect(config.secrets).toContain('Bearer tok-123456');
  });

  it('loads an inline table that spans several lines, as in the heartbeat spec', async () => {
    const config = await load('[[inputs.dummy]]\n  url = "x"\n  headers = {\n    Authorization = "Token abc"\n  }\n  count = 2\n');
    expect(config.inputs[0].options).toMatchObject({ headers: { Authorization: 'Token abc' }, count: 2 });
  });

  it('keeps plugins from every source in order, later [agent] keys winning, and lists sources by absolute path', async () => {
    const a = file('a.toml', '[agent]\n  interval = "5s"\n[[inputs.dummy]]\n  url = "a"\n');
    const b = file('b.toml', '[agent]\n  interval = "7s"\n[[inputs.dummy]]\n  url = "b"\n');
    const config = await loadConfig(await readSources([a, b]), registry());
    expect(config.agent.interval).toBe(7000);
    expect(config.inputs.map((i) => i.options.url)).toEqual(['a', 'b']);
    expect(config.sources).toEqual([a, b]);
  });

  it('separates common options from the plugin own ones', async () => {
    const config = await load('[[inputs.dummy]]\n  url = "x"\n  alias = "mine"\n  namepass = ["cpu*"]\n  fieldpass = ["usage_*"]\n  [inputs.dummy.tags]\n    env = "prod"\n');
    const [input] = config.inputs;
    expect(input.id).toBe('inputs.dummy::mine');
    expect(input.common).toEqual({ alias: 'mine', namepass: ['cpu*'], fieldinclude: ['usage_*'], tags: { env: 'prod' } });
    expect(input.options).not.toHaveProperty('alias');
  });
});
