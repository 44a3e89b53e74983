import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';

/** Client-side TLS material: the CA bundle to trust and a client certificate. */
export type TlsMaterial = Pick<ConnectionOptions, 'ca' | 'cert' | 'key'>;

/** Reads the configured PEM files once, at start; a file that cannot be read stops the input. */
export function loadTlsMaterial(paths: { tls_ca: string; tls_cert: string; tls_key: string }): TlsMaterial {
  const read = (option: keyof typeof paths): Buffer | undefined => {
    const path = paths[option];
    if (path === '') return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`option "${option}": cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  return { ca: read('tls_ca'), cert: read('tls_cert'), key: read('tls_key') };
}
