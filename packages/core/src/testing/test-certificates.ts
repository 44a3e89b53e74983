/**
 * A throw-away CA and certificates it signed, made with the openssl CLI, for tests that talk
 * TLS to real servers on 127.0.0.1. EC P-256 keys: each certificate takes milliseconds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from './require-tool.js';

/** Paths of a PEM certificate and its key. */
export interface KeyPair {
  cert: string;
  key: string;
}

export interface CertificateRequest {
  /** Default `/CN=<name>.test`. */
  subject?: string;
  /** "IP:127.0.0.1", "DNS:wrong.example"; none by default. */
  subjectAltName?: string;
  extendedKeyUsage?: 'serverAuth' | 'clientAuth';
  /** Valid from now for this many days (default 90) … */
  days?: number;
  /** … or between these dates, as openssl writes them ("20200101000000Z"). */
  startDate?: string;
  endDate?: string;
}

export interface TestCertificates {
  dir: string;
  /** The test CA's certificate ("CN=vigil test CA,O=vigil tests"): trust it with `tls_ca`. */
  caFile: string;
  /** Subject and subjectAltName 127.0.0.1, for a server. */
  server: KeyPair;
  /** Subject CN "vigil-agent", for a client to present. */
  client: KeyPair;
  /** Another certificate signed by the CA, written to `<name>.pem` and `<name>.key`. */
  issue(name: string, request?: CertificateRequest): KeyPair;
  /** A certificate that signs itself. */
  selfSigned(name: string, request?: Pick<CertificateRequest, 'subject' | 'subjectAltName' | 'days'>): KeyPair;
  remove(): void;
}

// `openssl ca` rather than `openssl x509 -req`: only it takes a start and end date (OpenSSL 3.0).
const CA_CONFIG = `
[ ca ]
default_ca = test_ca
[ test_ca ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any_name
unique_subject = no
[ any_name ]
commonName = supplied
`;

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** Makes the CA, a server and a client certificate in a new temporary directory. */
export function makeTestCertificates(): TestCertificates {
  const program = requireTool('openssl', 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-test-certs-'));
  const openssl = (...args: string[]) => execFileSync(program, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  openssl('req', '-x509', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/O=vigil tests/CN=vigil test CA', '-days', '90');
  const pair = (name: string): KeyPair => ({ cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) });

  const issue = (name: string, request: CertificateRequest = {}): KeyPair => {
    const { subject = `/CN=${name}.test`, subjectAltName, extendedKeyUsage, days = 90, startDate, endDate } = request;
    openssl('req', '-new', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    const extensions = ['basicConstraints = CA:FALSE'];
    if (subjectAltName) extensions.push(`subjectAltName = ${subjectAltName}`);
    if (extendedKeyUsage) extensions.push(`extendedKeyUsage = ${extendedKeyUsage}`);
    writeFileSync(join(dir, `${name}.ext`), `${extensions.join('\n')}\n`);
    const validity = startDate && endDate ? ['-startdate', startDate, '-enddate', endDate] : ['-days', String(days)];
    openssl('ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-extfile', `${name}.ext`, '-notext', '-in', `${name}.csr`, '-out', `${name}.pem`, ...validity);
    return pair(name);
  };

  const selfSigned = (name: string, request: Pick<CertificateRequest, 'subject' | 'subjectAltName' | 'days'> = {}): KeyPair => {
    const { subject = `/CN=${name}.test`, subjectAltName, days = 90 } = request;
    const san = subjectAltName ? ['-addext', `subjectAltName=${subjectAltName}`] : [];
    openssl('req', '-x509', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', subject, ...san, '-days', String(days));
    return pair(name);
  };

  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    server: issue('server', { subject: '/CN=127.0.0.1', subjectAltName: 'IP:127.0.0.1', extendedKeyUsage: 'serverAuth' }),
    client: issue('client', { subject: '/CN=vigil-agent', extendedKeyUsage: 'clientAuth' }),
    issue,
    selfSigned,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The PEM text of a key pair, for a server's options. */
export function readKeyPair(pair: KeyPair): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(pair.cert), key: readFileSync(pair.key) };
}

/** A TLS server's options with the server certificate, asking for (not requiring) a client certificate. */
export function serverTls(certs: TestCertificates) {
  return { ...readKeyPair(certs.server), ca: readFileSync(certs.caFile), requestCert: true, rejectUnauthorized: false };
}
