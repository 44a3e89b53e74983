/** The agent's machinery, for the CLI and tests; plugins use the SDK in index.ts instead. */
export { Agent } from './agent/agent.js';
export { createEnvironment, logLevelOf, type AgentEnvironment } from './agent/environment.js';
export { loadConfig } from './config/load.js';
export { readSources, type ConfigSource } from './config/sources.js';
export { ConfigError, ConfigErrors } from './config/errors.js';
export type { AgentConfig, LoadedConfig, PluginConfig } from './config/model.js';
export { AGENT_SCHEMA } from './config/schemas.js';
export { Registry, type RegisteredPlugin } from './registry.js';
export { MemoryBuffer, type ItemBuffer } from './pipeline/buffer.js';
export { settlesBy } from './pipeline/deadline.js';
