import { tlsFileProblems, TLS_CLIENT_SCHEMA_PROPERTIES, type OptionProblem, type OptionsSchema, type TlsFileOptions } from '@vigil/core';
import { parseServer } from './broker-address.js';
import { AGENT_FIELDS, parseTopicTemplate, type TopicField } from './topic-template.js';

export type DataFormat = 'influx' | 'json';
export type Layout = 'non-batch' | 'batch' | 'field';
export type Qos = 0 | 1 | 2;

export interface MqttOutputOptions extends TlsFileOptions {
  servers: string[];
  protocol: '3.1.1' | '5';
  topic: string;
  topic_prefix: string;
  qos: Qos;
  retain: boolean;
  layout: Layout;
  batch: boolean;
  data_format: DataFormat;
  /** Milliseconds (whole seconds); 0: no keep-alive pings. */
  keep_alive: number;
  /** Milliseconds. */
  timeout: number;
  client_id: string;
  username: string;
  password: string;
  will_topic: string;
  will_payload: string;
  will_retain: boolean;
  online_topic: string;
  online_payload: string;
  offline_payload: string;
}

/** The topic used unless `topic` is set; with `topic_prefix` set instead, Telegraf's older form. */
export const DEFAULT_TOPIC = 'vigil/{{ .Hostname }}/{{ .PluginName }}';
const PREFIX_TOPIC = '{{ .TopicPrefix }}/{{ .Hostname }}/{{ .PluginName }}';

export const schema: OptionsSchema = {
  type: 'object',
  properties: {
    servers: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: ['tcp://127.0.0.1:1883'],
      description: 'Brokers, tried in order: "host:port", tcp://, mqtt://, ssl://, tls://, mqtts://, ws:// or wss://.',
    },
    protocol: { enum: ['3.1.1', '5'], default: '3.1.1', description: 'MQTT version. `"5"` is needed for the broker to say why it refuses a message, and gives its limits (Receive Maximum, Maximum Packet Size).' },
    topic: {
      type: 'string',
      minLength: 1,
      default: DEFAULT_TOPIC,
      description: 'Topic template: {{ .Hostname }} (the host tag), {{ .PluginName }} or {{ .Name }}, {{ .Tag "key" }}, {{ .TopicPrefix }}; empty levels are left out.',
    },
    topic_prefix: { type: 'string', default: '', description: 'Telegraf\'s older option: when set and `topic` is left at its default, the topic is `<topic_prefix>/{{ .Hostname }}/{{ .PluginName }}`. Also `{{ .TopicPrefix }}` in any template.' },
    qos: { enum: [0, 1, 2], default: 1, description: 'QoS of every data message (see [What a write means](#what-a-write-means)). Telegraf\'s code defaults to 0 (its sample shows 2); vigil\'s 1 means a written batch is one the broker has.' },
    retain: { type: 'boolean', default: false, description: 'Publish every message retained: the broker keeps the last one per topic for new subscribers.' },
    layout: { enum: ['non-batch', 'batch', 'field'], default: 'non-batch', description: '"non-batch": a message per item; "batch": a message per topic per write; "field": a message per field.' },
    batch: { type: 'boolean', default: false, description: 'Telegraf\'s older option: true is layout = "batch".' },
    data_format: { enum: ['influx', 'json'], default: 'influx', description: '"influx" (line protocol) or "json"; the "field" layout sends bare values.' },
    keep_alive: { duration: true, default: '30s', description: 'The longest silence before the client pings the broker; the broker drops a client silent for 1.5 times this, and publishes its will. `"0s"` turns pings off: a dead connection is then noticed only when a write fails, and mosquitto 2.0.12 and later refuse it ("client id rejected"). Telegraf\'s number of seconds (`keep_alive = 30`) works too.' },
    timeout: { duration: true, default: '5s', description: 'How long a connection attempt (up to the broker\'s CONNACK) and the acknowledgements of one write may take. Past it, the write is retried and the connection made anew. The agent\'s own bound on a write is this plus 1 s.' },
    client_id: { type: 'string', default: '', description: 'The MQTT client id. `""` derives `vigil-` and 12 hex digits from the host name and the output\'s alias (or `outputs.mqtt`): the same at every start of the same agent, different for two outputs of one agent.' },
    username: { type: 'string', default: '', secret: true, description: 'User name. Secret, as in Telegraf: never logged or shown.' },
    password: { type: 'string', default: '', secret: true, description: 'Password. Secret. With MQTT 3.1.1 it needs `username`.' },
    ...TLS_CLIENT_SCHEMA_PROPERTIES,
    will_topic: { type: 'string', default: '', description: 'Topic of the last will the broker publishes when the agent vanishes; "" uses online_topic (none when that is "" too).' },
    will_payload: { type: 'string', default: 'offline', description: 'Payload of the last will.' },
    will_retain: { type: 'boolean', default: true, description: 'Whether the will is retained (it then replaces the retained `online`). With a `will_topic` of its own and no online message, set it to `false`, or the retained will stays after the agent is back.' },
    online_topic: { type: 'string', default: '', description: 'Topic of the retained message published at every connect; `""`: none. `{{ .Hostname }}` (the agent\'s host name) and `{{ .TopicPrefix }}` may be used.' },
    online_payload: { type: 'string', default: 'online', description: 'Payload of the online message.' },
    offline_payload: { type: 'string', default: 'offline', description: 'Published retained to `online_topic` at a clean stop, replacing `online`. `""` clears the retained message instead (a retained empty message deletes it).' },
  },
};

/** The topic template in force: `topic`, or Telegraf's prefix form when only `topic_prefix` is set. */
export function topicTemplateOf(o: Pick<MqttOutputOptions, 'topic' | 'topic_prefix'>): string {
  return o.topic === DEFAULT_TOPIC && o.topic_prefix !== '' ? PREFIX_TOPIC : o.topic;
}

/** `batch = true` (Telegraf's older option) is the batch layout. */
export function layoutOf(o: Pick<MqttOutputOptions, 'layout' | 'batch'>): Layout {
  return o.batch ? 'batch' : o.layout;
}

/** Whether any TLS option is set: then, as in Telegraf, plain servers are reached over TLS. */
export function wantsTls(o: Pick<MqttOutputOptions, 'tls_ca' | 'tls_cert' | 'tls_key' | 'insecure_skip_verify'>): boolean {
  return o.tls_ca !== '' || o.tls_cert !== '' || o.tls_key !== '' || o.insecure_skip_verify;
}

/** The topic of the last will: `will_topic`, or the online topic. */
export function willTopicOf(o: Pick<MqttOutputOptions, 'will_topic' | 'online_topic'>): string {
  return o.will_topic || o.online_topic;
}

function templateProblem(option: string, template: string, fields?: readonly TopicField[]): OptionProblem | undefined {
  try {
    parseTopicTemplate(template, fields);
    return undefined;
  } catch (err) {
    return { option, message: `option "${option}": ${(err as Error).message}` };
  }
}

const MAX_KEEP_ALIVE_S = 65_535;

/** The problems the schema cannot see: servers, templates, TLS files, conflicting options. */
export function checkMqttOutputOptions(o: MqttOutputOptions): OptionProblem[] {
  const problems: (OptionProblem | undefined)[] = [];
  if (o.servers.length === 0) problems.push({ option: 'servers', message: 'option "servers": give at least one broker, e.g. ["tcp://127.0.0.1:1883"]' });
  for (const server of o.servers) {
    try {
      parseServer(server, false);
    } catch (err) {
      problems.push({ option: 'servers', message: `option "servers": ${(err as Error).message}` });
    }
  }
  problems.push(templateProblem('topic', topicTemplateOf(o)));
  if (o.online_topic) problems.push(templateProblem('online_topic', o.online_topic, AGENT_FIELDS));
  if (o.will_topic) problems.push(templateProblem('will_topic', o.will_topic, AGENT_FIELDS));
  if (o.batch && o.layout !== 'non-batch' && o.layout !== 'batch') {
    problems.push({ option: 'batch', message: `options "batch" and "layout" disagree: batch = true is layout = "batch", but layout is "${o.layout}"; drop "batch"` });
  }
  if (o.timeout <= 0) problems.push({ option: 'timeout', message: 'option "timeout" must be longer than 0s' });
  if (o.keep_alive % 1000 !== 0 || o.keep_alive > MAX_KEEP_ALIVE_S * 1000) {
    problems.push({ option: 'keep_alive', message: `option "keep_alive" must be whole seconds, at most ${MAX_KEEP_ALIVE_S}s` });
  }
  if (Buffer.byteLength(o.client_id) > 65_535) problems.push({ option: 'client_id', message: 'option "client_id" is longer than MQTT allows (65535 bytes)' });
  if (o.password && !o.username && o.protocol === '3.1.1') {
    problems.push({ option: 'password', message: 'option "password" needs "username" with protocol = "3.1.1" (MQTT 5 allows a password alone)' });
  }
  problems.push(...tlsFileProblems(o));
  return problems.filter((p): p is OptionProblem => p !== undefined);
}
