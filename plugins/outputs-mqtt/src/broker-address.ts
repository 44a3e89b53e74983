/** What mqtt.js calls each transport. */
export type Transport = 'mqtt' | 'mqtts' | 'ws' | 'wss';

export interface BrokerServer {
  /** How logs and reasons name it: scheme://host:port[/path], as written (never credentials). */
  shown: string;
  transport: Transport;
  /** Without IPv6 brackets, ready for a socket. */
  host: string;
  port: number;
  /** The WebSocket path (ws:// and wss:// only). */
  path?: string;
}

/** Telegraf's schemes (those of the Paho clients) and the transport each means. */
const SCHEMES: Record<string, Transport> = { tcp: 'mqtt', mqtt: 'mqtt', ssl: 'mqtts', tls: 'mqtts', mqtts: 'mqtts', ws: 'ws', wss: 'wss' };
const DEFAULT_PORTS: Record<Transport, number> = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 };
/** With a TLS option set, Telegraf reaches plain servers over TLS; so does vigil. */
const SECURED: Record<Transport, Transport> = { mqtt: 'mqtts', mqtts: 'mqtts', ws: 'wss', wss: 'wss' };
const SECURED_SCHEME: Record<Transport, string> = { mqtt: 'tls', mqtts: 'tls', ws: 'wss', wss: 'wss' };

/**
 * One entry of `servers`: "host:port" (Telegraf's oldest form, plain TCP), or a URL with one of
 * the schemes above. Throws a message that shows the entry with any password blanked.
 */
export function parseServer(text: string, upgradeToTls: boolean): BrokerServer {
  const written = text.includes('://') ? text : `tcp://${text}`;
  let url: URL;
  try {
    url = new URL(written);
  } catch {
    throw new Error(`${JSON.stringify(blankPassword(text))} is not a broker address; write host:port or a URL such as tcp://host:1883`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  let transport = SCHEMES[scheme];
  if (!transport) {
    throw new Error(`${JSON.stringify(blankPassword(text))}: unknown scheme "${scheme}://"; use tcp://, mqtt://, ssl://, tls://, mqtts://, ws:// or wss://`);
  }
  if (url.username || url.password) {
    throw new Error(`${JSON.stringify(blankPassword(text))}: credentials in a server address are not used; set "username" and "password"`);
  }
  if (!url.hostname) throw new Error(`${JSON.stringify(text)} names no host`);
  let shownScheme = scheme;
  if (upgradeToTls && SECURED[transport] !== transport) {
    transport = SECURED[transport];
    shownScheme = SECURED_SCHEME[transport];
  }
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[transport];
  const websocket = transport === 'ws' || transport === 'wss';
  const path = websocket ? `${url.pathname || '/'}${url.search}` : undefined;
  return {
    shown: `${shownScheme}://${url.hostname}:${port}${websocket && path !== '/' ? path : ''}`,
    transport,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    path,
  };
}

function blankPassword(text: string): string {
  return text.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
