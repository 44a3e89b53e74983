import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFile } from './state-files.js';

export const META_FILE = 'buffer.json';
const FORMAT = 1;

/**
 * The buffer directory's own id, made once: item ids are `<id>-<seq>`, so a directory deleted
 * and made again never repeats an id an output has seen. A damaged meta file gets a new id.
 */
export async function readOrCreateBufferId(directory: string, warn: (message: string) => void): Promise<string> {
  const path = join(directory, META_FILE);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text !== undefined) {
    let meta: { id?: unknown; format?: unknown } | undefined;
    try {
      meta = JSON.parse(text) as { id?: unknown; format?: unknown };
    } catch {
      meta = undefined;
    }
    if (typeof meta?.format === 'number' && meta.format > FORMAT) {
      throw new Error(`its format ${meta.format} is newer than this version of vigil reads (${FORMAT})`);
    }
    if (typeof meta?.id === 'string' && meta.id.length > 0) return meta.id;
    warn(`${path} is damaged: a new buffer id is made, so item ids change`);
  }
  const id = randomUUID();
  await replaceFile(directory, META_FILE, JSON.stringify({ format: FORMAT, id }), true);
  return id;
}
