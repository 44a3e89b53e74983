import type { AttributeValue, LogLevel } from '../model/item.js';

export interface LogEntry {
  /** Increases by one per entry; readers remember the last one they saw. */
  seq: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  level: LogLevel;
  message: string;
  /** The plugin that logged it ("outputs.file", "outputs.file::local" with an alias), or "agent". */
  source: string;
  /** Plain values of the object logged with the message (`log.warn({ url }, '…')`), if any. */
  attributes?: Record<string, AttributeValue>;
}

/** What plugins see of the agent's own recent log entries. */
export interface LogRingReader {
  /** Entries with `seq` greater than `afterSeq`, oldest first. */
  entries(afterSeq?: number): LogEntry[];
  /** The seq of the newest entry (0 when none). */
  readonly lastSeq: number;
}

/** A bounded ring of the agent's recent log entries; the oldest are overwritten. */
export class LogRing implements LogRingReader {
  private readonly slots: (LogEntry | undefined)[];
  private next = 0;
  private seq = 0;

  constructor(readonly capacity = 1000) {
    this.slots = new Array(capacity);
  }

  push(entry: Omit<LogEntry, 'seq'>): void {
    this.slots[this.next] = { seq: ++this.seq, ...entry };
    this.next = (this.next + 1) % this.capacity;
  }

  get lastSeq(): number {
    return this.seq;
  }

  entries(afterSeq = 0): LogEntry[] {
    const out: LogEntry[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const e = this.slots[(this.next + i) % this.capacity];
      if (e && e.seq > afterSeq) out.push(e);
    }
    return out;
  }
}
