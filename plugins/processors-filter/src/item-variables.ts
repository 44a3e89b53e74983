import { Environment } from '@marcbachmann/cel-js';
import { addCelExtensions, fieldNames, getField, type Item } from '@vigil/core';

/**
 * What a condition sees. Metrics and log records get the same variables, so one condition can
 * test both: a metric's `level`, `message` and `source` are "", its `attributes` empty; a log
 * record's `fields` are its message, level, source and attributes (the line-protocol view).
 * Integer fields are CEL ints, floats and log attribute numbers CEL doubles. cel-go's math and
 * base64 extensions are there, as in Telegraf's conditions.
 */
export const environment = addCelExtensions(new Environment())
  .registerVariable('kind', 'string')
  .registerVariable('name', 'string')
  .registerVariable('tags', 'map<string, string>')
  .registerVariable('fields', 'map<string, dyn>')
  .registerVariable('time', 'google.protobuf.Timestamp')
  .registerVariable('level', 'string')
  .registerVariable('message', 'string')
  .registerVariable('source', 'string')
  .registerVariable('attributes', 'map<string, dyn>');

export function itemVariables(item: Item): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const k of fieldNames(item)) fields[k] = getField(item, k);
  const time = new Date(item.timestamp);
  if (item.kind === 'metric') {
    return { kind: 'metric', name: item.name, tags: item.tags, fields, time, level: '', message: '', source: '', attributes: {} };
  }
  const { name, tags, level, message, source, attributes } = item;
  return { kind: 'log', name, tags, fields, time, level, message, source, attributes };
}
