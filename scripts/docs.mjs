#!/usr/bin/env node
// `npm run docs`: each plugin's schema is the one source of its options (Vector's "the config
// struct is the reference"). This writes each README's option tables between its markers, adds
// to each sample.toml the options it lacks, and copies the sample into the README's
// Configuration block. `--check` writes nothing and exits 1 naming every file out of date.
// It reads the built plugins (dist/), so no TypeScript loader is needed: `npm run docs` builds
// first. `--dir` points at another plugins folder (the tests use one); `--adopt` turns a README's
// hand-written option table into the generated one.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { HTTP_CLIENT_SCHEMA_PROPERTIES, TLS_CLIENT_SCHEMA_PROPERTIES, isPluginDefinition } from '@vigil/core';
import { renderOptions, undocumented } from './docs/render-options.mjs';
import { updateSample } from './docs/sample-options.mjs';
// The options every plugin of a kind takes (alias, interval, buffer_strategy …) may appear in a
// sample; core does not export them publicly, so this repository tool reads its build directly.
import { COMMON_PROPERTIES } from '../packages/core/dist/config/schemas.js';

const SHARED_LINE =
  'Plus the HTTP client options every HTTP plugin shares (proxy, local address, response timeout, TLS version and ' +
  'ciphers, OAuth2 client credentials, cookie authentication), described once in ' +
  '[docs/configuration.md](../../docs/configuration.md#http-client-options).';

const { values: args } = parseArgs({
  options: { check: { type: 'boolean', default: false }, adopt: { type: 'boolean', default: false }, dir: { type: 'string' } },
});
const pluginsDir = args.dir ? resolve(args.dir) : fileURLToPath(new URL('../plugins', import.meta.url));
// Paths are shown from the folder that holds plugins/: "plugins/inputs-http/README.md".
const root = dirname(pluginsDir);

/** Options a schema takes as they are from the shared HTTP client options (not the TLS files). */
function sharedOptions(schema) {
  const names = Object.keys(HTTP_CLIENT_SCHEMA_PROPERTIES).filter(
    (name) => !(name in TLS_CLIENT_SCHEMA_PROPERTIES) && schema.properties?.[name] === HTTP_CLIENT_SCHEMA_PROPERTIES[name],
  );
  return { names: new Set(names), line: SHARED_LINE };
}

async function definitionsOf(entry) {
  const module = await import(pathToFileURL(entry).href);
  return [...new Set(Object.values(module).filter(isPluginDefinition))];
}

function sampleFiles(folder) {
  const files = [join(folder, 'sample.toml')];
  const samples = join(folder, 'samples');
  if (existsSync(samples)) files.push(...readdirSync(samples).filter((f) => f.endsWith('.toml')).sort().map((f) => join(samples, f)));
  return files.filter((f) => existsSync(f));
}

function replaceBetweenMarkers(text, id, content) {
  const start = `<!-- options:start ${id} -->`;
  const end = `<!-- options:end ${id} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) return undefined;
  return `${text.slice(0, from + start.length)}\n\n${content}\n\n${text.slice(to)}`;
}

/**
 * The README's copy of a sample (the "Configuration" block: a ```toml block that opens, as a sample
 * does, with its title comment and its [[id]] line) replaced by the sample itself.
 */
function copySampleIntoReadme(text, id, sample) {
  return text.replace(/```toml\n([\s\S]*?)\n```/g, (block, body) => {
    const [title, header] = body.split('\n');
    return title.startsWith('# ') && header === `[[${id}]]` ? `\`\`\`toml\n${sample.trimEnd()}\n\`\`\`` : block;
  });
}

/**
 * `--adopt`, for a README written before the generator: its first hand-written option table
 * under "## Options" becomes the marked place. Port what its descriptions say to the schema first.
 */
function adoptOptionTable(text, id) {
  if (text.includes(`<!-- options:start ${id} -->`)) return text;
  const lines = text.split('\n');
  const heading = lines.indexOf('## Options');
  const start = lines.findIndex((line, i) => i > heading && line.startsWith('| option |'));
  if (heading < 0 || start < 0) return text;
  let end = start;
  while (end < lines.length && lines[end].startsWith('|')) end++;
  lines.splice(start, end - start, `<!-- options:start ${id} -->`, `<!-- options:end ${id} -->`);
  return lines.join('\n');
}

/** The files of one plugin folder as they should be, and the problems found. */
async function generate(folder) {
  const problems = [];
  const files = new Map();
  const entry = join(folder, 'dist', 'index.js');
  if (!existsSync(entry)) return { files, problems: [`${relative(root, entry)} is missing: run npm run build first`] };
  const definitions = await definitionsOf(entry);
  const read = (path) => files.get(path) ?? readFileSync(path, 'utf8');
  const readme = join(folder, 'README.md');
  const documented = [];
  for (const def of definitions) {
    const id = `${def.kind}.${def.name}`;
    const shared = sharedOptions(def.schema);
    problems.push(...undocumented(id, def.schema.properties).map((p) => `${relative(root, folder)}: ${p}`));
    if (args.adopt && definitions.length === 1) files.set(readme, adoptOptionTable(read(readme), id));
    const table = replaceBetweenMarkers(read(readme), id, renderOptions(id, def.schema, shared));
    if (table !== undefined) {
      files.set(readme, table);
      documented.push(def);
    }
    const sample = sampleFiles(folder).find((f) => read(f).split('\n').some((line) => line.trim() === `[[${id}]]`));
    if (!sample) {
      problems.push(`${relative(root, folder)}: no sample.toml or samples/*.toml holds [[${id}]]`);
      continue;
    }
    const known = { ...COMMON_PROPERTIES[def.kind], ...def.schema.properties };
    const common = Object.keys(COMMON_PROPERTIES[def.kind]).filter((name) => !(name in (def.schema.properties ?? {})));
    const skip = new Set([...shared.names, ...common]);
    const updated = updateSample(read(sample), id, known, skip);
    problems.push(...updated.problems.map((p) => `${relative(root, sample)}:${p}`));
    files.set(sample, updated.text);
    files.set(readme, copySampleIntoReadme(read(readme), id, updated.text));
  }
  // A package of several plugins may document them in one table when one schema names all options.
  for (const def of definitions.filter((d) => !documented.includes(d))) {
    const covered = documented.some((d) => Object.keys(def.schema.properties ?? {}).every((name) => name in (d.schema.properties ?? {})));
    if (!covered) problems.push(`${relative(root, readme)}: no <!-- options:start ${def.kind}.${def.name} --> … <!-- options:end ${def.kind}.${def.name} --> markers`);
  }
  return { files, problems };
}

const folders = readdirSync(pluginsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(pluginsDir, d.name, 'package.json')))
  .map((d) => join(pluginsDir, d.name))
  .sort();

let failed = false;
for (const folder of folders) {
  const { files, problems } = await generate(folder);
  for (const problem of problems) console.error(problem);
  failed ||= problems.length > 0;
  for (const [path, text] of files) {
    if (readFileSync(path, 'utf8') === text) continue;
    if (args.check) {
      console.error(`${relative(root, path)} is out of date with its plugin's schema: run npm run docs`);
      failed = true;
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${relative(root, path)}`);
    }
  }
}
process.exit(failed ? 1 : 0);
