import { parseDuration, redactUrlCredentials, tlsFileProblems, TLS_CLIENT_SCHEMA_PROPERTIES, type OptionProblem, type OptionsSchema, type TlsFileOptions } from '@vigil/core';
import { readAuthFile, AUTH_FILE_OPTIONS } from './auth-files.js';
import { SubjectTemplate, subjectCovers, subjectProblem } from './subject-template.js';

export type DataFormat = 'influx' | 'json';

export interface JetStreamOptions {
  name: string;
  subjects: string[];
  storage: 'file' | 'memory';
  retention: 'limits' | 'interest' | 'workqueue';
  /** A duration string, or Telegraf's integer nanoseconds; 0: no limit. */
  max_age: string | number;
  /** Bytes; -1: no limit. */
  max_bytes: number;
  discard: 'old' | 'new';
  /** A duration string, or Telegraf's integer nanoseconds. */
  duplicate_window: string | number;
  disable_stream_creation: boolean;
  async_publish: boolean;
  /** Milliseconds. */
  async_ack_timeout: number;
}

export interface NatsOutputOptions extends TlsFileOptions {
  servers: string[];
  subject: string;
  name: string;
  username: string;
  password: string;
  token: string;
  credentials: string;
  nkey_seed: string;
  secure: boolean;
  data_format: DataFormat;
  use_batch_format: boolean;
  jetstream?: JetStreamOptions;
}

/** Telegraf's jetstream table takes Go durations: a string, or an integer of nanoseconds. */
const GO_DURATION = { type: ['string', 'integer'], minimum: 0 };

export const jetstreamSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  description: 'Publish to a JetStream stream: a write succeeds once the stream has stored (acknowledged) every message.',
  properties: {
    name: { type: 'string', minLength: 1, description: 'The stream. Created when missing (unless `disable_stream_creation`), with the settings below. An existing stream is used as it is: its settings are never changed, but the subject is added to its subjects when none of them covers it (unless `disable_stream_creation`), taking the place of those it covers (a stream may not hold overlapping subjects).' },
    subjects: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: [],
      description: 'The subjects a stream this output creates listens on. The output\'s own subject is added when none of them covers it, templated tokens as `*` (`metrics.{{ .Tag "host" }}.{{ .Name }}` → `metrics.*.*`). Telegraf leaves a templated subject out; vigil adds its pattern.',
    },
    storage: { enum: ['file', 'memory'], default: 'file', description: '"file" (survives a server restart) or "memory", for a stream this output creates.' },
    retention: { enum: ['limits', 'interest', 'workqueue'], default: 'limits', description: 'When a created stream lets messages go: at its limits, once every consumer has them, or once one consumer acknowledged them.' },
    max_age: { ...GO_DURATION, default: '0s', description: 'Oldest message the stream keeps ("30d"); "0s": no limit. An integer is nanoseconds, as in Telegraf.' },
    max_bytes: { anyOf: [{ type: 'integer', minimum: -1 }, { type: 'string', size: true }], default: -1, description: 'Most bytes the stream keeps ("10GiB", or bytes); -1: no limit.' },
    discard: { enum: ['old', 'new'], default: 'old', description: 'At a limit, a created stream drops its oldest messages (`"old"`) or refuses new ones (`"new"`: writes are then retried until there is room).' },
    duplicate_window: {
      ...GO_DURATION,
      default: '2m',
      description: 'How long a created stream remembers message ids. A message sent again within it is stored once. Make it longer than an agent may stay down with a batch in flight (see [Guarantees](#guarantees)).',
    },
    disable_stream_creation: { type: 'boolean', default: false, description: 'Never create or change the stream: it is managed elsewhere (`nats stream add`). A missing stream is warned about at connect, and writes whose subject no stream captures are rejected.' },
    async_publish: { type: 'boolean', default: false, description: '`false`: each message is published once the previous one was acknowledged. `true`: the whole batch is published at once, then every acknowledgement is awaited (about 3 times the throughput; see [Performance](#performance)). The stream stores them in the order sent either way.' },
    async_ack_timeout: { duration: true, default: '5s', description: 'How long to wait for the acknowledgements of a batch (`async_publish = true`), or for each one (`false`). Past it the write is retried.' },
  },
};

export const schema: OptionsSchema = {
  type: 'object',
  properties: {
    servers: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      minItems: 1,
      default: ['nats://127.0.0.1:4222'],
      description: 'Servers as `nats://host:port`, `tls://host:port` or `host:port`. The client connects to one (the order is shuffled, as NATS clients do) and fails over to the others, and to the servers of the cluster it learns from them. Credentials in a URL are refused: use `username`/`password` or `token`.',
    },
    subject: {
      type: 'string',
      minLength: 1,
      default: 'telegraf',
      description: 'Subject each message is published to: text, or a template with {{ .Name }} and {{ .Tag "key" }}.',
    },
    name: { type: 'string', default: '', description: 'The client name the server shows for this connection (in `/connz`, in its logs). `""`: `vigil@<hostname>`, so a fleet\'s connections can be told apart.' },
    username: { type: 'string', default: '', secret: true, description: 'User name (with `password`).' },
    password: { type: 'string', default: '', secret: true, description: 'Password (with `username`).' },
    token: { type: 'string', default: '', secret: true, description: 'An authentication token (server `authorization { token: … }`). Secret.' },
    credentials: { type: 'string', default: '', description: 'A NATS 2.0 credentials file (`.creds`: a user JWT and its nkey seed), for servers in operator/JWT mode.' },
    nkey_seed: { type: 'string', default: '', description: 'A file holding a user nkey seed (a line starting with `SU`), for servers that list users by nkey.' },
    secure: { type: 'boolean', default: false, description: 'Require TLS. TLS is also required when a `tls_*` option, `insecure_skip_verify` or a `tls://` server is set; without any, TLS is used when the server offers it.' },
    ...TLS_CLIENT_SCHEMA_PROPERTIES,
    data_format: { enum: ['influx', 'json'], default: 'influx', description: '"influx": line protocol; "json": the JSON form of outputs.file.' },
    use_batch_format: { type: 'boolean', default: false, description: 'One message per batch instead of one per item (the subject must then be plain text).' },
    jetstream: jetstreamSchema,
  },
};

/** A Go duration of the jetstream table in nanoseconds; undefined when unreadable. */
export function goDurationNanos(value: string | number): number | undefined {
  if (typeof value === 'number') return value;
  const ms = parseDuration(value);
  return ms === undefined ? undefined : Math.round(ms * 1e6);
}

function serverProblem(server: string): OptionProblem | undefined {
  const shown = JSON.stringify(redactUrlCredentials(server));
  if (/\s/.test(server)) return { option: 'servers', message: `option "servers": ${shown} has whitespace` };
  if (!server.includes('://')) return undefined;
  let protocol: string;
  try {
    protocol = new URL(server).protocol;
  } catch {
    return { option: 'servers', message: `option "servers": ${shown} is not a URL` };
  }
  if (protocol !== 'nats:' && protocol !== 'tls:') return { option: 'servers', message: `option "servers": ${shown} must be nats://, tls:// or host:port` };
  const { username, password } = new URL(server);
  if (username || password) return { option: 'servers', message: `option "servers": ${shown} holds credentials; set "username" and "password" (or "token") instead` };
  return undefined;
}

function authProblems(o: NatsOutputOptions): OptionProblem[] {
  const problems: OptionProblem[] = [];
  if (Boolean(o.username) !== Boolean(o.password)) {
    problems.push({ option: o.username ? 'password' : 'username', message: 'options "username" and "password" go together: set both or neither' });
  }
  const ways = [o.username || o.password ? '"username"/"password"' : '', o.token ? '"token"' : '', o.credentials ? '"credentials"' : '', o.nkey_seed ? '"nkey_seed"' : ''].filter(Boolean);
  if (ways.length > 1) problems.push({ option: o.token ? 'token' : 'credentials', message: `options ${ways.join(' and ')} are different ways to authenticate; keep one` });
  for (const option of AUTH_FILE_OPTIONS) {
    try {
      readAuthFile(option, o[option]);
    } catch (err) {
      problems.push({ option, message: (err as Error).message });
    }
  }
  return problems;
}

function jetstreamProblems(js: JetStreamOptions, subject: SubjectTemplate | undefined): OptionProblem[] {
  const problems: OptionProblem[] = [];
  if (subjectProblem(js.name) || js.name.includes('.')) {
    problems.push({ option: 'jetstream.name', message: `option "jetstream.name": ${JSON.stringify(js.name)} cannot name a stream (no ".", "*", ">" or whitespace)` });
  }
  for (const s of js.subjects) {
    const problem = subjectProblem(s, true);
    if (problem) problems.push({ option: 'jetstream.subjects', message: `option "jetstream.subjects": ${JSON.stringify(s)} ${problem}` });
  }
  for (const option of ['max_age', 'duplicate_window'] as const) {
    if (goDurationNanos(js[option]) === undefined) {
      problems.push({ option: `jetstream.${option}`, message: `option "jetstream.${option}" must be a duration such as "2m" or "30d" (or nanoseconds), got ${JSON.stringify(js[option])}` });
    }
  }
  if (js.async_ack_timeout <= 0) problems.push({ option: 'jetstream.async_ack_timeout', message: 'option "jetstream.async_ack_timeout" must be longer than 0s' });
  if (subject && js.disable_stream_creation && js.subjects.length > 0 && !js.subjects.some((s) => subjectCovers(s, subject.pattern))) {
    problems.push({
      option: 'jetstream.subjects',
      message: `option "jetstream.subjects": none of them covers the subject ${JSON.stringify(subject.pattern)}, and disable_stream_creation = true leaves the stream as it is`,
    });
  }
  return problems;
}

/** The problems the schema cannot see: the subject template, servers, auth and TLS files, conflicts. */
export function checkNatsOutputOptions(o: NatsOutputOptions): OptionProblem[] {
  const problems: OptionProblem[] = [];
  for (const server of o.servers) {
    const problem = serverProblem(server);
    if (problem) problems.push(problem);
  }
  let subject: SubjectTemplate | undefined;
  try {
    subject = SubjectTemplate.parse(o.subject);
  } catch (err) {
    problems.push({ option: 'subject', message: `option "subject": ${(err as Error).message}` });
  }
  if (subject && !subject.isStatic && o.use_batch_format) {
    problems.push({ option: 'use_batch_format', message: 'option "use_batch_format": a batch holds many items, so its subject cannot come from a template; write a plain subject' });
  }
  problems.push(...authProblems(o));
  problems.push(...tlsFileProblems(o));
  if (o.jetstream) problems.push(...jetstreamProblems(o.jetstream, subject));
  return problems;
}
