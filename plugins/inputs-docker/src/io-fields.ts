import { int, type Row } from './rows.js';
import type { BlkioEntry, NetworkCounters, StatsResult } from './engine-types.js';

const NETWORK_COUNTERS: (keyof NetworkCounters)[] = ['rx_bytes', 'rx_packets', 'rx_errors', 'rx_dropped', 'tx_bytes', 'tx_packets', 'tx_errors', 'tx_dropped'];

function addInto(total: Record<string, bigint>, fields: Record<string, bigint>): void {
  for (const [name, value] of Object.entries(fields)) total[name] = (total[name] ?? 0n) + value;
}

/** `docker_container_net` rows: one per interface and/or network=total. */
export function networkRows(stats: StatsResult, perDevice: boolean, total: boolean): Row[] {
  const rows: Row[] = [];
  const sum: Record<string, bigint> = {};
  const interfaces = Object.entries(stats.networks ?? {});
  for (const [network, counters] of interfaces) {
    const fields: Record<string, bigint> = {};
    for (const name of NETWORK_COUNTERS) fields[name] = int(counters[name] ?? 0);
    if (perDevice) rows.push({ measurement: 'docker_container_net', tags: { network }, fields });
    addInto(sum, fields);
  }
  // A container on --network none or host has no interfaces of its own: no total either.
  if (total && interfaces.length > 0) rows.push({ measurement: 'docker_container_net', tags: { network: 'total' }, fields: sum });
  return rows;
}

// blkio_stats lists → field prefixes (Telegraf's names). Entries with an op become
// <prefix>_<op> (read, write, sync, async, discard, total); the others are one figure.
const BLKIO_LISTS: Record<string, { prefix: string; perOp: boolean }> = {
  io_service_bytes_recursive: { prefix: 'io_service_bytes_recursive', perOp: true },
  io_serviced_recursive: { prefix: 'io_serviced_recursive', perOp: true },
  io_queue_recursive: { prefix: 'io_queue_recursive', perOp: true },
  io_service_time_recursive: { prefix: 'io_service_time_recursive', perOp: true },
  io_wait_time_recursive: { prefix: 'io_wait_time', perOp: true },
  io_merged_recursive: { prefix: 'io_merged_recursive', perOp: true },
  io_time_recursive: { prefix: 'io_time_recursive', perOp: false },
  sectors_recursive: { prefix: 'sectors_recursive', perOp: false },
};

/** `docker_container_blkio` rows: one per device ("major:minor") and/or device=total. */
export function blkioRows(stats: StatsResult, perDevice: boolean, total: boolean): Row[] {
  const devices = new Map<string, Record<string, bigint>>();
  for (const [list, { prefix, perOp }] of Object.entries(BLKIO_LISTS)) {
    for (const entry of (stats.blkio_stats?.[list] ?? []) as BlkioEntry[]) {
      const device = `${entry.major}:${entry.minor}`;
      const fields = devices.get(device) ?? {};
      devices.set(device, fields);
      fields[perOp && entry.op ? `${prefix}_${entry.op.toLowerCase()}` : prefix] = int(entry.value);
    }
  }
  const rows: Row[] = [];
  const sum: Record<string, bigint> = {};
  for (const [device, fields] of devices) {
    if (perDevice) rows.push({ measurement: 'docker_container_blkio', tags: { device }, fields });
    addInto(sum, fields);
  }
  if (total && devices.size > 0) rows.push({ measurement: 'docker_container_blkio', tags: { device: 'total' }, fields: sum });
  return rows;
}
