import { readFileSync } from 'node:fs';

/**
 * Reads a plugin's `sample.toml` from its package folder. Pass `import.meta.url` of a module in
 * `src/` or `dist/` (both sit one level below the package root), so the file users read and
 * the block `vigil config` prints are the same text.
 */
export function readSample(moduleUrl: string): string {
  return readFileSync(new URL('../sample.toml', moduleUrl), 'utf8');
}
