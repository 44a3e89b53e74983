import { isIP } from 'node:net';
import type { ApiConfig } from './model.js';

export interface ListenAddress {
  /** '' for every interface (":8686"). */
  host: string;
  port: number;
}

/** "127.0.0.1:8686", "[::1]:8686", "localhost:8686", ":8686"; undefined when it is none of these. */
export function parseListen(listen: string): ListenAddress | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]*)):(\d{1,5})$/.exec(listen.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  const host = m[1] ?? m[2];
  if (m[1] !== undefined && isIP(host) !== 6) return undefined;
  return { host, port };
}

/** Loopback only: localhost, 127.0.0.0/8 and ::1. Every other address, and "" (all interfaces), is reachable from elsewhere. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

/** What is wrong with `[api]`, as option and message, or nothing. */
export function apiProblems(api: ApiConfig): { option: string; message: string }[] {
  if (!api.listen) return [];
  const address = parseListen(api.listen);
  if (!address) return [{ option: 'listen', message: `option "listen" must be "HOST:PORT" such as "127.0.0.1:8686", got ${JSON.stringify(api.listen)}` }];
  if (!isLoopbackHost(address.host) && !api.token) {
    return [{ option: 'listen', message: `option "listen" = ${JSON.stringify(api.listen)} is reachable from other hosts, so "token" must be set (token = "\${VIGIL_API_TOKEN}"), or listen on 127.0.0.1` }];
  }
  return [];
}

/** The URL a client on this host reaches the API at: an all-interfaces address is reached on loopback. */
export function apiUrl(listen: string): string | undefined {
  const address = parseListen(listen);
  if (!address) return undefined;
  let host = address.host;
  if (host === '' || host === '0.0.0.0') host = '127.0.0.1';
  else if (host === '::') host = '::1';
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${address.port}`;
}
