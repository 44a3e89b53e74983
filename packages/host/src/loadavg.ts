/** The 1, 5 and 15 minute load averages of /proc/loadavg. */
export function parseLoadAvg(text: string): [number, number, number] {
  const [load1, load5, load15] = text.split(' ').map(Number);
  return [load1, load5, load15];
}
