import { type } from 'node:os';
import { rfc3339, type AgentInfo } from '@vigil/core';
import type { DefaultPropertyName } from './schema.js';

/**
 * Application-Insights-style default properties. `process_session_id` is made anew at each
 * start, so a receiver can tell a restart from a gap.
 */
export function defaultProperties(agent: Pick<AgentInfo, 'startTime' | 'logTimezone'>, sessionId: string): Record<DefaultPropertyName, string> {
  return {
    os_type: type(),
    runtime_version: `node ${process.versions.node}`,
    process_session_id: sessionId,
    agent_start_time: rfc3339(agent.startTime, agent.logTimezone),
  };
}

/** The defaults not excluded, then the user's own (which may not reuse a default's name). */
export function propertiesToSend(
  defaults: Record<DefaultPropertyName, string>,
  exclude: DefaultPropertyName[],
  own: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(defaults)) if (!exclude.includes(name as DefaultPropertyName)) out[name] = value;
  return { ...out, ...own };
}
