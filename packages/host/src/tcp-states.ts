import type { ProcFiles } from './proc-files.js';

/** TCP states as /proc/net/tcp numbers them (include/net/tcp_states.h) and Telegraf names them. */
const TCP_STATES: Record<string, string> = {
  '01': 'tcp_established',
  '02': 'tcp_syn_sent',
  '03': 'tcp_syn_recv',
  '04': 'tcp_fin_wait1',
  '05': 'tcp_fin_wait2',
  '06': 'tcp_time_wait',
  '07': 'tcp_close',
  '08': 'tcp_close_wait',
  '09': 'tcp_last_ack',
  '0A': 'tcp_listen',
  '0B': 'tcp_closing',
  // A request socket waiting for the final ACK: a SYN_RECV to anyone looking at connections.
  '0C': 'tcp_syn_recv',
};

/** The socket lines of a /proc/net table: every non-empty line after the header. */
export function socketLines(table: string): string[] {
  return table.split('\n').slice(1).filter((line) => line.trim() !== '');
}

/** Adds one to `counts[state]` for every socket of a /proc/net/{tcp,tcp6} table. */
export function countTcpStates(table: string, counts: Record<string, bigint>): void {
  for (const line of socketLines(table)) {
    // "sl: local_address rem_address st ...": the state is the fourth column.
    const field = TCP_STATES[line.trim().split(' ', 4)[3]];
    if (field) counts[field] += 1n;
  }
}

/** Sockets by Telegraf's state names (`tcp_established` …, all present) over the given tables. */
export function tcpStateCounts(tables: string[]): Record<string, bigint> {
  const counts: Record<string, bigint> = { tcp_none: 0n };
  for (const field of Object.values(TCP_STATES)) counts[field] = 0n;
  for (const table of tables) countTcpStates(table, counts);
  return counts;
}

/** A socket table that may be missing (a kernel without IPv6 has no tcp6): '' then. */
export function optionalTable(files: ProcFiles, path: string): Promise<string> {
  return files.readSocketTable(path).catch(() => '');
}
