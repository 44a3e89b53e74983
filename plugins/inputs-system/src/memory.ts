import type { Accumulator } from '@vigil/core';
import { memFields, swapFields, type ProcFiles } from '@vigil/host';

export function gatherMem(acc: Accumulator, files: ProcFiles, timestamp: number): void {
  acc.addGauge('mem', memFields(files.read('/proc/meminfo')), {}, timestamp);
}

/** `swap` as Telegraf sends it: sizes as a gauge, pages swapped in/out (in bytes) as a counter. */
export function gatherSwap(acc: Accumulator, files: ProcFiles, timestamp: number): void {
  const s = swapFields(files.read('/proc/meminfo'), files.read('/proc/vmstat'));
  acc.addGauge('swap', { total: s.total, used: s.used, free: s.free, used_percent: s.used_percent }, {}, timestamp);
  acc.addCounter('swap', { in: s.in, out: s.out }, {}, timestamp);
}
