import { toJsonObject, toLineProtocol, type Item } from '@vigil/core';

export type DataFormat = 'influx' | 'json';

/** A batch as text, one line per item; items with nothing to write (no field left) are skipped. */
export function serializeBatch(batch: Item[], format: DataFormat): string {
  let out = '';
  for (const item of batch) {
    const line = format === 'json' ? JSON.stringify(toJsonObject(item)) : toLineProtocol(item);
    if (line) out += line + '\n';
  }
  return out;
}
