import { toJsonObject, toLineProtocol, type FieldValue, type Fields, type Item } from '@vigil/core';
import type { DataFormat, Layout } from './options.js';

export interface MqttMessage {
  topic: string;
  payload: string;
}

type TopicOf = (item: Item) => string;

/**
 * A batch as the messages to publish, in the order of its items:
 * - "non-batch": one message per item on the item's topic, the item serialized alone;
 * - "batch": one message per distinct topic, holding that topic's items (line protocol lines, or
 *   one {"metrics": [...]} document);
 * - "field": one message per field on "<topic>/<field>", the bare value (data_format unused).
 * Line protocol ends every line with "\n", as Telegraf's serializer does; an item with nothing
 * to write (every field a non-finite float) is left out.
 */
export function layoutMessages(batch: Item[], layout: Layout, format: DataFormat, topicOf: TopicOf): MqttMessage[] {
  if (layout === 'field') return fieldMessages(batch, topicOf);
  if (layout === 'batch') return batchMessages(batch, format, topicOf);
  const messages: MqttMessage[] = [];
  for (const item of batch) {
    const payload = serializeItem(item, format);
    if (payload) messages.push({ topic: topicOf(item), payload });
  }
  return messages;
}

function serializeItem(item: Item, format: DataFormat): string {
  if (format === 'json') return JSON.stringify(toJsonObject(item));
  const line = toLineProtocol(item);
  return line ? line + '\n' : '';
}

function batchMessages(batch: Item[], format: DataFormat, topicOf: TopicOf): MqttMessage[] {
  const byTopic = new Map<string, Item[]>();
  for (const item of batch) {
    const topic = topicOf(item);
    const items = byTopic.get(topic);
    if (items) items.push(item);
    else byTopic.set(topic, [item]);
  }
  const messages: MqttMessage[] = [];
  for (const [topic, items] of byTopic) {
    const payload = format === 'json' ? JSON.stringify({ metrics: items.map(toJsonObject) }) : items.map((i) => serializeItem(i, 'influx')).join('');
    if (payload) messages.push({ topic, payload });
  }
  return messages;
}

function fieldMessages(batch: Item[], topicOf: TopicOf): MqttMessage[] {
  const messages: MqttMessage[] = [];
  for (const item of batch) {
    const topic = topicOf(item);
    const fields = item.kind === 'metric' ? item.fields : logFields(item);
    for (const name in fields) {
      const payload = fieldText(fields[name]);
      if (payload !== undefined) messages.push({ topic: `${topic}/${fieldLevel(name)}`, payload });
    }
  }
  return messages;
}

/** A log record's fields, as line protocol writes them: level, message, source, then its attributes. */
function logFields(record: Extract<Item, { kind: 'log' }>): Fields {
  const fields: Fields = { level: record.level, message: record.message };
  if (record.source) fields.source = record.source;
  for (const k in record.attributes) if (!(k in fields)) fields[k] = record.attributes[k];
  return fields;
}

/** A field value as text: integers in full, floats as JavaScript prints them; non-finite floats have none. */
function fieldText(value: FieldValue): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  return String(value);
}

function fieldLevel(name: string): string {
  return name.replace(/[+#\u0000]/g, '_') || '_';
}
