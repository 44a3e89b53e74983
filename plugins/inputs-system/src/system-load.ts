import { readFileSync } from 'node:fs';
import type { Accumulator } from '@vigil/core';
import { loggedInUsers, parseCpuInfo, parseLoadAvg, type ProcFiles } from '@vigil/host';

/** Telegraf's `uptime_format`: "3 days, 4:05", " 0:07" (hours padded to two columns). */
export function formatUptime(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor(seconds / 3600) % 24;
  const minutes = Math.floor(seconds / 60) % 60;
  const dayPart = days > 0 ? `${days} day${days > 1 ? 's' : ''}, ` : '';
  return `${dayPart}${String(hours).padStart(2, ' ')}:${String(minutes).padStart(2, '0')}`;
}

/** Users from utmp, or undefined when there is no utmp (containers, minimal systems). */
function readUsers(utmpPath: string): string[] | undefined {
  try {
    return loggedInUsers(readFileSync(utmpPath));
  } catch {
    return undefined;
  }
}

/**
 * `system` as Telegraf sends it, in three metrics: load, CPUs and users (gauge), uptime
 * (counter) and uptime_format. n_users and n_unique_users are left out without a utmp file.
 */
export function gatherSystem(acc: Accumulator, files: ProcFiles, utmpPath: string, timestamp: number): void {
  const [load1, load5, load15] = parseLoadAvg(files.read('/proc/loadavg'));
  const cpus = files.read('/proc/stat').match(/^cpu\d+ /gm)?.length ?? 0;
  // Cores, each counted once however many hardware threads it runs.
  const physical = parseCpuInfo(files.readOptional('/proc/cpuinfo') ?? '', cpus).physicalCores;
  const gauge: Record<string, number | bigint> = { load1, load5, load15, n_cpus: BigInt(cpus), n_physical_cpus: BigInt(physical) };
  const users = readUsers(utmpPath);
  if (users) {
    gauge.n_users = BigInt(users.length);
    gauge.n_unique_users = BigInt(new Set(users).size);
  }
  acc.addGauge('system', gauge, {}, timestamp);
  const uptime = Math.floor(Number.parseFloat(files.read('/proc/uptime')));
  acc.addCounter('system', { uptime: BigInt(uptime) }, {}, timestamp);
  acc.addFields('system', { uptime_format: formatUptime(uptime) }, {}, timestamp);
}
