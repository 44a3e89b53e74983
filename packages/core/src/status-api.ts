/** `@vigil/core/status-api`: the [api] server, loaded only when a config sets `[api] listen`. */
export { StatusServer, type StatusServerOptions } from './api/status-server.js';
export { engineStatus, readiness, type EngineStatus, type InputStatus, type OutputStatus, type Readiness } from './api/engine-status.js';
export { HEALTH_THRESHOLDS, type HealthState } from './api/health-state.js';
