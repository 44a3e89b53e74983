import { readOptionFile } from '@vigil/core';

export const AUTH_FILE_OPTIONS = ['credentials', 'nkey_seed'] as const;
export type AuthFileOption = (typeof AUTH_FILE_OPTIONS)[number];

/** A user nkey seed: "SU" and 56 base32 characters. */
const USER_SEED = /^\s*(SU[A-Z2-7]{56})\s*$/m;

/**
 * The bytes an authenticator needs: the credentials file as it is, or the seed found in the
 * nkey seed file (a line of its own, as `nk -gen user` writes it). Throws a message naming the
 * option and the path, never the file's content.
 */
export function readAuthFile(option: AuthFileOption, path: string): Uint8Array | undefined {
  const file = readOptionFile(option, path);
  if (file === undefined) return undefined;
  const text = file.toString('utf8');
  if (option === 'credentials') {
    if (!text.includes('BEGIN NATS USER JWT') || !text.includes('BEGIN USER NKEY SEED')) {
      throw new Error(`option "credentials": ${path} is not a NATS credentials file (it needs a user JWT and a user nkey seed)`);
    }
    return new TextEncoder().encode(text);
  }
  const seed = USER_SEED.exec(text);
  if (!seed) throw new Error(`option "nkey_seed": ${path} holds no user nkey seed (a line starting with "SU")`);
  return new TextEncoder().encode(seed[1]);
}
