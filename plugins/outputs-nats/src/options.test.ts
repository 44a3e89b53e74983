import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOptions } from '@vigil/core/testing';
import { parse } from 'smol-toml';
import nats from './index.js';
import { goDurationNanos, jetstreamSchema, schema, type NatsOutputOptions } from './options.js';

const problemsOf = (options: Record<string, unknown>): string => {
  try {
    checkOptions(nats, options);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
};

/** The sample with its jetstream table uncommented, as a user enabling it would. */
function sampleWithJetStream(): string {
  return nats.sample.replace(/^ {2}# \[outputs\.nats\.jetstream\]$/m, '  [outputs.nats.jetstream]').replace(/^ {4}# name = /m, '    name = ');
}

// Shown with an example value; their default is empty.
const SHOWN_BY_EXAMPLE = new Set(['credentials', 'nkey_seed', 'tls_ca', 'tls_cert', 'tls_key', 'jetstream', 'name']);

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'vigil-outputs-nats-options-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('outputs.nats configuration', () => {
  it("the sample `vigil config` prints loads as it stands, with Telegraf's defaults and core NATS", () => {
    const doc = parse(nats.sample) as { outputs: { nats: Record<string, unknown>[] } };
    expect(checkOptions<NatsOutputOptions>(nats, doc.outputs.nats[0])).toEqual({
      servers: ['nats://127.0.0.1:4222'],
      subject: 'telegraf',
      name: '',
      username: '',
      password: '',
      token: '',
      credentials: '',
      nkey_seed: '',
      secure: false,
      tls_ca: '',
      tls_cert: '',
      tls_key: '',
      insecure_skip_verify: false,
      data_format: 'influx',
      use_batch_format: false,
    });
  });

  it('the sample with its jetstream table uncommented loads with the defaults of the table', () => {
    const doc = parse(sampleWithJetStream()) as { outputs: { nats: Record<string, unknown>[] } };
    expect(checkOptions<NatsOutputOptions>(nats, doc.outputs.nats[0]).jetstream).toEqual({
      name: 'vigil',
      subjects: [],
      storage: 'file',
      retention: 'limits',
      max_age: '0s',
      max_bytes: -1,
      discard: 'old',
      duplicate_window: '2m',
      disable_stream_creation: false,
      async_publish: false,
      async_ack_timeout: 5000,
    });
  });

  it('the sample shows every option commented out, at its default', () => {
    const lines = nats.sample.split('\n');
    const check = (prefix: string, properties: Record<string, Record<string, unknown>>) => {
      for (const [option, property] of Object.entries(properties)) {
        const line = lines.find((l) => l.startsWith(`${prefix}# ${option} = `) || l.startsWith(`${prefix}${option} = `));
        expect([option, line !== undefined]).toEqual([option, true]);
        if (SHOWN_BY_EXAMPLE.has(option) && prefix === '  ') continue;
        if (option === 'name' && prefix === '    ') continue;
        expect(line!.replace(/^ +(# )?/, '')).toBe(`${option} = ${JSON.stringify(property.default)}`);
      }
    };
    check('  ', Object.fromEntries(Object.entries(schema.properties).filter(([o]) => o !== 'jetstream')));
    check('    ', jetstreamSchema.properties);
  });

  it("takes Telegraf's nanosecond integers in the jetstream table as it does", () => {
    expect(goDurationNanos(120000000000)).toBe(goDurationNanos('2m'));
    expect(goDurationNanos('30d')).toBe(30 * 86_400 * 1e9);
    expect(problemsOf({ jetstream: { name: 'S', max_age: 'forever' } })).toBe('option "jetstream.max_age" must be a duration such as "2m" or "30d" (or nanoseconds), got "forever"');
  });

  it("refuses Telegraf's stream options this output does not set, naming them", () => {
    expect(problemsOf({ jetstream: { name: 'S', max_msgs: 10 } })).toMatch(/option "jetstream.max_msgs" is not allowed/);
    expect(problemsOf({ jetstream: {} })).toBe('option "jetstream.name" is required');
    expect(problemsOf({ jetstream: { name: 'my.stream' } })).toBe('option "jetstream.name": "my.stream" cannot name a stream (no ".", "*", ">" or whitespace)');
  });

  it('refuses a template feature it does not have, and a template with use_batch_format', () => {
    expect(problemsOf({ subject: 'telegraf.{{ .Field }}' })).toMatch(/^option "subject": \{\{ \.Field \}\} is not supported/);
    expect(problemsOf({ subject: 'telegraf.{{ .Name }}', use_batch_format: true })).toBe(
      'option "use_batch_format": a batch holds many items, so its subject cannot come from a template; write a plain subject',
    );
  });

  it('refuses stream subjects that cannot take the subject when the stream is not to be changed', () => {
    expect(problemsOf({ subject: 'telegraf.{{ .Name }}', jetstream: { name: 'S', subjects: ['telegraf.cpu'], disable_stream_creation: true } })).toBe(
      'option "jetstream.subjects": none of them covers the subject "telegraf.*", and disable_stream_creation = true leaves the stream as it is',
    );
    expect(problemsOf({ subject: 'telegraf.{{ .Name }}', jetstream: { name: 'S', subjects: ['telegraf.>'], disable_stream_creation: true } })).toBe('');
  });

  it('refuses servers it cannot use, and credentials written into a server URL, blanking the password', () => {
    expect(problemsOf({ servers: ['http://127.0.0.1:4222'] })).toBe('option "servers": "http://127.0.0.1:4222" must be nats://, tls:// or host:port');
    expect(problemsOf({ servers: ['nats://agent:hunter22@127.0.0.1:4222'] })).toBe(
      'option "servers": "nats://agent:***@127.0.0.1:4222" holds credentials; set "username" and "password" (or "token") instead',
    );
    expect(problemsOf({ servers: [] })).toMatch(/^option "servers" must NOT have fewer than 1 items/);
    expect(problemsOf({ servers: ['10.0.0.5:4222', 'tls://nats.example.com:4222'] })).toBe('');
  });

  it('refuses half a username/password pair, and two ways to authenticate at once', () => {
    expect(problemsOf({ username: 'agent' })).toBe('options "username" and "password" go together: set both or neither');
    expect(problemsOf({ username: 'agent', password: 'pw', token: 'tok' })).toBe('options "username"/"password" and "token" are different ways to authenticate; keep one');
  });

  it('refuses credential and TLS files it cannot read or use, naming the option and the path, never the content', () => {
    const missing = join(dir, 'missing.creds');
    expect(problemsOf({ credentials: missing })).toBe(`option "credentials": cannot read ${missing}: ENOENT`);
    const notCreds = join(dir, 'not.creds');
    writeFileSync(notCreds, 'secret-looking-text\n');
    expect(problemsOf({ credentials: notCreds })).toBe(`option "credentials": ${notCreds} is not a NATS credentials file (it needs a user JWT and a user nkey seed)`);
    const notSeed = join(dir, 'seed.txt');
    writeFileSync(notSeed, 'SAAM-not-a-user-seed\n');
    expect(problemsOf({ nkey_seed: notSeed })).toBe(`option "nkey_seed": ${notSeed} holds no user nkey seed (a line starting with "SU")`);
    expect(problemsOf({ tls_cert: notSeed })).toBe('options "tls_cert" and "tls_key" go together: set both or neither');
    expect(problemsOf({ tls_ca: missing })).toBe(`option "tls_ca": cannot read ${missing}: ENOENT`);
  });
});
