// Keeps a plugin's sample.toml in step with its schema. The sample stays hand-written (grouped
// prose, example values); the schema decides which options it shows: an option missing from the
// sample is added with its description and default, and a key the schema does not know is a problem.
import { tomlValue } from './render-options.mjs';

// The sample's style: the block's own options at a 2-space indent ("  key =" or "  # key ="), a
// nested table as its header at that indent, and what a nested table holds indented deeper.
const OPTION_LINE = /^ {2}(?:# )?([A-Za-z_][A-Za-z0-9_]*)\s*=/;
const TABLE_LINE = /^ {2}(?:# )?\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*$/;
const WIDTH = 100;

/** Top-level options the sample shows (commented or not), with their line numbers. */
export function sampleKeys(text, id) {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === `[[${id}]]`);
  if (start < 0) return undefined;
  const keys = new Map();
  for (let i = start + 1; i < lines.length; i++) {
    const table = TABLE_LINE.exec(lines[i])?.[1];
    const key = table?.startsWith(`${id}.`) ? table.slice(id.length + 1).split('.')[0] : OPTION_LINE.exec(lines[i])?.[1];
    if (key && !keys.has(key)) keys.set(key, i + 1);
  }
  return keys;
}

/** A description as TOML comment lines: markdown links, emphasis and code marks dropped. */
function wrap(text, prefix) {
  const plain = text.replace(/\[([^\]]+)\]\([^)]*\)/g, '$1').replace(/\*\*/g, '').replace(/`/g, '"');
  const words = plain.split(/\s+/).filter(Boolean);
  const lines = [];
  let line = prefix;
  for (const word of words) {
    if (line.length > prefix.length && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = prefix;
    }
    line += (line.length > prefix.length ? ' ' : '') + word;
  }
  lines.push(line);
  return lines;
}

// What a sample shows for an option without a default (or a secret one): an empty value of its type.
const EMPTY = { array: [], object: {}, boolean: false, integer: 0, number: 0 };

/** The lines that show one option the sample lacked. */
function optionLines(name, schema) {
  const shown = schema.default !== undefined && !schema.secret ? schema.default : (EMPTY[schema.type] ?? '');
  return ['', ...wrap(schema.description ?? '', '  ## '), `  # ${name} = ${tomlValue(shown)}`];
}

/**
 * The sample with every option of `properties` shown, and the problems it has (unknown keys).
 * `skip` names options described elsewhere (shared HTTP-client options), which need no line.
 */
export function updateSample(text, id, properties, skip = new Set()) {
  const keys = sampleKeys(text, id);
  if (!keys) return { text, problems: [`has no [[${id}]] block`] };
  const problems = [...keys].filter(([key]) => !(key in properties)).map(([key, line]) => `${line}: option "${key}" is not in the schema of ${id}`);
  // A deprecated option (a Telegraf name kept for old configs) is documented, not suggested.
  const added = Object.entries(properties).filter(([name, schema]) => !keys.has(name) && !skip.has(name) && !schema.deprecated);
  if (added.length === 0) return { text, problems };
  const body = text.replace(/\n+$/, '');
  return { text: `${body}\n${added.flatMap(([name, schema]) => optionLines(name, schema)).join('\n')}\n`, problems };
}
