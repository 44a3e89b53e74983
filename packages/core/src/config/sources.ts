import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { redactUrlCredentials } from '../log/redactor.js';
import { ConfigError } from './errors.js';

export interface ConfigSource {
  /** How errors name it: the path as given, or the URL without credentials. */
  label: string;
  /** How the heartbeat lists it: an absolute path or the URL without credentials. */
  display: string;
  /** The folder third-party plugin packages are resolved from (the cwd for URLs). */
  dir: string;
  text: string;
  /** Credentials found in a URL source, kept out of every log line. */
  secrets: string[];
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);
const URL_FETCH_TIMEOUT_MS = 10_000;

async function readUrl(url: string): Promise<ConfigSource> {
  const display = redactUrlCredentials(url);
  const parsed = new URL(url);
  const secrets = [parsed.password, parsed.username].filter(Boolean).map(decodeURIComponent);
  try {
    // got is imported here: only a config fetched by URL pays for it.
    const { got } = await import('got');
    const text = await got(url, { timeout: { request: URL_FETCH_TIMEOUT_MS }, retry: { limit: 1 } }).text();
    return { label: display, display, dir: process.cwd(), text, secrets };
  } catch (err) {
    const reason = (err as Error).message.split(url).join(display);
    throw new ConfigError({ file: display }, undefined, `cannot fetch config: ${reason}`);
  }
}

async function readPath(path: string): Promise<ConfigSource> {
  const absolute = resolve(path);
  try {
    const text = await readFile(absolute, 'utf8');
    return { label: path, display: absolute, dir: resolve(absolute, '..'), text, secrets: [] };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory (use --config-directory)' : (err as Error).message;
    throw new ConfigError({ file: path }, undefined, `cannot read config: ${why}`);
  }
}

/** `*.toml` and `*.conf` files of a folder, in name order, as Telegraf reads --config-directory. */
async function listDirectory(dir: string): Promise<string[]> {
  try {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.toml') || n.endsWith('.conf')).sort();
    return names.map((n) => join(dir, n));
  } catch (err) {
    throw new ConfigError({ file: dir }, undefined, `cannot read config directory: ${(err as Error).message}`);
  }
}

export async function readSources(configs: string[], configDirectory?: string): Promise<ConfigSource[]> {
  const sources: ConfigSource[] = [];
  for (const c of configs) sources.push(isUrl(c) ? await readUrl(c) : await readPath(c));
  if (configDirectory) for (const p of await listDirectory(configDirectory)) sources.push(await readPath(p));
  return sources;
}
