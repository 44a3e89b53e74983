import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { credsAuthenticator, nkeyAuthenticator, type NodeConnectionOptions } from '@nats-io/transport-node';
import { readTlsFiles } from '@vigil/core';
import type { NatsOutputOptions } from './options.js';
import { readAuthFile } from './auth-files.js';

/** How long the handshake with one server may take before the next one is tried. */
export const CONNECT_TIMEOUT_MS = 5_000;

/** What the server refused, in a reason: which of the ways to authenticate is configured. */
export function authMethodOf(o: NatsOutputOptions): string {
  if (o.credentials) return `the credentials of ${o.credentials}`;
  if (o.nkey_seed) return `the nkey seed of ${o.nkey_seed}`;
  if (o.token) return 'the token';
  if (o.username) return 'the username and password';
  return '';
}

/** Whether the connection must be TLS: asked for, implied by a TLS option or by a tls:// server. */
export function wantsTls(o: NatsOutputOptions): boolean {
  return o.secure || Boolean(o.tls_ca || o.tls_cert || o.tls_key) || o.insecure_skip_verify || o.servers.some((s) => s.startsWith('tls://'));
}

/**
 * The client's options. Reconnecting is the client's job, forever (ServerConnection sets its
 * waits); files (credentials, nkey seed, TLS) are read once, when the output is created.
 */
export function connectionOptions(o: NatsOutputOptions, clientName: string): NodeConnectionOptions {
  const options: NodeConnectionOptions = {
    servers: o.servers,
    name: o.name || clientName,
    timeout: CONNECT_TIMEOUT_MS,
    reconnect: true,
    maxReconnectAttempts: -1,
  };
  if (o.username) {
    options.user = o.username;
    options.pass = o.password;
  }
  if (o.token) options.token = o.token;
  const creds = readAuthFile('credentials', o.credentials);
  if (creds) options.authenticator = credsAuthenticator(creds);
  const seed = readAuthFile('nkey_seed', o.nkey_seed);
  if (seed) options.authenticator = nkeyAuthenticator(seed);
  if (wantsTls(o)) {
    // The client's types want the PEM files as text.
    const files = readTlsFiles(o);
    options.tls = {
      ca: files.ca?.toString('utf8'),
      cert: files.cert?.toString('utf8'),
      key: files.key?.toString('utf8'),
      rejectUnauthorized: files.rejectUnauthorized,
      checkServerIdentity: serverIdentityCheck(o.servers),
    } as NodeConnectionOptions['tls'];
  }
  return options;
}

/** The host of a server entry ("tls://10.0.0.5:4222", "10.0.0.5:4222", "[::1]:4222"). */
function hostOf(server: string): string {
  const rest = server.replace(/^[a-z]+:\/\//, '');
  const bracketed = /^\[([^\]]+)\]/.exec(rest);
  return bracketed ? bracketed[1] : rest.split(':')[0];
}

/**
 * The client names no server in TLS for an IP address, so Node would check the certificate
 * against "localhost": a certificate for the configured IP address is accepted instead.
 */
function serverIdentityCheck(servers: string[]) {
  const ips = servers.map(hostOf).filter((h) => isIP(h) !== 0);
  return (host: string, cert: PeerCertificate): Error | undefined => {
    const problem = checkServerIdentity(host, cert);
    if (!problem || ips.length === 0) return problem;
    return ips.some((ip) => checkServerIdentity(ip, cert) === undefined) ? undefined : problem;
  };
}
