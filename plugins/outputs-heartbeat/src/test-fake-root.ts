import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const roots: string[] = [];

/** A temporary directory laid out like / with the given files, as inputs.system's tests make them. */
export function fakeRoot(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-heartbeat-'));
  roots.push(root);
  writeFiles(root, files);
  return root;
}

/** Replaces files of a fake root: the host a moment later. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

export function removeFakeRoots(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}
