import { readFile } from 'node:fs/promises';

/** A text file's content, or '' when it is missing or unreadable (optional sources; a /proc entry may vanish). */
export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}
