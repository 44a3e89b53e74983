import type { AttributeValue, LogLevel } from '@vigil/core';

/** What a format makes of one line (or multi-line record). */
export interface ParsedLine {
  /** Milliseconds since the epoch; NaN when the line carries no time. */
  timestamp: number;
  level: LogLevel;
  message: string;
  attributes: Record<string, AttributeValue>;
}

export type LineFormat = 'auto' | 'json' | 'logfmt' | 'syslog' | 'clf' | 'plain';
