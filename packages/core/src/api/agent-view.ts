import type { Agent } from '../agent/agent.js';
import type { AgentEnvironment } from '../agent/environment.js';

/** Where the process is: "reloading" while a SIGHUP hands over to the next configuration. */
export type AgentPhase = 'starting' | 'running' | 'reloading' | 'stopping';

/**
 * What the status API reads: the configuration running now and what the process is doing. The
 * API outlives reloads, so it never holds an Agent itself; the CLI updates this on each reload.
 */
export interface AgentView {
  readonly agent: Agent;
  readonly phase: AgentPhase;
  readonly env: AgentEnvironment;
}

/** The AgentView the CLI keeps up to date. */
export class CurrentAgent implements AgentView {
  phase: AgentPhase = 'starting';

  constructor(
    public agent: Agent,
    readonly env: AgentEnvironment,
  ) {}
}
