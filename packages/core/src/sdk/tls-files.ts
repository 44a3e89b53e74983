import { readFileSync } from 'node:fs';
import type { OptionProblem, OptionsSchema } from './plugin.js';

/** The options naming PEM files, in the order their problems are reported. */
export const TLS_FILE_OPTIONS = ['tls_ca', 'tls_cert', 'tls_key'] as const;
export type TlsFileOption = (typeof TLS_FILE_OPTIONS)[number];

/** A plugin's TLS options: paths of PEM files ("" when not configured) and whether to verify the peer. */
export interface TlsFileOptions {
  tls_ca: string;
  tls_cert: string;
  tls_key: string;
  insecure_skip_verify: boolean;
}

/** The PEM files' contents, a file not configured undefined, ready for Node's TLS options. */
export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
}

/**
 * The schema of the four TLS options as a client of a server sees them, for a plugin's
 * `properties`: `{ ...TLS_CLIENT_SCHEMA_PROPERTIES }`.
 */
export const TLS_CLIENT_SCHEMA_PROPERTIES = {
  tls_ca: { type: 'string', default: '', description: 'PEM file of CA certificates to trust instead of the system ones.' },
  tls_cert: { type: 'string', default: '', description: 'PEM file of a client certificate (with `tls_key`).' },
  tls_key: { type: 'string', default: '', description: "PEM file of the client certificate's private key." },
  insecure_skip_verify: { type: 'boolean', default: false, description: 'Accept any server certificate (testing only).' },
} satisfies OptionsSchema['properties'];

/** One file an option names ("" reads nothing); throws a message naming the option and the path, never the content. */
export function readOptionFile(option: string, path: string): Buffer | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`option "${option}": cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Read once, when the plugin is created: a renewed certificate is picked up at the next reload. */
export function readTlsFiles(o: TlsFileOptions): TlsFiles {
  return {
    ca: readOptionFile('tls_ca', o.tls_ca),
    cert: readOptionFile('tls_cert', o.tls_cert),
    key: readOptionFile('tls_key', o.tls_key),
    rejectUnauthorized: !o.insecure_skip_verify,
  };
}

/** For a plugin's `check`: a certificate without its key (or the reverse), and files that cannot be read. */
export function tlsFileProblems(o: Pick<TlsFileOptions, TlsFileOption>): OptionProblem[] {
  const problems: OptionProblem[] = [];
  if (Boolean(o.tls_cert) !== Boolean(o.tls_key)) {
    problems.push({ option: o.tls_cert ? 'tls_key' : 'tls_cert', message: 'options "tls_cert" and "tls_key" go together: set both or neither' });
  }
  for (const option of TLS_FILE_OPTIONS) {
    try {
      readOptionFile(option, o[option]);
    } catch (err) {
      problems.push({ option, message: (err as Error).message });
    }
  }
  return problems;
}
