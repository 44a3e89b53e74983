/** The agent's machinery, for the CLI and tests; plugins use the SDK in index.ts instead. */
export { Agent } from './agent/agent.js';
export { createEnvironment, logLevelOf, type AgentEnvironment } from './agent/environment.js';
export { loadConfig } from './config/load.js';
export { readSources, type ConfigSource } from './config/sources.js';
export { ConfigError, ConfigErrors } from './config/errors.js';
export type { AgentConfig, LoadedConfig, PluginConfig } from './config/model.js';
export { AGENT_SCHEMA } from './config/schemas.js';
export { Registry, type RegisteredPlugin } from './registry.js';
export { MemoryBuffer } from './buffers/memory-buffer.js';
export type { ItemBuffer, BufferedBatch, Receipt, WhenFull, BufferStrategy } from './buffers/buffer.js';
export { DiskBuffer, inspectBuffer, type BufferInspection } from './buffers/disk/index.js';
export { bufferSettings, type BufferSettings } from './config/buffer-settings.js';
export { formatSize, parseSize } from './config/size.js';
export { settlesBy } from './pipeline/deadline.js';
