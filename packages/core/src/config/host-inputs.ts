import type { PluginConfig } from './model.js';

/** Telegraf's one-group host inputs; vigil's inputs.system collects all of them by default. */
export const TELEGRAF_HOST_INPUTS = ['cpu', 'mem', 'swap', 'disk', 'diskio', 'net', 'netstat', 'processes', 'kernel'];

/**
 * A Telegraf config moved over keeps `[[inputs.system]]` (load, uptime, users there) next to
 * `[[inputs.cpu]]` and the rest; here inputs.system collects those groups too unless `collect`
 * says otherwise, so each would be collected twice. A warning, not an error: the config runs.
 */
export function overlappingHostInputs(inputs: PluginConfig[]): string[] {
  const own = new Set(inputs.filter((i) => TELEGRAF_HOST_INPUTS.includes(i.name)).map((i) => i.name));
  const warnings: string[] = [];
  for (const system of inputs.filter((i) => i.name === 'system')) {
    const twice = ((system.options.collect as string[] | undefined) ?? []).filter((group) => own.has(group));
    if (twice.length === 0) continue;
    const at = `${system.where.file}${system.where.line ? `:${system.where.line}` : ''}`;
    const others = twice.map((g) => `inputs.${g}`).join(', ');
    warnings.push(`${at}: ${system.id}: collects ${twice.join(', ')}, which ${others} already collect${twice.length === 1 ? 's' : ''}: those metrics would come twice; for Telegraf's inputs.system set collect = ["system"]`);
  }
  return warnings;
}
