import { isIP, type Socket } from 'node:net';
import { connect, TLSSocket } from 'node:tls';
import type { ClientTls } from '@vigil/core';

/** What a check reports about the server's leaf certificate. */
export interface CertificateFacts {
  /** The chain verifies against the trusted CAs and the certificate names the host. */
  valid: boolean;
  /** notAfter, milliseconds since the epoch. */
  notAfter: number;
  issuer: string;
  subject: string;
}

/**
 * Watches the sockets of one check's requests (one per redirect hop): remembers the
 * certificate of the last completed handshake, and whether a handshake was cut short, which
 * is how a failure is told to be a TLS error rather than a plain connection error.
 */
export class HandshakeWatcher {
  certificate?: CertificateFacts;
  handshakeCutShort = false;

  watch(socket: Socket): void {
    if (!(socket instanceof TLSSocket)) return;
    this.handshakeCutShort = true;
    socket.once('secureConnect', () => {
      this.handshakeCutShort = false;
      this.certificate = describePeer(socket);
    });
  }
}

/** Node computes `authorized` (chain and host name) even when it was told not to enforce it. */
function describePeer(socket: TLSSocket): CertificateFacts | undefined {
  const cert = socket.getPeerX509Certificate();
  if (!cert) return undefined;
  return {
    valid: socket.authorized,
    notAfter: Date.parse(cert.validTo),
    issuer: distinguishedName(cert.issuer),
    subject: distinguishedName(cert.subject),
  };
}

/** Node lists a name's parts one a line, broadest first; show them as "CN=…,O=…,C=…". */
function distinguishedName(lines: string): string {
  return lines.split('\n').filter(Boolean).reverse().join(',');
}

/**
 * Connects to the URL's server without enforcing verification, to report the certificate of
 * a server whose certificate failed verification (the request itself was refused before it).
 * Resolves undefined when no handshake completes within `timeoutMs`.
 */
export function fetchCertificate(url: URL, tls: ClientTls, timeoutMs: number): Promise<CertificateFacts | undefined> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve) => {
    const socket = connect({
      ...tls,
      host,
      port: Number(url.port || 443),
      servername: tls.servername ?? (isIP(host) ? undefined : host),
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => finish(), timeoutMs);
    function finish(facts?: CertificateFacts) {
      clearTimeout(timer);
      socket.destroy();
      resolve(facts);
    }
    socket.once('secureConnect', () => finish(describePeer(socket)));
    socket.once('error', () => finish());
  });
}
