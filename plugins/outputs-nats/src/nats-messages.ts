import { toJsonObject, toLineProtocol, type Item, type WriteContext } from '@vigil/core';
import type { DataFormat } from './options.js';
import type { SubjectTemplate } from './subject-template.js';

export interface NatsMessage {
  subject: string;
  payload: Uint8Array;
  /** Sent as `Nats-Msg-Id`: the item's id, or the batch's with `use_batch_format`. */
  id: string;
}

const encoder = new TextEncoder();

/** One item as Telegraf's serializers write it: a line of line protocol (with its newline), or one JSON object. '' when there is nothing to write. */
function serializeItem(item: Item, format: DataFormat): string {
  if (format === 'json') return JSON.stringify(toJsonObject(item));
  const line = toLineProtocol(item);
  return line ? line + '\n' : '';
}

/**
 * The messages of one batch: one per item on the subject its template gives, or with
 * `batchFormat` one for the batch (line protocol, one line per item, or `{"metrics": [...]}`).
 * Items with nothing to write in line protocol (every field a non-finite float) are left out.
 */
export function natsMessages(batch: Item[], context: WriteContext, subject: SubjectTemplate, format: DataFormat, batchFormat: boolean): NatsMessage[] {
  if (batchFormat) {
    const text = format === 'json' ? (batch.length > 0 ? JSON.stringify({ metrics: batch.map(toJsonObject) }) : '') : batch.map((item) => serializeItem(item, format)).join('');
    return text ? [{ subject: subject.render(batch[0]), payload: encoder.encode(text), id: context.batchId }] : [];
  }
  const messages: NatsMessage[] = [];
  batch.forEach((item, i) => {
    const text = serializeItem(item, format);
    // A context made by hand may carry no item ids; the batch id and position are stable too.
    if (text) messages.push({ subject: subject.render(item), payload: encoder.encode(text), id: context.itemIds[i] ?? `${context.batchId}:${i}` });
  });
  return messages;
}

/** The bytes a message takes against the server's max_payload: its payload and its header block. */
export function messageSize(message: NatsMessage, headers: Record<string, string>): number {
  let size = 'NATS/1.0\r\n\r\n'.length + message.payload.length;
  for (const [name, value] of Object.entries(headers)) size += Buffer.byteLength(`${name}: ${value}\r\n`);
  return size;
}
