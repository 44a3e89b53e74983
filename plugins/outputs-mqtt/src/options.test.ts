import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOptions } from '@vigil/core/testing';
import { parse } from 'smol-toml';
import { parseServer } from './broker-address.js';
import mqtt from './index.js';
import { schema, type MqttOutputOptions } from './options.js';
import { reconnectDelayMs } from './reconnect-delay.js';

const problemsOf = (options: Record<string, unknown>): string => {
  try {
    checkOptions(mqtt, options);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
};

describe('outputs.mqtt configuration', () => {
  it('the sample `vigil config` prints loads as it stands, with the defaults', () => {
    const doc = parse(mqtt.sample) as { outputs: { mqtt: Record<string, unknown>[] } };
    expect(checkOptions<MqttOutputOptions>(mqtt, doc.outputs.mqtt[0])).toEqual({
      servers: ['tcp://127.0.0.1:1883'],
      protocol: '3.1.1',
      topic: 'vigil/{{ .Hostname }}/{{ .PluginName }}',
      topic_prefix: '',
      qos: 1,
      retain: false,
      layout: 'non-batch',
      batch: false,
      data_format: 'influx',
      keep_alive: 30_000,
      timeout: 5000,
      client_id: '',
      username: '',
      password: '',
      tls_ca: '',
      tls_cert: '',
      tls_key: '',
      insecure_skip_verify: false,
      will_topic: '',
      will_payload: 'offline',
      will_retain: true,
      online_topic: '',
      online_payload: 'online',
      offline_payload: 'offline',
    });
  });

  it('the sample shows every option at its default, commented out but for servers', () => {
    for (const [option, property] of Object.entries(schema.properties)) {
      const line = mqtt.sample.split('\n').find((l) => l.startsWith(`  # ${option} = `) || l.startsWith(`  ${option} = `));
      expect(line).toBeDefined();
      expect(line!.replace(/^ {2}(# )?/, '')).toBe(`${option} = ${JSON.stringify(property.default)}`);
    }
  });

  it("the README's options table has every option, with its default", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [option, property] of Object.entries(schema.properties)) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${option}\` |`));
      expect(row).toContain(`| \`${JSON.stringify(property.default)}\` |`);
    }
  });

  it("takes Telegraf's numbers: keep_alive in seconds, qos as an integer", () => {
    expect(checkOptions<MqttOutputOptions>(mqtt, { keep_alive: 60, qos: 2 })).toMatchObject({ keep_alive: 60_000, qos: 2 });
  });

  it('refuses what could never connect or publish, naming the option', () => {
    expect(problemsOf({ servers: [] })).toBe('option "servers": give at least one broker, e.g. ["tcp://127.0.0.1:1883"]');
    expect(problemsOf({ servers: ['http://broker:1883'] })).toBe('option "servers": "http://broker:1883": unknown scheme "http://"; use tcp://, mqtt://, ssl://, tls://, mqtts://, ws:// or wss://');
    expect(problemsOf({ servers: ['tcp://agent:hunter22@broker:1883'] })).toBe(
      'option "servers": "tcp://agent:***@broker:1883": credentials in a server address are not used; set "username" and "password"',
    );
    expect(problemsOf({ qos: 3 })).toMatch(/^option "qos"/);
    expect(problemsOf({ protocol: '3.1' })).toMatch(/^option "protocol"/);
    expect(problemsOf({ keep_alive: '1500ms' })).toBe('option "keep_alive" must be whole seconds, at most 65535s');
    expect(problemsOf({ timeout: '0s' })).toBe('option "timeout" must be longer than 0s');
    expect(problemsOf({ batch: true, layout: 'field' })).toBe('options "batch" and "layout" disagree: batch = true is layout = "batch", but layout is "field"; drop "batch"');
    expect(problemsOf({ password: 'p4ss' })).toBe('option "password" needs "username" with protocol = "3.1.1" (MQTT 5 allows a password alone)');
    expect(problemsOf({ password: 'p4ss', protocol: '5' })).toBe('');
  });

  it('refuses a topic template it does not understand, saying which forms it does', () => {
    expect(problemsOf({ topic: 'a/{{ .Field "x" }}' })).toBe(
      'option "topic": {{ .Field "x" }} is not supported here; use {{ .Hostname }}, {{ .PluginName }} (or {{ .Name }}), {{ .Tag "key" }} and {{ .TopicPrefix }}',
    );
    expect(problemsOf({ topic: 'a/{{ .Tag "host" | upper }}' })).toMatch(/^option "topic": \{\{ \.Tag "host" \| upper \}\} is not supported here/);
    expect(problemsOf({ topic: 'a/+/b' })).toBe('option "topic": "a/+/b" holds "+", which a topic name cannot (it is an MQTT wildcard)');
    expect(problemsOf({ topic: 'a/{{ .Hostname' })).toBe('option "topic": "a/{{ .Hostname" has a "{{" that is never closed');
    expect(problemsOf({ online_topic: 'fleet/{{ .PluginName }}' })).toBe('option "online_topic": {{ .PluginName }} is not supported here; use {{ .Hostname }} and {{ .TopicPrefix }}');
    expect(problemsOf({ will_topic: 'fleet/{{ .Tag "host" }}' })).toMatch(/^option "will_topic": \{\{ \.Tag "host" \}\} is not supported here/);
  });

  it('refuses a TLS file it cannot read, and a certificate without its key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-outputs-mqtt-options-'));
    try {
      expect(problemsOf({ tls_ca: join(dir, 'missing.pem') })).toBe(`option "tls_ca": cannot read ${join(dir, 'missing.pem')}: ENOENT`);
      writeFileSync(join(dir, 'cert.pem'), 'x');
      expect(problemsOf({ tls_cert: join(dir, 'cert.pem') })).toBe('options "tls_cert" and "tls_key" go together: set both or neither');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never shows the password, whatever is wrong with it', () => {
    expect(problemsOf({ username: 'agent', password: 12345 })).not.toContain('12345');
  });
});

describe('outputs.mqtt servers', () => {
  it.each([
    ['localhost:1883', 'tcp://localhost:1883', 'mqtt', 1883],
    ['broker', 'tcp://broker:1883', 'mqtt', 1883],
    ['mqtt://broker:1884', 'mqtt://broker:1884', 'mqtt', 1884],
    ['ssl://broker', 'ssl://broker:8883', 'mqtts', 8883],
    ['tls://broker:8884', 'tls://broker:8884', 'mqtts', 8884],
    ['mqtts://broker', 'mqtts://broker:8883', 'mqtts', 8883],
    ['ws://broker:8080/mqtt', 'ws://broker:8080/mqtt', 'ws', 8080],
    ['wss://broker', 'wss://broker:443', 'wss', 443],
    ['tcp://[::1]:1883', 'tcp://[::1]:1883', 'mqtt', 1883],
  ])('%s is %s', (written, shown, transport, port) => {
    expect(parseServer(written, false)).toMatchObject({ shown, transport, port });
  });

  it('with a TLS option set, plain servers go over TLS, as in Telegraf', () => {
    expect(parseServer('broker:1883', true)).toMatchObject({ shown: 'tls://broker:1883', transport: 'mqtts' });
    expect(parseServer('ws://broker:8080', true)).toMatchObject({ shown: 'wss://broker:8080', transport: 'wss' });
    expect(parseServer('tcp://[::1]:1883', true)).toMatchObject({ host: '::1' });
  });
});

describe('outputs.mqtt reconnect delays', () => {
  it('start at 0.5-1 s and double, random within each step, up to 15-30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((n) => reconnectDelayMs(n, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    expect([0, 1, 5, 20].map((n) => reconnectDelayMs(n, () => 0.999999))).toEqual([1000, 2000, 30000, 30000]);
  });
});
