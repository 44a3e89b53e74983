import type { ProcFiles } from './proc-files.js';

/** Process state letters of /proc/<pid>/stat (proc(5)) and the Telegraf field each counts in. */
const STATES: Record<string, string> = {
  R: 'running',
  S: 'sleeping',
  D: 'blocked',
  Z: 'zombies',
  X: 'dead',
  x: 'dead',
  T: 'stopped',
  t: 'stopped',
  W: 'paging',
  I: 'idle',
  P: 'parked',
};

export function emptyProcessCounts(): Record<string, bigint> {
  const counts: Record<string, bigint> = { total: 0n, total_threads: 0n, unknown: 0n };
  for (const field of Object.values(STATES)) counts[field] = 0n;
  return counts;
}

/** Counts one /proc/<pid>/stat line into `counts`: its state, and its threads. */
export function countProcess(stat: string, counts: Record<string, bigint>): void {
  // The command name in parentheses may hold spaces and ')', so fields are counted from the last ')'.
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  counts[STATES[after[0]] ?? 'unknown'] += 1n;
  counts.total += 1n;
  // After the state come 16 fields up to num_threads (field 20 of the whole line).
  counts.total_threads += BigInt(after[17] ?? 0);
}

/** Every process of /proc by state, and their threads (the `processes` fields). */
export function countProcesses(files: ProcFiles): Record<string, bigint> {
  const counts = emptyProcessCounts();
  for (const entry of files.list('/proc')) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    // A process may exit between the listing and the read.
    const stat = files.readSmallOptional(`/proc/${entry}/stat`);
    if (stat) countProcess(stat, counts);
  }
  return counts;
}
