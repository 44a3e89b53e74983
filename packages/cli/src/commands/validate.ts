import { formatDuration } from '@vigil/core';
import { Agent, ConfigErrors, createEnvironment, noOutputsError, type PluginConfig, type Registry } from '@vigil/core/runtime';
import { loadFromFlags, type SourceFlags } from '../load.js';

function describePlugins(plugins: PluginConfig[]): string {
  return plugins.length === 0 ? 'none' : plugins.map((p) => p.id).join(', ');
}

/**
 * Parses and checks everything (fetching URL configs and loading plugin packages, nothing
 * else), instantiates every plugin without starting it, and prints a short checklist, with
 * warnings (settings that load but may not do what was meant) on stderr. Errors are thrown
 * as ConfigErrors by the loader, and printed by main; a config `vigil run` would refuse (no
 * outputs) is one of them.
 */
export async function validate(flags: SourceFlags, registry: Registry): Promise<number> {
  const config = await loadFromFlags(flags, registry);
  const env = createEnvironment({ ...config.agent, logfile: '', quiet: true, debug: false });
  new Agent({ ...config, agent: { ...config.agent, statefile: '' } }, env);
  const noOutputs = noOutputsError(config);
  if (noOutputs) throw new ConfigErrors([noOutputs]);
  for (const warning of config.warnings) process.stderr.write(`warning: ${warning}\n`);
  const { agent } = config;
  const out = [
    `✓ sources: ${config.sources.map((s) => env.redactor.redact(s)).join(', ')}`,
    `✓ agent: interval ${formatDuration(agent.interval)}, flush_interval ${formatDuration(agent.flush_interval)}, ` +
      `metric_batch_size ${agent.metric_batch_size}, metric_buffer_limit ${agent.metric_buffer_limit}`,
    `✓ inputs: ${describePlugins(config.inputs)}`,
    `✓ processors: ${describePlugins(config.processors)}`,
    `✓ outputs: ${describePlugins(config.outputs)}`,
    'configuration is valid',
  ];
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}
