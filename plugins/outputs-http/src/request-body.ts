import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { toJsonObject, toLineProtocol, type Item } from '@vigil/core';
import type { DataFormat, HttpOutputOptions } from './options.js';

const gzipAsync = promisify(gzip);

export interface RequestBody {
  data: Buffer;
  /** Sent unless `headers` sets its own Content-Type. */
  contentType: string;
  contentEncoding?: 'gzip';
}

/** Telegraf's Content-Type for line protocol; JSON gets its own so receivers need no header set. */
const CONTENT_TYPES: Record<DataFormat, string> = { influx: 'text/plain; charset=utf-8', json: 'application/json' };

/**
 * A batch as the text of one request: line protocol, one line per item, or Telegraf's JSON batch
 * `{"metrics":[...]}` with each item as outputs.file writes it. Items with nothing to write (every
 * field a non-finite float) are left out of line protocol; '' when nothing is left.
 */
export function serializeBatch(batch: Item[], format: DataFormat): string {
  if (format === 'json') return batch.length === 0 ? '' : JSON.stringify({ metrics: batch.map(toJsonObject) });
  let out = '';
  for (const item of batch) {
    const line = toLineProtocol(item);
    if (line) out += line + '\n';
  }
  return out;
}

/** The serialized batch, compressed when `content_encoding = "gzip"`. */
export async function requestBody(text: string, options: Pick<HttpOutputOptions, 'data_format' | 'content_encoding'>): Promise<RequestBody> {
  const contentType = CONTENT_TYPES[options.data_format];
  if (options.content_encoding === 'gzip') return { data: await gzipAsync(text), contentType, contentEncoding: 'gzip' };
  return { data: Buffer.from(text), contentType };
}
