import type { Accumulator } from '@vigil/core';
import { countProcesses, type ProcFiles } from '@vigil/host';

export function gatherProcesses(acc: Accumulator, files: ProcFiles, timestamp: number): void {
  acc.addGauge('processes', countProcesses(files), {}, timestamp);
}
