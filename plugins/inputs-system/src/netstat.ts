import type { Accumulator } from '@vigil/core';
import { optionalTable, socketLines, tcpStateCounts, type ProcFiles } from '@vigil/host';

/**
 * `netstat`: sockets of this network namespace by TCP state, and UDP sockets. IPv6 tables
 * are optional (a kernel without IPv6 has none).
 */
export async function gatherNetstat(acc: Accumulator, files: ProcFiles, timestamp: number): Promise<void> {
  const [tcp, tcp6, udp, udp6] = await Promise.all([
    files.readSocketTable('/proc/net/tcp'),
    optionalTable(files, '/proc/net/tcp6'),
    files.readSocketTable('/proc/net/udp'),
    optionalTable(files, '/proc/net/udp6'),
  ]);
  const counts = tcpStateCounts([tcp, tcp6]);
  counts.udp_socket = BigInt(socketLines(udp).length + socketLines(udp6).length);
  acc.addFields('netstat', counts, {}, timestamp);
}
