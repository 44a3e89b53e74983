import { readFileSync } from 'node:fs';

export const TLS_OPTIONS = ['tls_ca', 'tls_cert', 'tls_key'] as const;
export type TlsOption = (typeof TLS_OPTIONS)[number];

/** The PEM files' contents; a file not configured is undefined. */
export type TlsMaterial = Partial<Record<TlsOption, Buffer>>;

/** One configured PEM file; throws a message naming the option when it cannot be read. */
export function readTlsFile(option: TlsOption, path: string): Buffer | undefined {
  if (path === '') return undefined;
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`option "${option}": cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Read once, when the output is created: a renewed certificate is picked up at the next reload. */
export function readTlsMaterial(paths: Record<TlsOption, string>): TlsMaterial {
  return { tls_ca: readTlsFile('tls_ca', paths.tls_ca), tls_cert: readTlsFile('tls_cert', paths.tls_cert), tls_key: readTlsFile('tls_key', paths.tls_key) };
}
