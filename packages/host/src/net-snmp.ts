/**
 * Every counter of /proc/net/snmp as Telegraf's `net` protocol fields name them: the protocol
 * and the counter's name in lower case (`tcp_activeopens`, `udp_indatagrams`, `icmpmsg_intype3`).
 * Each protocol has a line of names followed by a line of values. Some are signed
 * (Tcp MaxConn is -1 when unlimited).
 */
export function protocolCounters(snmp: string): Record<string, bigint> {
  const fields: Record<string, bigint> = {};
  const lines = snmp.split('\n').filter((line) => line.includes(':'));
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [protocol, ...names] = lines[i].trim().split(/\s+/);
    const [sameProtocol, ...values] = lines[i + 1].trim().split(/\s+/);
    if (protocol !== sameProtocol) continue;
    const prefix = protocol.replace(/:$/, '').toLowerCase();
    names.forEach((name, at) => {
      if (/^-?\d+$/.test(values[at] ?? '')) fields[`${prefix}_${name.toLowerCase()}`] = BigInt(values[at]);
    });
  }
  return fields;
}
