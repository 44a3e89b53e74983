/**
 * The agent's machinery, for the CLI and tests; plugins use the SDK in index.ts instead. The
 * status API and the disk buffer have entries of their own (status-api.ts, disk-buffer.ts), loaded
 * only by a config that uses them.
 */
export { Agent } from './agent/agent.js';
export { createEnvironment, logLevelOf, type AgentEnvironment } from './agent/environment.js';
export { loadConfig } from './config/load.js';
export { readSources, type ConfigSource } from './config/sources.js';
export { ConfigError, ConfigErrors } from './config/errors.js';
export { noOutputsError } from './config/runnable.js';
export { TELEGRAF_HOST_INPUTS } from './config/host-inputs.js';
export type { AgentConfig, LoadedConfig, PluginConfig } from './config/model.js';
export { AGENT_SCHEMA } from './config/schemas.js';
export { Registry, defaultPluginDirectory, pluginDefinitionsOf, type RegisteredPlugin, type LazyPackage, type PluginListing } from './registry.js';
export { MemoryBuffer } from './buffers/memory-buffer.js';
export type { ItemBuffer, BufferedBatch, Receipt, WhenFull, BufferStrategy } from './buffers/buffer.js';
export { bufferSettings, type BufferSettings } from './config/buffer-settings.js';
export { formatSize, parseSize } from './config/size.js';
export { settlesBy } from './pipeline/deadline.js';
export { CurrentAgent, type AgentView, type AgentPhase } from './api/agent-view.js';
export { apiUrl, parseListen, isLoopbackHost } from './config/api-settings.js';
export type { ApiConfig } from './config/model.js';
