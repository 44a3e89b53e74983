import type { Accumulator } from '@vigil/core';
import { kernelFields, ksmFields, pressureLines, type ProcFiles } from '@vigil/host';
import type { KernelExtra } from './options.js';

/** `kernel` (with ksm_* fields when asked) and, with "psi", `pressure` per resource and type. */
export function gatherKernel(acc: Accumulator, files: ProcFiles, extras: KernelExtra[], timestamp: number): void {
  const fields = kernelFields(files);
  if (extras.includes('ksm')) Object.assign(fields, ksmFields(files));
  acc.addCounter('kernel', fields, {}, timestamp);
  if (!extras.includes('psi')) return;
  for (const p of pressureLines(files)) {
    const tags = { resource: p.resource, type: p.type };
    acc.addGauge('pressure', { avg10: p.avg10, avg60: p.avg60, avg300: p.avg300 }, tags, timestamp);
    acc.addCounter('pressure', { total: p.total }, tags, timestamp);
  }
}
