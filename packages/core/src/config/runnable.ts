import { ConfigError } from './errors.js';
import type { LoadedConfig } from './model.js';

/**
 * A configuration without outputs loads (`vigil test` needs none) but would run doing
 * nothing, so `vigil run` refuses it, as Telegraf does.
 */
export function noOutputsError(config: LoadedConfig): ConfigError | undefined {
  if (config.outputs.length > 0) return undefined;
  return new ConfigError({ file: config.firstSource }, undefined, 'no outputs: vigil run needs at least one [[outputs.NAME]] table (`vigil plugins` lists them; `vigil test` runs without)');
}
