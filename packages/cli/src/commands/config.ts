import { formatDuration, type PluginKind } from '@vigil/core';
import { AGENT_SCHEMA, type Registry } from '@vigil/core/runtime';
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

export interface ConfigFlags {
  inputs?: string;
  processors?: string;
  outputs?: string;
}

/** Prints a sample configuration built from the plugins' samples; all of them by default. */
export function config(flags: ConfigFlags, registry: Registry): number {
  const chosen: Record<PluginKind, string[]> = { inputs: [], processors: [], outputs: [] };
  const anyFilter = flags.inputs !== undefined || flags.processors !== undefined || flags.outputs !== undefined;
  for (const kind of Object.keys(chosen) as PluginKind[]) {
    const wanted = flags[kind]?.split(',').map((s) => s.trim()).filter(Boolean);
    const available = registry.names(kind);
    if (wanted) {
      const unknown = wanted.filter((n) => !available.includes(n));
      if (unknown.length > 0) throw new UsageError(`unknown ${kind}: ${unknown.join(', ')} (available: ${available.join(', ')})`);
    }
    chosen[kind] = wanted ?? (anyFilter ? [] : available);
  }
  const blocks = [agentSample()];
  for (const kind of ['inputs', 'processors', 'outputs'] as const) {
    for (const name of chosen[kind]) blocks.push(registry.get(kind, name)!.definition.sample.trimEnd() + '\n');
  }
  process.stdout.write(blocks.join('\n'));
  return 0;
}
