import { createHash } from 'node:crypto';
import { defineOutput, readSample, readTlsFiles, written, type WriteResult } from '@vigil/core';
import { parseServer } from './broker-address.js';
import { BrokerSession } from './broker-session.js';
import { layoutMessages } from './message-layout.js';
import { checkMqttOutputOptions, layoutOf, schema, topicTemplateOf, wantsTls, willTopicOf, type MqttOutputOptions } from './options.js';
import { AGENT_FIELDS, TopicTemplate } from './topic-template.js';

/**
 * The same on every start of this output on this host, so a restarted agent takes over its
 * previous session: the broker then publishes the old connection's will before it answers the
 * new one, and the new "online" message comes last. 18 characters, within the 23 every MQTT
 * 3.1.1 broker must accept.
 */
/**
 * Hashes the host name with the alias alone (or "outputs.mqtt" without one), as before ids took
 * Telegraf's "outputs.mqtt::alias" form, so an upgraded agent keeps its broker session.
 */
function derivedClientId(hostname: string, outputId: string): string {
  const named = outputId.split('::')[1] ?? outputId;
  return `vigil-${createHash('sha256').update(`${hostname}\n${named}`).digest('hex').slice(0, 12)}`;
}

export default defineOutput<MqttOutputOptions>({
  name: 'mqtt',
  description: 'Publishes metrics and logs to an MQTT broker (3.1.1 or 5), with a last will and a retained online message',
  accepts: ['metric', 'log'],
  sample: readSample(import.meta.url),
  schema,
  check: checkMqttOutputOptions,
  create(ctx) {
    const o = ctx.options;
    const values = { hostname: ctx.agent.hostname, topicPrefix: o.topic_prefix };
    const agentTopic = (template: string) => (template ? new TopicTemplate(template, values, AGENT_FIELDS).render() : '');
    const topic = new TopicTemplate(topicTemplateOf(o), values);
    const topicOf = topic.render.bind(topic);
    const layout = layoutOf(o);
    const onlineTopic = agentTopic(o.online_topic);
    const willTopic = agentTopic(willTopicOf(o));
    const session = new BrokerSession(
      {
        servers: o.servers.map((s) => parseServer(s, wantsTls(o))),
        protocolVersion: o.protocol === '5' ? 5 : 4,
        clientId: o.client_id || derivedClientId(ctx.agent.hostname, ctx.id),
        keepAliveS: o.keep_alive / 1000,
        username: o.username,
        password: o.password,
        tls: readTlsFiles(o),
        timeoutMs: o.timeout,
        qos: o.qos,
        will: willTopic ? { topic: willTopic, payload: o.will_payload, retain: o.will_retain } : undefined,
        presence: onlineTopic ? { topic: onlineTopic, online: o.online_payload, offline: o.offline_payload } : undefined,
      },
      ctx.log,
    );
    const redact = (result: WriteResult): WriteResult => (result.outcome === 'written' ? result : { ...result, reason: ctx.agent.redact(result.reason) });
    return {
      connect: () => session.connect(),
      async write(batch, context) {
        const messages = layoutMessages(batch, layout, o.data_format, topicOf);
        if (messages.length === 0) return written();
        return redact(await session.publish(messages, o.retain, context.signal));
      },
      close: () => session.close(),
    };
  },
});
