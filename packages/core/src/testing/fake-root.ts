import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const roots: string[] = [];

/**
 * A temporary directory laid out like / with the given files (`{"proc/loadavg": "…"}`), for
 * plugins that read the host under a configurable root. removeFakeRoots deletes them all.
 */
export function fakeRoot(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-root-'));
  roots.push(root);
  writeFiles(root, files);
  return root;
}

/** Writes (or replaces) files of a fake root: the host a moment later. */
export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

export function removeFakeRoots(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}
