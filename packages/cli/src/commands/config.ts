import { formatDuration, type PluginKind } from '@vigil/core';
import { AGENT_SCHEMA, TELEGRAF_HOST_INPUTS, type Registry } from '@vigil/core/runtime';
import { loadFromFlags, type SourceFlags } from '../load.js';
import { UsageError } from '../usage.js';

function tomlValue(value: unknown, isDuration: boolean): string {
  if (isDuration && typeof value === 'string') return JSON.stringify(value);
  if (isDuration && typeof value === 'number') return JSON.stringify(formatDuration(value * 1000));
  return JSON.stringify(value);
}

/** The `[agent]` block, written from its schema so defaults and descriptions never drift. */
function agentSample(): string {
  const lines = ['# Configuration for vigil', '[agent]'];
  for (const [name, prop] of Object.entries(AGENT_SCHEMA.properties)) {
    lines.push(`  ## ${prop.description}`, `  # ${name} = ${tomlValue(prop.default, prop.duration === true)}`, '');
  }
  lines.push('# Tags added to every metric and log record', '[global_tags]', '  # dc = "us-east-1"', '');
  return lines.join('\n');
}

function commented(name: string, sample: string): string {
  const lines = sample.split('\n').map((line) => (line.startsWith('#') || line === '' ? line : `# ${line}`));
  return [`# Telegraf's inputs.${name}: use it instead of inputs.system's "${name}" group, not beside it`, ...lines, ''].join('\n');
}

export interface ConfigFlags extends SourceFlags {
  inputs?: string;
  processors?: string;
  outputs?: string;
}

/**
 * Prints a sample configuration built from the plugins' samples; all of them by default.
 * With --config, the plugins of the third-party packages its `[agent] plugins` names are known too.
 */
export async function config(flags: ConfigFlags, registry: Registry): Promise<number> {
  if (flags.config || flags['config-directory']) await loadFromFlags(flags, registry);
  const chosen: Record<PluginKind, string[]> = { inputs: [], processors: [], outputs: [] };
  const anyFilter = flags.inputs !== undefined || flags.processors !== undefined || flags.outputs !== undefined;
  for (const kind of Object.keys(chosen) as PluginKind[]) {
    const wanted = flags[kind]?.split(',').map((s) => s.trim()).filter(Boolean);
    const available = registry.names(kind);
    if (wanted) {
      const unknown = wanted.filter((n) => !available.includes(n));
      if (unknown.length > 0) throw new UsageError(`unknown ${kind}: ${unknown.join(', ')} (available: ${available.join(', ')}); \`vigil plugins\` lists every plugin and its package`);
    }
    chosen[kind] = wanted ?? (anyFilter ? [] : available);
  }
  const blocks = [agentSample()];
  // Printed beside inputs.system, Telegraf's one-group inputs would collect every group twice:
  // they come commented out, ready for a config that uses them instead.
  const commentedOut = chosen.inputs.includes('system') ? TELEGRAF_HOST_INPUTS : [];
  for (const kind of ['inputs', 'processors', 'outputs'] as const) {
    for (const name of chosen[kind]) {
      const sample = (await registry.load(kind, name))!.definition.sample.trimEnd();
      blocks.push(kind === 'inputs' && commentedOut.includes(name) ? commented(name, sample) : `${sample}\n`);
    }
  }
  process.stdout.write(blocks.join('\n'));
  return 0;
}
