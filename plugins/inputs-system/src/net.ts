import type { Accumulator, Matcher } from '@vigil/core';
import type { ProcFiles } from './proc-files.js';

/** Interface flags from <linux/if.h>. */
const IFF_UP = 0x1;
const IFF_LOOPBACK = 0x8;

/**
 * `net` counters per interface from /proc/net/dev. With no `interfaces` filter, loopback and
 * interfaces that are down are left out (as in Telegraf); a filter reports what it names,
 * whatever their state.
 */
export function gatherNet(acc: Accumulator, files: ProcFiles, interfaces: Matcher | undefined, timestamp: number): void {
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
      },
      { interface: name },
      timestamp,
    );
  }
}

/**
 * The interface lines of /proc/net/dev: the name and its 16 counters, receive (bytes, packets,
 * errs, drop, fifo, frame, compressed, multicast) then transmit (bytes, packets, errs, drop,
 * fifo, colls, carrier, compressed).
 */
export function parseNetDev(text: string): { name: string; v: bigint[] }[] {
  const out: { name: string; v: bigint[] }[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    out.push({ name: line.slice(0, colon).trim(), v: line.slice(colon + 1).trim().split(/\s+/).map((s) => BigInt(s)) });
  }
  return out;
}

/** Whether the interface is up and whether it is a loopback, from its flags in /sys/class/net. */
export function interfaceState(files: ProcFiles, name: string): { up: boolean; loopback: boolean } {
  const flags = Number.parseInt(files.readOptional(`/sys/class/net/${name}/flags`) ?? '0', 16);
  return { up: (flags & IFF_UP) !== 0, loopback: (flags & IFF_LOOPBACK) !== 0 };
}

function isUpAndNotLoopback(files: ProcFiles, name: string): boolean {
  const { up, loopback } = interfaceState(files, name);
  return up && !loopback;
}
