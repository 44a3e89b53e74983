import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Paths of a PEM certificate and its key. */
export interface KeyPair {
  cert: string;
  key: string;
}

export interface TestCertificates {
  dir: string;
  /** The test CA's certificate: trust it with `tls_ca`. */
  caFile: string;
  /** Signed by the CA for 127.0.0.1, valid 90 days. */
  valid: KeyPair;
  /** Signed by the CA for 127.0.0.1, valid 10 more days. */
  expiringSoon: KeyPair;
  /** Signed by the CA for 127.0.0.1, valid January 2020 only. */
  expired: KeyPair;
  /** Signed by the CA for wrong.example only. */
  wrongHost: KeyPair;
  /** Signs itself, for 127.0.0.1. */
  selfSigned: KeyPair;
  /** Signed by the CA, for a client to present. */
  client: KeyPair;
  remove(): void;
}

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
[ leaf ]
basicConstraints = CA:FALSE
subjectAltName = $ENV::SAN
`;

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** Makes a CA and the server and client certificates the tests need, with the openssl CLI. */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-http-certs-'));
  const openssl = (args: string[], env: Record<string, string> = {}) =>
    execFileSync('openssl', args, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  openssl(['req', '-x509', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/O=vigil tests/CN=vigil test CA', '-days', '90']);

  const signed = (name: string, san: string, validity: string[]): KeyPair => {
    openssl(['req', '-new', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}.test`]);
    openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-extensions', 'leaf', '-notext', '-in', `${name}.csr`, '-out', `${name}.pem`, ...validity], { SAN: san });
    return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  };
  const selfSigned = 'self-signed';
  openssl(['req', '-x509', ...EC_KEY, '-keyout', `${selfSigned}.key`, '-out', `${selfSigned}.pem`, '-subj', `/CN=${selfSigned}.test`, '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '90']);

  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    valid: signed('valid', 'IP:127.0.0.1', ['-days', '90']),
    expiringSoon: signed('expiring', 'IP:127.0.0.1', ['-days', '10']),
    expired: signed('expired', 'IP:127.0.0.1', ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z']),
    wrongHost: signed('wrong-host', 'DNS:wrong.example', ['-days', '90']),
    selfSigned: { cert: join(dir, `${selfSigned}.pem`), key: join(dir, `${selfSigned}.key`) },
    client: signed('client', 'DNS:client.test', ['-days', '90']),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The PEM text of a key pair, for a server's options. */
export function readPair(pair: KeyPair): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(pair.cert), key: readFileSync(pair.key) };
}
