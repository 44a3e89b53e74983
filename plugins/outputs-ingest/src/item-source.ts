import type { Item } from '@vigil/core';

/** The measurements of inputs.system (Telegraf's names), by which its items are told apart. */
export const SYSTEM_MEASUREMENTS = new Set(['cpu', 'mem', 'swap', 'disk', 'diskio', 'net', 'netstat', 'system', 'processes', 'kernel', 'host_info']);

/**
 * The input that made an item. Items do not carry it, so it is told from the measurement the
 * built-in inputs use; any other item is named by its measurement.
 */
export function sourcePlugin(item: Item): string {
  if (item.kind === 'log') return item.name === 'logs' ? 'inputs.logs' : item.name;
  const name = item.name;
  if (name === 'http_response') return 'inputs.http';
  if (name === 'docker' || name.startsWith('docker_')) return 'inputs.docker';
  if (name === 'updates') return 'inputs.updates';
  if (name.startsWith('internal_')) return 'inputs.internal';
  if (SYSTEM_MEASUREMENTS.has(name)) return 'inputs.system';
  return name;
}
