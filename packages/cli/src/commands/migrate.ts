import { readFile } from 'node:fs/promises';
import { parse } from 'smol-toml';
import { AGENT_SCHEMA, type Registry } from '@vigil/core/runtime';
import { UsageError } from '../usage.js';
import { migrateTail } from './migrate-tail.js';

/**
 * `vigil migrate telegraf.conf > vigil.toml`: rewrites a Telegraf config into vigil's form on
 * stdout, keeping its layout and comments, and says on stderr what it changed and what it
 * could not. The text is rewritten block by block (a plugin's table with its sub-tables)
 * rather than parsed and printed again, so the user's comments survive.
 */

/** Telegraf's one-group host inputs and inputs.http_response: vigil has them under the same names. */
const KEPT_AS_THEY_ARE = new Set(['cpu', 'mem', 'swap', 'disk', 'diskio', 'net', 'netstat', 'processes', 'kernel', 'http_response']);

const PLUGIN_HEADER = /^\s*\[\[\s*(inputs|processors|aggregators|outputs)\.([A-Za-z0-9_-]+)\s*\]\]/;
const SECTION_HEADER = /^\s*\[\s*([A-Za-z0-9_]+)\s*\]\s*(#.*)?$/;

interface Block {
  /** "inputs.tail", or "" for a section ("[agent]") and what precedes the first one. */
  plugin: string;
  /** "agent" for `[agent]` and the like. */
  section?: string;
  kind: string;
  name: string;
  /** 1-based line of the header. */
  line: number;
  lines: string[];
}

function splitBlocks(text: string): Block[] {
  const blocks: Block[] = [{ plugin: '', kind: '', name: '', line: 1, lines: [] }];
  text.split(/\r?\n/).forEach((line, index) => {
    const header = PLUGIN_HEADER.exec(line);
    if (header) blocks.push({ plugin: `${header[1]}.${header[2]}`, kind: header[1], name: header[2], line: index + 1, lines: [line] });
    else if (SECTION_HEADER.test(line)) blocks.push({ plugin: '', section: SECTION_HEADER.exec(line)![1], kind: '', name: '', line: index + 1, lines: [line] });
    else blocks[blocks.length - 1].lines.push(line);
  });
  return blocks;
}

/** The table of one block, or undefined when it does not parse alone (e.g. an unquoted ${VAR}). */
function tableOf(block: Block): Record<string, unknown> | undefined {
  try {
    const doc = parse(block.lines.join('\n')) as Record<string, Record<string, unknown[]>>;
    return doc[block.kind][block.name][0] as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const commentedOut = (lines: string[]) => lines.map((l) => (l.trim() === '' || l.trimStart().startsWith('#') ? l : `# ${l}`));

/** A TOML value as written in a config (strings as JSON strings, which TOML reads alike). */
function tomlValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(', ')}]`;
  if (v && typeof v === 'object') {
    return `{ ${Object.entries(v).map(([k, x]) => `${/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k)} = ${tomlValue(x)}`).join(', ')} }`;
  }
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

interface Summary {
  changed: string[];
  commented: string[];
}

/** `[agent]` options vigil does not know (Telegraf's deprecated `utc`, a typo) become comments. */
function migrateAgent(block: Block, summary: Summary): string[] {
  return block.lines.map((line, i) => {
    const option = /^\s*([A-Za-z0-9_]+)\s*=/.exec(line)?.[1];
    if (!option || option in AGENT_SCHEMA.properties) return line;
    summary.commented.push(`line ${block.line + i}: agent: option "${option}" is not one vigil knows`);
    return `# vigil migrate: not a vigil option: ${line.trim()}`;
  });
}

/** One block's lines in vigil's form; what changed or could not be carried goes to `summary`. */
function migrateBlock(block: Block, registry: Registry, summary: Summary): string[] {
  if (block.section === 'agent') return migrateAgent(block, summary);
  const at = `line ${block.line}: ${block.plugin}`;
  const keep = (reason: string) => {
    summary.commented.push(`${at}: ${reason}`);
    return [`# vigil migrate: kept as a comment: ${reason}`, ...commentedOut(block.lines)];
  };
  if (!block.plugin || (block.kind === 'inputs' && KEPT_AS_THEY_ARE.has(block.name))) return block.lines;
  if (block.kind === 'aggregators') return keep('vigil has no aggregators');
  if (block.plugin === 'inputs.system') {
    const table = tableOf(block);
    if (table && 'collect' in table) return block.lines;
    summary.changed.push(`${at}: collect = ["system"] added (vigil's inputs.system collects every host group unless told)`);
    const [header, ...rest] = block.lines;
    return [header, '  ## Telegraf\'s inputs.system: load, uptime and users only (vigil migrate).', '  collect = ["system"]', ...rest];
  }
  if (block.plugin === 'inputs.http') {
    return keep("Telegraf's inputs.http fetches a URL and parses its body into metrics; vigil's inputs.http checks a service (status, response time, certificate)");
  }
  if (block.plugin === 'inputs.tail') {
    const table = tableOf(block);
    if (!table) return keep('could not be read on its own (an unquoted ${VAR}?); rewrite it as [[inputs.logs]] by hand');
    const migrated = migrateTail(table);
    if ('reason' in migrated) return keep(migrated.reason);
    summary.changed.push(`${at}: became inputs.logs (format "${migrated.logs.format}")${migrated.notes.map((n) => `; ${n}`).join('')}`);
    const options = Object.entries(migrated.logs).map(([k, v]) => `  ${k} = ${tomlValue(v)}`);
    return [`# vigil migrate: Telegraf's inputs.tail of line ${block.line}, as vigil's inputs.logs (log records, not metrics)`, '[[inputs.logs]]', ...options, ...migrated.notes.map((n) => `  # vigil migrate: ${n}`), ''];
  }
  if (!registry.names(block.kind as 'inputs' | 'processors' | 'outputs').includes(block.name)) return keep(`vigil has no ${block.plugin} plugin (\`vigil plugins\` lists those available)`);
  return block.lines;
}

export async function migrate(path: string | undefined, registry: Registry): Promise<number> {
  if (!path) throw new UsageError('"migrate" needs the Telegraf config to read: vigil migrate telegraf.conf > vigil.toml');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const summary: Summary = { changed: [], commented: [] };
  const out = splitBlocks(text).flatMap((b) => migrateBlock(b, registry, summary));
  process.stdout.write(out.join('\n').replace(/\n*$/, '\n'));
  const report = [
    `vigil migrate: ${path}: ${summary.changed.length} changed, ${summary.commented.length} kept as comments`,
    ...summary.changed.map((c) => `  changed ${c}`),
    ...summary.commented.map((c) => `  not migrated ${c}`),
    'Check the result with: vigil validate --config vigil.toml',
  ];
  process.stderr.write(report.join('\n') + '\n');
  return 0;
}
