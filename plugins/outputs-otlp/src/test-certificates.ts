/** A throw-away CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  dir: string;
  /** The test CA's certificate: trust it with `tls_ca`. */
  caFile: string;
  server: { cert: string; key: string };
  /** Subject CN "vigil-agent", for a client to present. */
  client: { cert: string; key: string };
  remove(): void;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-outputs-otlp-certs-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=vigil test CA', '-days', '2');
  const issue = (name: string, subject: string, extensions: string) => {
    openssl('req', '-new', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
    return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  };
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    server: issue('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'),
    client: issue('client', '/CN=vigil-agent', 'extendedKeyUsage=clientAuth\n'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A server's TLS options from a certificate pair, asking for (not requiring) a client certificate. */
export function serverTls(certs: TestCertificates) {
  return { cert: readFileSync(certs.server.cert), key: readFileSync(certs.server.key), ca: readFileSync(certs.caFile), requestCert: true, rejectUnauthorized: false };
}
