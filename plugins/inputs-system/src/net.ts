import type { Accumulator, Matcher } from '@vigil/core';
import { interfaceSpeed, interfaceState, parseNetDev, protocolCounters, type ProcFiles } from '@vigil/host';

/**
 * `net` counters per interface from /proc/net/dev, with the link speed. With no `interfaces`
 * filter, loopback and interfaces that are down are left out (as in Telegraf); a filter
 * reports what it names, whatever their state. Unless `ignoreProtocolStats`, one more metric
 * tagged interface=all carries the /proc/net/snmp protocol counters.
 */
export function gatherNet(acc: Accumulator, files: ProcFiles, interfaces: Matcher | undefined, ignoreProtocolStats: boolean, timestamp: number): void {
  for (const { name, v } of parseNetDev(files.read('/proc/net/dev'))) {
    if (interfaces ? !interfaces(name) : !isUpAndNotLoopback(files, name)) continue;
    acc.addCounter(
      'net',
      {
        bytes_recv: v[0],
        packets_recv: v[1],
        err_in: v[2],
        drop_in: v[3],
        bytes_sent: v[8],
        packets_sent: v[9],
        err_out: v[10],
        drop_out: v[11],
        // Mbit/s; -1 when the driver reports none (virtual and down interfaces), as in Telegraf.
        speed: BigInt(interfaceSpeed(files, name) ?? -1),
      },
      { interface: name },
      timestamp,
    );
  }
  if (ignoreProtocolStats) return;
  // As in Telegraf, protocol counters that cannot be read are left out without an error.
  const snmp = files.readOptional('/proc/net/snmp');
  const counters = snmp === undefined ? {} : protocolCounters(snmp);
  if (Object.keys(counters).length > 0) acc.addFields('net', counters, { interface: 'all' }, timestamp);
}

function isUpAndNotLoopback(files: ProcFiles, name: string): boolean {
  const { up, loopback } = interfaceState(files, name);
  return up && !loopback;
}
