import { createRequire } from 'node:module';

/** vigil's version, from @vigil/core's package.json (src/ and dist/ sit at the same depth). */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
