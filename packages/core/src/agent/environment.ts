import type { Logger } from 'pino';
import { createAgentLogger } from '../log/logger.js';
import { LogRing } from '../log/ring.js';
import { Redactor } from '../log/redactor.js';
import { Stats } from '../stats/stats.js';
import type { AgentConfig } from '../config/model.js';
import { StateStores } from './state-store.js';

/** What outlives a config reload: the logger, its ring, the counters, the secrets and plugin state. */
export interface AgentEnvironment {
  logger: Logger;
  states: StateStores;
  ring: LogRing;
  stats: Stats;
  redactor: Redactor;
  /** Milliseconds since the epoch when the process started. */
  startTime: number;
}

export function logLevelOf(agent: Pick<AgentConfig, 'debug' | 'quiet'>): 'debug' | 'info' | 'error' {
  return agent.debug ? 'debug' : agent.quiet ? 'error' : 'info';
}

/** The secrets of a configuration are added to its redactor by the Agent built on it. */
export function createEnvironment(agent: AgentConfig, overrides: { debug?: boolean } = {}): AgentEnvironment {
  const ring = new LogRing();
  const stats = new Stats();
  const redactor = new Redactor();
  const logger = createAgentLogger(
    {
      level: logLevelOf({ ...agent, debug: overrides.debug || agent.debug }),
      logfile: agent.logtarget === 'stderr' ? '' : agent.logfile,
      rotation: { intervalMs: agent.logfile_rotation_interval, maxBytes: agent.logfile_rotation_max_size, maxArchives: agent.logfile_rotation_max_archives },
      messageKey: agent.structured_log_message_key,
      format: agent.logformat,
      timezone: agent.log_with_timezone,
    },
    { ring, counts: stats.logCounts, redactor },
  );
  return { logger, ring, stats, redactor, states: new StateStores(logger), startTime: Date.now() };
}
