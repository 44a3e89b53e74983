import { parse, TomlError } from 'smol-toml';
import { defaultPluginDirectory, type Registry } from '../registry.js';
import type { OptionsSchema, PluginDefinition, PluginKind } from '../sdk/plugin.js';
import { substituteEnv } from './env.js';
import { ConfigError, ConfigErrors, didYouMean, cut, quoted } from './errors.js';
import type { AgentConfig, ApiConfig, CommonOptions, LoadedConfig, PluginConfig, Where } from './model.js';
import { AGENT_SCHEMA, API_SCHEMA, COMMON_PROPERTIES } from './schemas.js';
import { apiProblems } from './api-settings.js';
import type { ConfigSource } from './sources.js';
import { findKeyLines, lineOf, type KeyLines } from './toml-lines.js';
import { compileGlobs } from '../pipeline/glob.js';
import { SELECTOR_OPTION_NAMES } from '../pipeline/selectors.js';
import { compileSchema, secretValues, type CompiledSchema } from './validator.js';
import { checkBufferDirectories } from './buffer-settings.js';
import { agentNotices, bufferBytesProblem, checkAgentOptions } from './agent-options.js';
import { overlappingHostInputs } from './host-inputs.js';

const PLUGIN_KINDS: PluginKind[] = ['inputs', 'processors', 'outputs'];
const TOP_LEVEL = ['agent', 'api', 'global_tags', ...PLUGIN_KINDS];

interface ParsedSource {
  source: ConfigSource;
  doc: Record<string, unknown>;
  lines: KeyLines;
  /** Lines that used an environment variable that is not set, and its name. */
  unsetOnLine: Map<number, string[]>;
}

const compiledByDefinition = new WeakMap<PluginDefinition, CompiledSchema>();
const agentSchema = compileSchema(AGENT_SCHEMA);
const apiSchema = compileSchema(API_SCHEMA);

function schemaWithCommonOptions(def: PluginDefinition): CompiledSchema {
  let compiled = compiledByDefinition.get(def);
  if (!compiled) {
    const merged: OptionsSchema = { ...def.schema, properties: { ...COMMON_PROPERTIES[def.kind], ...def.schema.properties } };
    compiled = compileSchema(merged);
    compiledByDefinition.set(def, compiled);
  }
  return compiled;
}

const isTable = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

function parseSource(source: ConfigSource, errors: ConfigError[]): ParsedSource | undefined {
  const { text, unset, problems } = substituteEnv(source.text);
  for (const p of problems) errors.push(new ConfigError({ file: source.label, line: p.line }, undefined, p.message));
  if (problems.length > 0) return undefined;
  const unsetOnLine = new Map<number, string[]>();
  for (const u of unset) unsetOnLine.set(u.line, [...(unsetOnLine.get(u.line) ?? []), u.name]);
  try {
    return { source, doc: parse(text) as Record<string, unknown>, lines: findKeyLines(text), unsetOnLine };
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = err.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
      errors.push(new ConfigError({ file: source.label, line: err.line }, undefined, `TOML syntax error: ${reason} (column ${err.column})${unsetNote(unsetOnLine, err.line)}`));
      return undefined;
    }
    throw err;
  }
}

/** An error on a line that used an unset variable is most likely about it: say so. */
function unsetNote(unsetOnLine: Map<number, string[]>, line: number | undefined): string {
  const names = line === undefined ? undefined : unsetOnLine.get(line);
  return names ? ` (environment variable ${names.join(', ')} is not set)` : '';
}

/**
 * A required option a variable left empty ("${TOKEN}" with TOKEN unset) is missing, even where
 * the plugin's schema would take "": Telegraf's strict handling of an unset variable.
 */
function emptiedRequiredOptions(def: PluginDefinition, table: Record<string, unknown>, lineOfOption: (option: string) => number | undefined, unsetOnLine: Map<number, string[]>): { line: number; message: string }[] {
  const out: { line: number; message: string }[] = [];
  for (const option of def.schema.required ?? []) {
    const line = lineOfOption(option);
    const names = line === undefined ? undefined : unsetOnLine.get(line);
    if (table[option] === '' && line !== undefined && names) out.push({ line, message: `option "${option}" is required, but environment variable ${names.join(', ')} is not set` });
  }
  return out;
}

function withUnsetNotes(errors: ConfigError[], parsed: ParsedSource[]): ConfigError[] {
  return errors.map((e) => {
    const p = parsed.find((x) => x.source.label === e.where.file);
    const note = p && !e.detail.includes('environment variable') ? unsetNote(p.unsetOnLine, e.where.line) : '';
    return note ? new ConfigError(e.where, e.plugin, e.detail + note) : e;
  });
}

/**
 * Reads the agent table of every source (later sources override earlier keys), so the
 * third-party packages it names can be loaded before plugins are checked.
 */
function mergeAgent(parsed: ParsedSource[], errors: ConfigError[]): { agent: AgentConfig; setOptions: string[]; agentWhere: (option: string) => Where } {
  const merged: Record<string, unknown> = {};
  let where = { file: parsed[0]?.source.label ?? '(none)', lines: parsed[0]?.lines ?? new Map() };
  for (const p of parsed) {
    const agent = p.doc.agent;
    if (agent === undefined) continue;
    if (!isTable(agent)) {
      errors.push(new ConfigError({ file: p.source.label, line: lineOf(p.lines, 'agent') }, undefined, '"agent" must be a table'));
      continue;
    }
    Object.assign(merged, agent);
    where = { file: p.source.label, lines: p.lines };
  }
  const setOptions = Object.keys(merged);
  for (const e of agentSchema.validate(merged)) {
    const hint = e.message.endsWith('is not allowed') ? didYouMean(e.option, agentSchema.knownOptions) : '';
    errors.push(new ConfigError({ file: where.file, line: lineOf(where.lines, `agent.${e.option}`) }, 'agent', e.message + hint));
  }
  const agent = merged as unknown as AgentConfig;
  const agentWhere = (option: string): Where => ({ file: where.file, line: lineOf(where.lines, `agent.${option}`) });
  for (const e of checkAgentOptions(agent)) errors.push(new ConfigError(agentWhere(e.option), 'agent', e.message));
  return { agent, setOptions, agentWhere };
}

/** `[api]` as `[agent]` is read: later sources override earlier keys. */
function mergeApi(parsed: ParsedSource[], errors: ConfigError[]): ApiConfig {
  const merged: Record<string, unknown> = {};
  let where = { file: parsed[0]?.source.label ?? '(none)', lines: parsed[0]?.lines ?? new Map() };
  for (const p of parsed) {
    const api = p.doc.api;
    if (api === undefined) continue;
    if (!isTable(api)) {
      errors.push(new ConfigError({ file: p.source.label, line: lineOf(p.lines, 'api') }, undefined, '"api" must be a table'));
      continue;
    }
    Object.assign(merged, api);
    where = { file: p.source.label, lines: p.lines };
  }
  const problems = apiSchema.validate(merged);
  for (const e of problems) {
    const hint = e.message.endsWith('is not allowed') ? didYouMean(e.option, apiSchema.knownOptions) : '';
    errors.push(new ConfigError({ file: where.file, line: lineOf(where.lines, `api.${e.option}`) }, 'api', e.message + hint));
  }
  const api = merged as unknown as ApiConfig;
  if (problems.length === 0) {
    for (const e of apiProblems(api)) errors.push(new ConfigError({ file: where.file, line: lineOf(where.lines, `api.${e.option}`) }, 'api', e.message));
  }
  return api;
}

function splitOptions(def: PluginDefinition, table: Record<string, unknown>): { options: Record<string, unknown>; common: CommonOptions } {
  const options: Record<string, unknown> = {};
  const common: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(table)) (k in def.schema.properties ? options : common)[k] = v;
  // Telegraf's old names for the field modifiers.
  if (common.fieldpass) common.fieldinclude = [...((common.fieldinclude as string[]) ?? []), ...(common.fieldpass as string[])];
  if (common.fielddrop) common.fieldexclude = [...((common.fieldexclude as string[]) ?? []), ...(common.fielddrop as string[])];
  delete common.fieldpass;
  delete common.fielddrop;
  return { options, common: common as CommonOptions };
}

function loadPlugins(kind: PluginKind, p: ParsedSource, registry: Registry, errors: ConfigError[], secrets: string[]): PluginConfig[] {
  const section = p.doc[kind];
  if (section === undefined) return [];
  const file = p.source.label;
  if (!isTable(section)) {
    errors.push(new ConfigError({ file, line: lineOf(p.lines, kind) }, undefined, `"${kind}" must hold tables such as [[${kind}.name]], got ${Array.isArray(section) ? 'an array' : typeof section}`));
    return [];
  }
  const out: PluginConfig[] = [];
  for (const [name, value] of Object.entries(section)) {
    const fullName = `${kind}.${name}`;
    const registered = registry.get(kind, name);
    if (!registered) {
      const hint = didYouMean(name, registry.names(kind));
      errors.push(new ConfigError({ file, line: lineOf(p.lines, fullName) }, undefined, `${cut(fullName)}: unknown plugin${hint}; \`vigil plugins\` lists those available`));
      continue;
    }
    const { definition: def, packageName } = registered;
    const tables = Array.isArray(value) ? value : [value];
    tables.forEach((table, index) => {
      const path = Array.isArray(value) ? `${fullName}.${index}` : fullName;
      const lineAt = (option: string) => lineOf(p.lines, option ? `${path}.${option}` : path);
      if (!isTable(table)) {
        errors.push(new ConfigError({ file, line: lineAt('') }, fullName, `must be a table, as in [[${fullName}]]`));
        return;
      }
      const schema = schemaWithCommonOptions(def);
      const problems = schema.validate(table);
      for (const e of problems) {
        const hint = e.message.endsWith('is not allowed') ? didYouMean(e.option, schema.knownOptions) : '';
        errors.push(new ConfigError({ file, line: lineAt(e.option) }, fullName, e.message + hint));
      }
      if (problems.length > 0) return;
      const emptied = emptiedRequiredOptions(def, table, (option) => p.lines.get(`${path}.${option}`), p.unsetOnLine);
      for (const e of emptied) errors.push(new ConfigError({ file, line: e.line }, fullName, e.message));
      if (emptied.length > 0) return;
      const { options, common } = splitOptions(def, table);
      for (const problem of checkCommonOptions(common)) {
        errors.push(new ConfigError({ file, line: lineAt(problem.option) }, fullName, problem.message));
      }
      const checked = def.check?.(options as never);
      for (const problem of [checked ?? []].flat()) {
        errors.push(new ConfigError({ file, line: lineAt(problem.option ?? '') }, fullName, problem.message));
      }
      secrets.push(...secretValues(def.schema, options));
      out.push({
        kind,
        name,
        id: common.alias ? `${fullName}::${common.alias}` : fullName,
        key: '',
        definition: def,
        packageName,
        options,
        common,
        where: { file, line: lineAt('') },
        optionLines: Object.fromEntries(Object.keys(table).map((option) => [option, lineAt(option)])),
      });
    });
  }
  return out;
}

/** Zero intervals would spin, and a glob that doesn't compile would fail only at start. */
function checkCommonOptions(common: CommonOptions): { option: string; message: string }[] {
  const problems: { option: string; message: string }[] = [];
  for (const option of ['interval', 'flush_interval'] as const) {
    if (common[option] === 0) problems.push({ option, message: `option "${option}" must be more than 0s` });
  }
  const tooBig = bufferBytesProblem(common.buffer_max_size);
  if (tooBig) problems.push({ option: 'buffer_max_size', message: tooBig });
  const globLists: [string, string[]][] = [];
  for (const option of SELECTOR_OPTION_NAMES) {
    const value = common[option];
    if (Array.isArray(value)) globLists.push([option, value]);
    else if (value) for (const [tag, globs] of Object.entries(value)) globLists.push([`${option}.${tag}`, globs]);
  }
  for (const [option, globs] of globLists) {
    try {
      compileGlobs(globs);
    } catch {
      problems.push({ option, message: `option "${option}" holds a glob that is not valid: ${JSON.stringify(globs)}` });
    }
  }
  return problems;
}

/**
 * Telegraf's always_include_local_tags / always_include_global_tags: an input's own `tags`, and
 * the global ones (`host` among them), pass its taginclude/tagexclude.
 */
function keepTelegrafTags(input: PluginConfig, agent: AgentConfig, globalTags: Record<string, string>): void {
  const kept = [
    ...(agent.always_include_local_tags ? Object.keys(input.common.tags ?? {}) : []),
    ...(agent.always_include_global_tags ? [...Object.keys(globalTags), ...(agent.omit_hostname ? [] : ['host'])] : []),
  ];
  if (kept.length > 0) input.common.keptTags = kept;
}

/** Gives each instance its stable key: "kind.name", "kind.name:alias", with "#n" for repeats. */
function assignKeys(list: PluginConfig[]): void {
  const seen = new Map<string, number>();
  for (const pc of list) {
    const base = pc.common.alias ? `${pc.kind}.${pc.name}:${pc.common.alias}` : `${pc.kind}.${pc.name}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    pc.key = n === 1 ? base : `${base}#${n}`;
  }
}

/**
 * Turns config sources into a checked configuration. Every problem found is collected and
 * thrown together as ConfigErrors, each one line naming file, line and plugin.
 */
export async function loadConfig(sources: ConfigSource[], registry: Registry): Promise<LoadedConfig> {
  const errors: ConfigError[] = [];
  const parsed: ParsedSource[] = [];
  for (const source of sources) {
    const p = parseSource(source, errors);
    if (p) parsed.push(p);
  }
  if (errors.length > 0) throw new ConfigErrors(errors);
  try {
    return await checkParsed(parsed, registry);
  } catch (err) {
    if (err instanceof ConfigErrors) throw new ConfigErrors(withUnsetNotes(err.errors, parsed));
    throw err;
  }
}

/** Everything after parsing; its ConfigErrors get their unset-variable notes in loadConfig. */
async function checkParsed(parsed: ParsedSource[], registry: Registry): Promise<LoadedConfig> {
  const errors: ConfigError[] = [];
  for (const p of parsed) {
    for (const key of Object.keys(p.doc)) {
      if (!TOP_LEVEL.includes(key)) {
        errors.push(new ConfigError({ file: p.source.label, line: lineOf(p.lines, key) }, undefined, `unknown section ${quoted(key)}${didYouMean(key, TOP_LEVEL)}; expected one of ${TOP_LEVEL.join(', ')}`));
      }
    }
  }
  const agentErrors = errors.length;
  const { agent, setOptions, agentWhere } = mergeAgent(parsed, errors);
  const packages = errors.length === agentErrors ? agent.plugins : [];
  const declaredIn = [...parsed].reverse().find((p) => isTable(p.doc.agent) && 'plugins' in p.doc.agent) ?? parsed[0];
  const dirs = declaredIn ? [...new Set([declaredIn.source.dir, process.cwd(), agent.plugin_directory || defaultPluginDirectory()])] : [];
  for (const pkg of packages) {
    try {
      await registry.loadPackage(pkg, dirs);
    } catch (err) {
      errors.push(new ConfigError({ file: declaredIn.source.label, line: lineOf(declaredIn.lines, 'agent.plugins') }, 'agent', `option "plugins": ${(err as Error).message}`));
    }
  }

  const api = mergeApi(parsed, errors);

  const globalTags: Record<string, string> = {};
  for (const p of parsed) {
    const tags = p.doc.global_tags;
    if (tags === undefined) continue;
    if (!isTable(tags) || Object.values(tags).some((v) => typeof v !== 'string')) {
      errors.push(new ConfigError({ file: p.source.label, line: lineOf(p.lines, 'global_tags') }, undefined, '[global_tags] must hold string values only, e.g. dc = "us-east-1"'));
      continue;
    }
    Object.assign(globalTags, tags);
  }

  await registry.loadUsedBy(parsed.map((p) => p.doc));
  const secrets = [...parsed.flatMap((p) => p.source.secrets), ...(api.token ? [api.token] : [])];
  const plugins = { inputs: [] as PluginConfig[], processors: [] as PluginConfig[], outputs: [] as PluginConfig[] };
  for (const p of parsed) for (const kind of PLUGIN_KINDS) plugins[kind].push(...loadPlugins(kind, p, registry, errors, secrets));
  if (errors.length > 0) throw new ConfigErrors(errors);

  for (const kind of PLUGIN_KINDS) assignKeys(plugins[kind]);
  for (const input of plugins.inputs) keepTelegrafTags(input, agent, globalTags);
  for (const e of checkBufferDirectories(agent, agentWhere, plugins.outputs)) errors.push(e);
  if (errors.length > 0) throw new ConfigErrors(errors);

  // Processors run in `order`, then config order (Array.prototype.sort is stable).
  plugins.processors.sort((a, b) => (a.common.order ?? Number.MAX_SAFE_INTEGER) - (b.common.order ?? Number.MAX_SAFE_INTEGER));
  const warnings = [...agentNotices(agent, setOptions, agentWhere), ...overlappingHostInputs(plugins.inputs)];
  return { agent, api, globalTags, ...plugins, sources: parsed.map((p) => p.source.display), firstSource: parsed[0]?.source.label ?? '(none)', warnings, secrets };
}
