import type { PluginDefinition, PluginKind } from '../sdk/plugin.js';
import type { SelectorOptions } from '../pipeline/selectors.js';
import type { BufferStrategy, WhenFull } from '../buffers/buffer.js';

/** `[agent]` after validation; durations in milliseconds. */
export interface AgentConfig {
  interval: number;
  round_interval: boolean;
  collection_jitter: number;
  collection_offset: number;
  /** Milliseconds gathered timestamps are rounded to; 0 keeps them. */
  precision: number;
  flush_interval: number;
  flush_jitter: number;
  metric_batch_size: number;
  metric_buffer_limit: number;
  hostname: string;
  omit_hostname: boolean;
  debug: boolean;
  quiet: boolean;
  logtarget: 'file' | 'stderr' | 'eventlog';
  logfile: string;
  logfile_rotation_interval: number;
  /** Bytes; 0 for no rotation by size. */
  logfile_rotation_max_size: number;
  /** -1 keeps every archive. */
  logfile_rotation_max_archives: number;
  logformat: 'text' | 'structured';
  structured_log_message_key: string;
  log_with_timezone: string;
  statefile: string;
  plugins: string[];
  always_include_local_tags: boolean;
  always_include_global_tags: boolean;
  snmp_translator: string;
  skip_processors_after_aggregators: boolean;
  skip_processors_before_aggregators: boolean;
  plugin_directory: string;
  shutdown_timeout: number;
  buffer_strategy: BufferStrategy;
  buffer_directory: string;
  /** Bytes. */
  buffer_max_size: number;
  buffer_sync_interval: number;
  when_full: WhenFull;
}

/** `[api]` after validation. */
export interface ApiConfig {
  /** "HOST:PORT"; '' leaves the status API off. */
  listen: string;
  /** '' when no token is required (loopback only). */
  token: string;
}

/** The options every plugin accepts besides its own (only those that apply to its kind are set). */
export interface CommonOptions extends SelectorOptions {
  alias?: string;
  interval?: number;
  collection_jitter?: number;
  collection_offset?: number;
  precision?: number;
  tags?: Record<string, string>;
  name_override?: string;
  name_prefix?: string;
  name_suffix?: string;
  order?: number;
  flush_interval?: number;
  flush_jitter?: number;
  metric_batch_size?: number;
  metric_buffer_limit?: number;
  timeout?: number;
  buffer_strategy?: BufferStrategy;
  buffer_directory?: string;
  buffer_max_size?: number;
  buffer_sync_interval?: number;
  when_full?: WhenFull;
}

export interface Where {
  file: string;
  line?: number;
}

export interface PluginConfig {
  kind: PluginKind;
  name: string;
  /** "kind.name", or Telegraf's "kind.name::alias" when an alias is set: how logs and errors name this instance. */
  id: string;
  /**
   * "outputs.http", "outputs.http#2", "outputs.http:api" (alias): stable while the config keeps
   * its order; keys the instance's saved state and its disk buffer across restarts and reloads.
   */
  key: string;
  definition: PluginDefinition;
  packageName: string;
  options: Record<string, unknown>;
  common: CommonOptions;
  where: Where;
  /** The line of each option set in the table, for messages about it. */
  optionLines: Record<string, number | undefined>;
}

export interface LoadedConfig {
  agent: AgentConfig;
  api: ApiConfig;
  globalTags: Record<string, string>;
  inputs: PluginConfig[];
  processors: PluginConfig[];
  outputs: PluginConfig[];
  /** Absolute file paths and credential-free URLs, in load order. */
  sources: string[];
  /** How messages name the first source (the path as given), for problems of the whole config. */
  firstSource: string;
  /** `FILE:LINE: …` lines about settings that load but may not do what was meant. */
  warnings: string[];
  /** Every secret value in the configuration, for redaction. */
  secrets: string[];
}
