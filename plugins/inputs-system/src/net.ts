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
  for (const line of files.read('/proc/net/dev').split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (interfaces ? !interfaces(name) : !isUpAndNotLoopback(files, name)) continue;
    const v = line.slice(colon + 1).trim().split(/\s+/).map((s) => BigInt(s));
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

function isUpAndNotLoopback(files: ProcFiles, name: string): boolean {
  const flags = Number.parseInt(files.readOptional(`/sys/class/net/${name}/flags`) ?? '0', 16);
  return (flags & IFF_UP) !== 0 && (flags & IFF_LOOPBACK) === 0;
}
