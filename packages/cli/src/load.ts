import { readSources, loadConfig, type ConfigSource, type LoadedConfig, type Registry } from '@vigil/core/runtime';
import { DEFAULT_CONFIG, DEFAULT_CONFIG_LABEL } from './default-config.js';

export interface SourceFlags {
  config?: string[];
  'config-directory'?: string;
}

/**
 * The sources named on the command line; else $VIGIL_CONFIG_PATH; else the embedded default.
 */
export async function gatherSources(flags: SourceFlags): Promise<ConfigSource[]> {
  const configs = flags.config ?? [];
  const dir = flags['config-directory'];
  if (configs.length === 0 && !dir) {
    const fromEnv = process.env.VIGIL_CONFIG_PATH;
    if (fromEnv) return readSources([fromEnv]);
    return [{ label: DEFAULT_CONFIG_LABEL, display: DEFAULT_CONFIG_LABEL, dir: process.cwd(), text: DEFAULT_CONFIG, secrets: [] }];
  }
  return readSources(configs, dir);
}

export async function loadFromFlags(flags: SourceFlags, registry: Registry): Promise<LoadedConfig> {
  return loadConfig(await gatherSources(flags), registry);
}
