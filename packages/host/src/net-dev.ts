import type { ProcFiles } from './proc-files.js';

/** Interface flags from <linux/if.h>. */
const IFF_UP = 0x1;
const IFF_LOOPBACK = 0x8;

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

/** The link speed in Mbit/s; undefined when the driver reports none (down and virtual interfaces answer EINVAL or -1). */
export function interfaceSpeed(files: ProcFiles, name: string): number | undefined {
  const speed = Number.parseInt(files.readOptional(`/sys/class/net/${name}/speed`)?.trim() ?? '', 10);
  return speed > 0 ? speed : undefined;
}
