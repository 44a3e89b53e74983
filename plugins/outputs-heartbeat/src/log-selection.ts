import { levelRank, type LogEntry, type LogLevel } from '@vigil/core';
import type { ThresholdLevel } from './schema.js';

/** The spec's level words (it knows no trace or fatal). */
export const SPEC_LEVEL: Record<LogLevel, 'debug' | 'info' | 'warning' | 'error'> = {
  trace: 'debug',
  debug: 'debug',
  info: 'info',
  warn: 'warning',
  error: 'error',
  fatal: 'error',
};

/** Telegraf's level words (schema v1 has no FATAL). */
export const TELEGRAF_LEVEL: Record<LogLevel, 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
};

function thresholdRank(threshold: ThresholdLevel): number {
  return levelRank(threshold === 'warning' ? 'warn' : threshold);
}

/**
 * The entries at or above `threshold`; past `limit` (0: none) the most severe, then the most
 * recent, are kept. Returned oldest first, as they were logged.
 */
export function selectLogEntries(entries: LogEntry[], threshold: ThresholdLevel, limit: number): LogEntry[] {
  const minimum = thresholdRank(threshold);
  const eligible = entries.filter((e) => levelRank(e.level) >= minimum);
  if (limit === 0 || eligible.length <= limit) return eligible;
  const kept = [...eligible].sort((a, b) => levelRank(b.level) - levelRank(a.level) || b.seq - a.seq).slice(0, limit);
  return kept.sort((a, b) => a.seq - b.seq);
}
