import { accessSync, constants, existsSync, mkdirSync, statfsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BufferStrategy, WhenFull } from '../buffers/buffer.js';
import { ConfigError } from './errors.js';
import type { AgentConfig, PluginConfig, Where } from './model.js';
import type { OutputDefinition } from '../sdk/plugin.js';
import { formatSize } from './size.js';

/** Below this much free space a buffer_directory is reported full at load. */
const MIN_FREE_BYTES = 1 << 20;

/** One output's buffer, its own options over [agent]'s. */
export interface BufferSettings {
  strategy: BufferStrategy;
  /** The root buffer_directory; '' when neither the output nor [agent] set one. */
  configuredDirectory: string;
  /** Where this output's disk buffer lives. */
  directory: string;
  limit: number;
  maxBytes: number;
  syncIntervalMs: number;
  whenFull: WhenFull;
}

/** Where disk buffers go when no buffer_directory is set: a state folder that survives reboots. */
export function defaultBufferRoot(): string {
  if (process.getuid?.() === 0) return '/var/lib/vigil/buffer';
  return join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'vigil', 'buffer');
}

/** A folder name for an output's stable key ("outputs.http#2" → "outputs.http_2"). */
export function bufferFolderName(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, '_');
}

export function bufferSettings(agent: AgentConfig, pc: PluginConfig): BufferSettings {
  const c = pc.common;
  const configuredDirectory = c.buffer_directory ?? agent.buffer_directory;
  return {
    strategy: c.buffer_strategy ?? (pc.definition as OutputDefinition).bufferStrategy ?? agent.buffer_strategy,
    configuredDirectory,
    directory: join(configuredDirectory || defaultBufferRoot(), bufferFolderName(pc.key)),
    limit: c.metric_buffer_limit ?? agent.metric_buffer_limit,
    maxBytes: c.buffer_max_size ?? agent.buffer_max_size,
    syncIntervalMs: c.buffer_sync_interval ?? agent.buffer_sync_interval,
    whenFull: c.when_full ?? agent.when_full,
  };
}

/**
 * Every disk-buffered output's directory must be creatable, writable and not full; each
 * problem is one line naming the option that chose the directory.
 */
export function checkBufferDirectories(agent: AgentConfig, agentWhere: (option: string) => Where, outputs: PluginConfig[]): ConfigError[] {
  const errors: ConfigError[] = [];
  const owners = new Map<string, PluginConfig>();
  for (const pc of outputs) {
    const settings = bufferSettings(agent, pc);
    if (settings.strategy !== 'disk') continue;
    const other = owners.get(settings.directory);
    if (other) {
      errors.push(new ConfigError(pc.where, pc.id, `its disk buffer would share ${settings.directory} with ${other.id} (line ${other.where.line}); give one of them another alias`));
      continue;
    }
    owners.set(settings.directory, pc);
    const own = pc.common.buffer_directory !== undefined;
    const where = own ? { file: pc.where.file, line: pc.optionLines.buffer_directory } : settings.configuredDirectory ? agentWhere('buffer_directory') : { file: pc.where.file, line: pc.optionLines.buffer_strategy ?? pc.where.line };
    const option = settings.configuredDirectory ? 'buffer_directory' : 'buffer_strategy';
    const problem = directoryProblem(settings.directory);
    if (problem) errors.push(new ConfigError(where, own || !settings.configuredDirectory ? pc.id : 'agent', `option "${option}": ${problem}`));
  }
  return errors;
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdir never returns on some file systems
 * (a path under /proc loops forever).
 */
function makeDirectories(directory: string): void {
  const missing: string[] = [];
  for (let d = directory; !existsSync(d); d = dirname(d)) missing.unshift(d);
  for (const d of missing) mkdirSync(d);
}

function directoryProblem(directory: string): string | undefined {
  try {
    makeDirectories(directory);
    accessSync(directory, constants.W_OK);
  } catch (err) {
    return `cannot use ${directory} for the disk buffer (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); expected a writable directory`;
  }
  const fs = statfsSync(directory);
  const free = fs.bavail * fs.bsize;
  if (free < MIN_FREE_BYTES) return `${directory} is full (${formatSize(free)} free); a disk buffer needs room`;
  return undefined;
}
